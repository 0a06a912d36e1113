"""What was really called for a year: the one definition of "provisional called" and
the credit of a year (SPEC §4 "Schedule").

The account (régularisation spread or credited at a declaration), the declareRevenu
payload and the contributions view of a year all use :func:`provisional_called`, so
a radiation year shows what its remaining instalments called, not what its lines
would have called over a whole year.

The credit of a year is *state*, not a history: each recomputation of the year
replaces it (:func:`credit_after_recompute`), and it is allocated like a payment dated
at its last recomputation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.echeancier import NatureEcheance, ScheduleChange
from domain.money import ZERO


@dataclass(frozen=True, slots=True)
class EcheanceAppelee:
    """An instalment not cancelled, as far as "called" is concerned.

    ``montant``: what it asks for now, amounts carried into it included;
    ``reporte_entrant``: amounts carried into it from earlier rejected debits;
    ``reporte_sortant``: what its own rejected debit carried to a later instalment
    (already taken out of ``montant``). Its own amount — what it called — is
    ``montant − reporte_entrant + reporte_sortant``.
    """

    annee: int
    nature: NatureEcheance
    montant: Decimal
    reporte_entrant: Decimal = ZERO
    reporte_sortant: Decimal = ZERO

    @property
    def montant_propre(self) -> Decimal:
        return self.montant - self.reporte_entrant + self.reporte_sortant


def provisional_called(
    annee: int, echeances: Iterable[EcheanceAppelee], credit: Decimal
) -> Decimal:
    """Provisional contributions called for ``annee`` (SPEC §4): the own amounts of the
    year's PROVISIONNELLE instalments not cancelled (amounts carried in from a rejected
    debit excluded), minus the credit of the year.

    Equals the year's provisional total while nothing was cancelled: a recomputation
    either spreads exactly the rest over the open instalments or leaves the excess of
    the fixed ones as the credit. After a radiation, only what stayed called counts.
    """
    called = sum(
        (
            e.montant_propre
            for e in echeances
            if e.annee == annee and e.nature is NatureEcheance.PROVISIONNELLE
        ),
        ZERO,
    )
    return called - credit


@dataclass(frozen=True, slots=True)
class CreditAnnee:
    """The credit of one year: allocated like a payment received on ``date_recalcul``,
    the day of its last recomputation; the rest is refundable."""

    annee: int
    montant: Decimal
    date_recalcul: date


def credit_after_recompute(
    annee: int, change: ScheduleChange, date_demande: date
) -> CreditAnnee | None:
    """The credit of ``annee`` once a recomputation on ``date_demande`` is applied: it
    replaces any earlier one (max(0, Σ fixed instalments − new annual amount), computed
    by ``recompute_schedule``); None when the fixed instalments no longer exceed the new
    amount, so a higher later amount removes it."""
    if change.credit <= ZERO:
        return None
    return CreditAnnee(annee, change.credit, date_demande)
