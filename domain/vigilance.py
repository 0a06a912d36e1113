"""Attestation de vigilance and the follow-up flags of a client — SPEC §6, §5, §7.

SPEC §6: the attestation de vigilance is issued "only when every past income is
declared and nothing is overdue, or a payment plan is accepted and respected". Read
here as: the declarations are up to date AND every overdue amount is covered by an
accepted plan that is still respected (a plan does not excuse a missing declaration:
§5 requires every past income declared to grant one).

Which declarations are checked: for the régime classique, every covered year whose
declaration deadline (31 May of the next year) has passed, as
``domain.calendrier_declarations`` says; for a micro-entrepreneur, the periods of
N-1 and N whose deadline (end of the month after the period, §7) has passed. Years
and periods outside the activity (before the creation, after the radiation) are
never due.

Pure rules over plain values ("today" is an argument): the gateway's portfolio
filters implement the same rules in SQL, and the délais and attestations services
can call these directly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal

from domain import attestations
from domain.delais import EcheanceDelai, StatutDelai, is_denounced, is_respected
from domain.echeancier import Instalment
from domain.micro import Periode, TypePeriode
from domain.money import ZERO


def premiere_annee_periodes(today: date) -> int:
    """First year whose micro-entrepreneur periods are checked (N-1)."""
    return today.year - 1


def premiere_periode_controlee(today: date, type_periode: TypePeriode) -> Periode:
    """First period checked for a micro-entrepreneur: the first one of N-1."""
    return Periode(premiere_annee_periodes(today), type_periode, 1)


def derniere_periode_exigible(today: date, type_periode: TypePeriode) -> Periode:
    """The latest period whose declaration deadline is before ``today``."""
    periode = Periode(
        today.year,
        type_periode,
        today.month if type_periode is TypePeriode.MOIS else (today.month + 2) // 3,
    )
    while periode.echeance >= today:
        periode = precedente(periode)
    return periode


def precedente(periode: Periode) -> Periode:
    """The period just before ``periode`` (December / T4 of the previous year in January)."""
    if periode.numero > 1:
        return Periode(periode.annee, periode.type, periode.numero - 1)
    dernier = 12 if periode.type is TypePeriode.MOIS else 4
    return Periode(periode.annee - 1, periode.type, dernier)


def periodes_a_declarer(
    today: date, type_periode: TypePeriode, date_creation: date, date_fin: date | None
) -> list[Periode]:
    """The periods of N-1 and N a micro-entrepreneur must have declared by ``today``
    (oldest first): deadline passed, and the activity existed during the period. The
    attestations' rule with this module's window, so both always agree."""
    return [
        Periode.parse(texte)
        for texte in attestations.periodes_a_declarer(
            today, date_creation, date_fin, type_periode, premiere_annee_periodes(today)
        )
    ]


def periodes_non_declarees(
    today: date,
    type_periode: TypePeriode,
    date_creation: date,
    date_fin: date | None,
    periodes_declarees: Collection[str],
) -> list[Periode]:
    """The periods of :func:`periodes_a_declarer` without any declaration
    (``periodes_declarees`` as written in the API, e.g. ``2026-03`` or ``2026-T1``)."""
    return [
        p
        for p in periodes_a_declarer(today, type_periode, date_creation, date_fin)
        if str(p) not in periodes_declarees
    ]


def plan_denonce(statut: StatutDelai, echeances: Sequence[EcheanceDelai], today: date) -> bool:
    """A payment plan denounced (§5): so recorded, or accepted with an instalment still
    unpaid more than 30 days after its date (denounced by itself on that day)."""
    return statut is StatutDelai.DENONCE or (
        statut is StatutDelai.ACCEPTE and is_denounced(echeances, today)
    )


def retard_hors_plan(
    echeances: Iterable[Instalment], couvertes_par_plan_respecte: Collection[int], today: date
) -> Decimal:
    """Overdue amount (due before ``today``, unpaid) not covered by an accepted plan that
    is still respected (see :func:`domain.delais.is_respected`)."""
    return sum(
        (
            e.reste_du
            for e in echeances
            if e.date_echeance < today and e.id not in couvertes_par_plan_respecte
        ),
        ZERO,
    )


def vigilance_obtenable(*, declarations_manquantes: bool, retard_non_couvert: Decimal) -> bool:
    """§6: declarations up to date, and nothing overdue outside a respected plan."""
    return not declarations_manquantes and retard_non_couvert <= ZERO


def a_surveiller(
    *, montant_en_retard: Decimal, declarations_manquantes: bool, plan_denonce: bool
) -> bool:
    """A client who needs the accountant's attention: something overdue, a declaration
    missing, or a payment plan denounced."""
    return montant_en_retard > ZERO or declarations_manquantes or plan_denonce


__all__ = [
    "a_surveiller",
    "derniere_periode_exigible",
    "is_respected",
    "periodes_a_declarer",
    "periodes_non_declarees",
    "plan_denonce",
    "precedente",
    "premiere_annee_periodes",
    "premiere_periode_controlee",
    "retard_hors_plan",
    "vigilance_obtenable",
]
