"""Following payment plans against the payments and the clock — SPEC §5 with §4.

Payments are allocated as always, to the oldest unpaid instalments (§4); a plan
collects what is paid on the instalments it covers. What a plan has collected on a day
is its amount minus what those instalments still owed that day, and the plan
instalments are met in their order as that amount grows. Replaying the payments by
date tells on which day each plan instalment was met, hence whether it was met within
30 days of its date (the plan is respected) or not (denounced, from the 31st day) —
whatever the day the plan is looked at: the state is derived from the payments and the
clock, never from when someone happened to look. The gateway also stores the state a
mutation observes, and derives again only from an ACCEPTE state, so both agree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from domain.compte import Paiement, replay_allocations
from domain.delais import DELAI_DENONCIATION_JOURS, EcheanceDelai, StatutDelai, transition
from domain.echeancier import Instalment
from domain.money import ZERO

#: Cumulative amount a plan had collected after each payment day, days ascending.
Encaissements = Sequence[tuple[date, Decimal]]


@dataclass(frozen=True, slots=True)
class PlanCompte:
    """A plan of the account as stored: its decided state and what it covers."""

    id: int
    statut: StatutDelai
    montant: Decimal
    echeances: tuple[EcheanceDelai, ...]
    couvertes: frozenset[int]
    date_demande: date
    date_decision: date | None = None
    date_cloture: date | None = None


@dataclass(frozen=True, slots=True)
class SuiviDelai:
    """Where a plan stands on a day: its state, the day it ended, what it collected,
    and its instalments with their paid part."""

    statut: StatutDelai
    date_cloture: date | None
    collecte: Decimal
    echeances: tuple[EcheanceDelai, ...]

    @property
    def respecte(self) -> bool:
        """Accepted and neither settled nor denounced: its covered instalments carry no
        majorations (§5) and it allows an attestation de vigilance (§6)."""
        return self.statut is StatutDelai.ACCEPTE


def paid_timeline(
    echeances: Sequence[Instalment],
    paiements: Iterable[Paiement],
    groupes: Mapping[int, Collection[int]],
) -> dict[int, list[tuple[date, Decimal]]]:
    """Replay the payments oldest first (date, then id) with the §4 allocation, as the
    ledger does, and give for each group of instalment ids the total paid on them after
    each payment day."""
    paye = {e.id: ZERO for e in echeances}
    replay = replay_allocations(echeances, paiements)
    suivi: dict[int, list[tuple[date, Decimal]]] = {cle: [] for cle in groupes}
    for rang, (paiement, parts) in enumerate(replay):
        for ident, part in parts.items():
            paye[ident] += part
        if rang + 1 < len(replay) and replay[rang + 1][0].date_paiement == paiement.date_paiement:
            continue
        for cle, ids in groupes.items():
            total = sum((paye[i] for i in ids if i in paye), ZERO)
            suivi[cle].append((paiement.date_paiement, total))
    return suivi


def collected_on(encaissements: Encaissements, jour: date) -> Decimal:
    """What the plan had collected at the end of ``jour``."""
    collecte = ZERO
    for quand, cumul in encaissements:
        if quand > jour:
            break
        collecte = cumul
    return collecte


def spread_collected(
    echeances: Sequence[EcheanceDelai], collecte: Decimal
) -> tuple[EcheanceDelai, ...]:
    """The plan instalments paid in their order with what the plan collected."""
    resultat = []
    for e in echeances:
        part = min(e.montant, collecte)
        collecte -= part
        resultat.append(replace(e, montant_paye=part))
    return tuple(resultat)


def denunciation_date(
    echeances: Sequence[EcheanceDelai], encaissements: Encaissements, today: date
) -> date | None:
    """The day the plan was denounced, if it was by ``today``: the 31st day after the
    first plan instalment not met in time (met: the plan had collected it and every
    earlier one by the end of the 30th day)."""
    cumul = ZERO
    for e in echeances:
        cumul += e.montant
        limite = e.date_echeance + timedelta(days=DELAI_DENONCIATION_JOURS)
        if today > limite and collected_on(encaissements, limite) < cumul:
            return limite + timedelta(days=1)
    return None


def follow_plan(plan: PlanCompte, encaissements: Encaissements, today: date) -> SuiviDelai:
    """The state of ``plan`` on ``today``.

    An accepted plan becomes SOLDE on the day it is fully collected, or DENONCE on the
    day a plan instalment is still unpaid 30 days after its date, whichever came first.
    Other states stay: a request or a refusal collects nothing; a plan that ended shows
    what it had collected when it ended.
    """
    if plan.statut in (StatutDelai.DEMANDE, StatutDelai.REFUSE):
        return SuiviDelai(plan.statut, None, ZERO, spread_collected(plan.echeances, ZERO))
    if plan.statut is not StatutDelai.ACCEPTE:
        fin = today if plan.date_cloture is None else min(today, plan.date_cloture)
        collecte = collected_on(encaissements, fin)
        return SuiviDelai(
            plan.statut, plan.date_cloture, collecte, spread_collected(plan.echeances, collecte)
        )
    total = sum((e.montant for e in plan.echeances), ZERO)
    solde_le = next((d for d, c in encaissements if d <= today and c >= total), None)
    denonce_le = denunciation_date(plan.echeances, encaissements, today)
    statut: StatutDelai = plan.statut
    cloture: date | None = None
    if solde_le is not None and (denonce_le is None or solde_le < denonce_le):
        statut, cloture = transition(statut, StatutDelai.SOLDE), solde_le
    elif denonce_le is not None:
        statut, cloture = transition(statut, StatutDelai.DENONCE), denonce_le
    collecte = collected_on(encaissements, today)
    return SuiviDelai(statut, cloture, collecte, spread_collected(plan.echeances, collecte))


def as_of(plan: PlanCompte, jour: date) -> PlanCompte | None:
    """The plan as it stood at the end of ``jour``; None when not requested yet. A plan
    accepted by then that ended later was still accepted (its state is derived again)."""
    if plan.date_demande > jour:
        return None
    if plan.date_decision is None or plan.date_decision > jour:
        return replace(plan, statut=StatutDelai.DEMANDE, date_cloture=None)
    if plan.statut in (StatutDelai.DEMANDE, StatutDelai.REFUSE):
        return plan
    if plan.date_cloture is None or plan.date_cloture > jour:
        return replace(plan, statut=StatutDelai.ACCEPTE, date_cloture=None)
    return plan


def follow_plans(
    plans: Sequence[PlanCompte],
    echeances: Sequence[Instalment],
    paiements: Sequence[Paiement],
    today: date,
) -> dict[int, SuiviDelai]:
    """Every plan of one account on ``today`` (payments received by then). A plan's
    collection is its amount minus what its covered instalments still owe, kept
    between 0 and its amount."""
    montants = {e.id: e.montant for e in echeances}
    timeline = paid_timeline(
        echeances,
        [p for p in paiements if p.date_paiement <= today],
        {p.id: p.couvertes for p in plans},
    )
    suivis: dict[int, SuiviDelai] = {}
    for plan in plans:
        du = sum((montants[i] for i in plan.couvertes if i in montants), ZERO)
        encaissements = [
            (jour, min(plan.montant, max(ZERO, plan.montant - (du - paye))))
            for jour, paye in timeline[plan.id]
        ]
        suivis[plan.id] = follow_plan(plan, encaissements, today)
    return suivis


def exempt_instalments(
    plans: Iterable[PlanCompte], suivis: Mapping[int, SuiviDelai]
) -> frozenset[int]:
    """Instalments covered by an accepted plan still respected: no majorations (§5)."""
    return frozenset(i for p in plans if suivis[p.id].respecte for i in p.couvertes)
