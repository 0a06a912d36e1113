"""Payment plans (délais de paiement) — SPEC §5, as pure rules.

Eligibility (each refusal is a :class:`DomainError` with a field and a stable code),
the plan's monthly instalments, the state machine of a plan and its denunciation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.echeancier import Instalment, add_months, split_amount
from domain.errors import DomainError
from domain.money import ZERO

#: The first plan instalment is due at most this many days after the request.
DELAI_PREMIERE_ECHEANCE_JOURS = 60
#: Up to this many instalments a plan is accepted at once.
MAX_ECHEANCES_AUTOMATIQUE = 12
#: Up to this many instalments an agent decides; more is refused.
MAX_ECHEANCES = 24
#: A plan denounced within this many months before the request forbids a new one.
CARENCE_DENONCIATION_MOIS = 24
#: A plan instalment still unpaid more than this many days after its date denounces the plan.
DELAI_DENONCIATION_JOURS = 30


class StatutDelai(StrEnum):
    """States of a plan: DEMANDE → ACCEPTE | REFUSE; ACCEPTE → SOLDE | DENONCE | RENEGOCIE."""

    DEMANDE = "DEMANDE"
    ACCEPTE = "ACCEPTE"
    REFUSE = "REFUSE"
    SOLDE = "SOLDE"
    DENONCE = "DENONCE"
    RENEGOCIE = "RENEGOCIE"


TRANSITIONS: dict[StatutDelai, frozenset[StatutDelai]] = {
    StatutDelai.DEMANDE: frozenset({StatutDelai.ACCEPTE, StatutDelai.REFUSE}),
    StatutDelai.ACCEPTE: frozenset({StatutDelai.SOLDE, StatutDelai.DENONCE, StatutDelai.RENEGOCIE}),
}
EN_COURS = frozenset({StatutDelai.DEMANDE, StatutDelai.ACCEPTE})


@dataclass(frozen=True, slots=True)
class PlanExistant:
    """A plan already on the account, as much as eligibility needs to know."""

    id: int
    statut: StatutDelai
    date_denonciation: date | None = None


@dataclass(frozen=True, slots=True)
class EcheanceDelai:
    """One monthly instalment of a plan."""

    date_echeance: date
    montant: Decimal
    montant_paye: Decimal = ZERO


# --- eligibility --------------------------------------------------------------------


def check_count(nombre_echeances: int) -> StatutDelai:
    """1–12 instalments: ACCEPTE at once; 13–24: DEMANDE (an agent decides); else refused."""
    if nombre_echeances < 1:
        raise DomainError(
            "Le nombre d'échéances doit être d'au moins 1.",
            field="nombreEcheances",
            code="NOMBRE_ECHEANCES_INVALIDE",
        )
    if nombre_echeances > MAX_ECHEANCES:
        raise DomainError(
            f"Un délai de paiement ne peut pas dépasser {MAX_ECHEANCES} échéances "
            f"({nombre_echeances} demandées).",
            field="nombreEcheances",
            code="NOMBRE_ECHEANCES_TROP_ELEVE",
        )
    if nombre_echeances <= MAX_ECHEANCES_AUTOMATIQUE:
        return StatutDelai.ACCEPTE
    return StatutDelai.DEMANDE


def check_first_due_date(premiere_echeance: date, date_demande: date) -> None:
    """The first plan instalment is due between the request date and 60 days after it."""
    if premiere_echeance < date_demande:
        raise DomainError(
            "La date de la première échéance ne peut pas être dans le passé.",
            field="premiereEcheance",
            code="PREMIERE_ECHEANCE_PASSEE",
        )
    limite = date_demande + timedelta(days=DELAI_PREMIERE_ECHEANCE_JOURS)
    if premiere_echeance > limite:
        raise DomainError(
            f"La première échéance doit intervenir dans les {DELAI_PREMIERE_ECHEANCE_JOURS} "
            f"jours suivant la demande, soit au plus tard le {limite.strftime('%d/%m/%Y')}.",
            field="premiereEcheance",
            code="PREMIERE_ECHEANCE_TROP_LOINTAINE",
        )


def check_covered_instalments(echeances: Sequence[Instalment], date_demande: date) -> Decimal:
    """The plan covers overdue (due before the request) unpaid instalments; returns the
    amount it covers."""
    if not echeances:
        raise DomainError(
            "Indiquez au moins une échéance en retard à couvrir.",
            field="echeances",
            code="AUCUNE_ECHEANCE",
        )
    non_exigibles = [
        e.date_echeance.strftime("%d/%m/%Y")
        for e in echeances
        if e.date_echeance >= date_demande or e.reste_du == ZERO
    ]
    if non_exigibles:
        raise DomainError(
            f"Seules des échéances en retard et impayées peuvent faire l'objet d'un délai "
            f"(échéances du {', '.join(non_exigibles)}).",
            field="echeances",
            code="ECHEANCE_NON_EXIGIBLE",
        )
    return sum((e.reste_du for e in echeances), ZERO)


def check_declarations(annees_non_declarees: Collection[int]) -> None:
    """Every past income must be declared."""
    if annees_non_declarees:
        annees = ", ".join(str(a) for a in sorted(annees_non_declarees))
        raise DomainError(
            f"Tous vos revenus passés doivent être déclarés avant de demander un délai "
            f"de paiement (non déclarés : {annees}).",
            field="revenus",
            code="REVENUS_NON_DECLARES",
        )


def check_previous_plans(
    plans: Iterable[PlanExistant], date_demande: date, plan_renegocie: int | None = None
) -> None:
    """No plan denounced in the 24 months before the request (a new plan is possible
    from the day 24 months after the denunciation), and no other plan in progress
    (DEMANDE or ACCEPTE), the accepted plan being renegotiated excepted."""
    existants = list(plans)
    for plan in existants:
        if plan.statut is StatutDelai.DENONCE and plan.date_denonciation is not None:
            _check_denunciation_over(plan.date_denonciation, date_demande)
    if plan_renegocie is not None:
        _check_renegotiable(existants, plan_renegocie)
    if any(p.statut in EN_COURS and p.id != plan_renegocie for p in existants):
        raise DomainError(
            "Un autre délai de paiement est déjà en cours : renégociez-le plutôt.",
            field="delais",
            code="DELAI_EN_COURS",
        )


def _check_denunciation_over(date_denonciation: date, date_demande: date) -> None:
    fin = add_months(date_denonciation, CARENCE_DENONCIATION_MOIS)
    if date_demande < fin:
        raise DomainError(
            f"Un délai de paiement a été dénoncé le {date_denonciation.strftime('%d/%m/%Y')} : "
            f"aucun nouveau délai ne peut être accordé avant le {fin.strftime('%d/%m/%Y')}.",
            field="delais",
            code="DELAI_DENONCE_RECENT",
        )


def _check_renegotiable(plans: Sequence[PlanExistant], plan_renegocie: int) -> None:
    cible = next((p for p in plans if p.id == plan_renegocie), None)
    if cible is None or cible.statut is not StatutDelai.ACCEPTE:
        raise DomainError(
            "Seul un délai de paiement accepté peut être renégocié.",
            field="delai",
            code="DELAI_NON_RENEGOCIABLE",
        )


@dataclass(frozen=True, slots=True)
class Eligibilite:
    """A request that passed every check: the amount covered and its initial state."""

    montant: Decimal
    statut: StatutDelai


def check_eligibility(
    *,
    date_demande: date,
    echeances: Sequence[Instalment],
    nombre_echeances: int,
    premiere_echeance: date,
    annees_non_declarees: Collection[int],
    plans: Iterable[PlanExistant],
    plan_renegocie: int | None = None,
) -> Eligibilite:
    """All the conditions of §5, input checks first, then the account's situation.

    ``plan_renegocie``: id of the accepted plan this request renegotiates (it then does
    not count as "another plan in progress"). Raises the first refusal met.
    """
    statut = check_count(nombre_echeances)
    check_first_due_date(premiere_echeance, date_demande)
    montant = check_covered_instalments(echeances, date_demande)
    check_declarations(annees_non_declarees)
    check_previous_plans(plans, date_demande, plan_renegocie)
    return Eligibilite(montant=montant, statut=statut)


# --- instalments, states, denunciation ----------------------------------------------


def plan_instalments(
    montant: Decimal, nombre_echeances: int, premiere_echeance: date
) -> list[EcheanceDelai]:
    """Monthly instalments on the same day each month as the first (clamped to the month
    end: 31 Jan, 28/29 Feb, 31 Mar), amounts split with the §4 rule."""
    check_count(nombre_echeances)
    montants = split_amount(montant, nombre_echeances)
    return [EcheanceDelai(add_months(premiere_echeance, i), m) for i, m in enumerate(montants)]


def transition(actuel: StatutDelai, cible: StatutDelai) -> StatutDelai:
    """Move a plan to ``cible``, refusing any transition the state machine lacks.

    A renegotiated plan becomes RENEGOCIE only once the new request is accepted; if the
    new request is refused, the old plan stays ACCEPTE.
    """
    if cible not in TRANSITIONS.get(actuel, frozenset()):
        raise DomainError(
            f"Un délai au statut {actuel.value} ne peut pas passer au statut {cible.value}.",
            field="statut",
            code="TRANSITION_INTERDITE",
        )
    return cible


def is_denounced(echeances: Iterable[EcheanceDelai], today: date) -> bool:
    """A plan instalment still unpaid more than 30 days after its date (paid on day
    +30 is still in time; unpaid on day +31 denounces the plan)."""
    return any(
        e.montant_paye < e.montant
        and today > e.date_echeance + timedelta(days=DELAI_DENONCIATION_JOURS)
        for e in echeances
    )


def is_settled(echeances: Iterable[EcheanceDelai]) -> bool:
    """Every plan instalment fully paid."""
    return all(e.montant_paye >= e.montant for e in echeances)


def status_today(
    statut: StatutDelai, echeances: Sequence[EcheanceDelai], today: date
) -> StatutDelai:
    """The state an accepted plan reaches by itself: SOLDE when fully paid, DENONCE when
    an instalment is unpaid 30 days after its date (then the whole remaining balance is
    due at once and majorations apply back to the original due dates); else unchanged."""
    if statut is not StatutDelai.ACCEPTE:
        return statut
    if is_settled(echeances):
        return transition(statut, StatutDelai.SOLDE)
    if is_denounced(echeances, today):
        return transition(statut, StatutDelai.DENONCE)
    return statut


def is_respected(statut: StatutDelai, echeances: Sequence[EcheanceDelai], today: date) -> bool:
    """An accepted plan not (yet) denounced: its covered instalments carry no majorations
    (§5) and it allows an attestation de vigilance (§6)."""
    return statut is StatutDelai.ACCEPTE and not is_denounced(echeances, today)
