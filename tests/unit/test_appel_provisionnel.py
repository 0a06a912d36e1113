"""Provisional called and the credit of a year (SPEC §4 "Schedule")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.appel_provisionnel import (
    CreditAnnee,
    EcheanceAppelee,
    credit_after_recompute,
    provisional_called,
)
from domain.echeancier import Instalment, NatureEcheance, Periodicite, recompute_schedule

P, R = NatureEcheance.PROVISIONNELLE, NatureEcheance.REGULARISATION


def test_provisional_called_is_the_years_own_provisional_amounts_less_its_credit() -> None:
    echeances = [
        EcheanceAppelee(2026, P, Decimal("100.00")),
        # A rejected debit of 100 carried from this one into the next, which now asks 200.
        EcheanceAppelee(2026, P, Decimal("0.00"), reporte_sortant=Decimal("100.00")),
        EcheanceAppelee(2026, P, Decimal("200.00"), reporte_entrant=Decimal("100.00")),
        EcheanceAppelee(2025, P, Decimal("999.00")),
        EcheanceAppelee(2026, R, Decimal("50.00")),
    ]
    assert provisional_called(2026, echeances, Decimal("30.00")) == Decimal("270.00")
    assert provisional_called(2025, echeances, Decimal(0)) == Decimal("999.00")


def test_the_credit_of_a_year_is_replaced_by_each_recomputation() -> None:
    today = date(2026, 6, 10)
    fixed = [Instalment(i, date(2026, m, 5), Decimal("1000.00")) for i, m in enumerate(range(1, 7))]
    lowered = recompute_schedule(2026, fixed, Decimal("1377.00"), Periodicite.MENSUEL_5, today)
    assert credit_after_recompute(2026, lowered, today) == CreditAnnee(
        2026, Decimal("4623.00"), today
    )
    raised = recompute_schedule(2026, fixed, Decimal("9000.00"), Periodicite.MENSUEL_5, today)
    assert credit_after_recompute(2026, raised, date(2026, 6, 11)) is None
