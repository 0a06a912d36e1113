"""domain.vigilance: declarations due, denounced plans, attestation de vigilance (SPEC §5–§7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.delais import EcheanceDelai, StatutDelai
from domain.echeancier import Instalment
from domain.micro import Periode, TypePeriode
from domain.vigilance import (
    a_surveiller,
    derniere_periode_exigible,
    periodes_a_declarer,
    periodes_non_declarees,
    plan_denonce,
    retard_hors_plan,
    vigilance_obtenable,
)

TODAY = date(2026, 11, 23)
OLD = date(2010, 3, 1)


def test_the_last_period_due_is_the_last_whose_deadline_is_past() -> None:
    # September is due on 31 October: past on 1 November, not on 31 October.
    assert derniere_periode_exigible(date(2026, 11, 1), TypePeriode.MOIS) == Periode(
        2026, TypePeriode.MOIS, 9
    )
    assert derniere_periode_exigible(date(2026, 10, 31), TypePeriode.MOIS) == Periode(
        2026, TypePeriode.MOIS, 8
    )
    # T3 is due on 31 October; in early January the last one due is T3 of last year.
    assert derniere_periode_exigible(TODAY, TypePeriode.TRIMESTRE) == Periode(
        2026, TypePeriode.TRIMESTRE, 3
    )
    assert derniere_periode_exigible(date(2027, 1, 10), TypePeriode.TRIMESTRE) == Periode(
        2026, TypePeriode.TRIMESTRE, 3
    )


def test_a_micro_entrepreneur_owes_the_periods_of_last_year_and_this_year_past_deadline() -> None:
    months = periodes_a_declarer(TODAY, TypePeriode.MOIS, OLD, None)
    assert [str(p) for p in months] == [f"2025-{m:02d}" for m in range(1, 13)] + [
        f"2026-{m:02d}" for m in range(1, 10)
    ]
    quarters = periodes_a_declarer(TODAY, TypePeriode.TRIMESTRE, date(2025, 5, 20), None)
    assert [str(p) for p in quarters] == [
        "2025-T2",
        "2025-T3",
        "2025-T4",
        "2026-T1",
        "2026-T2",
        "2026-T3",
    ]


def test_periods_end_with_the_radiation() -> None:
    months = periodes_a_declarer(TODAY, TypePeriode.MOIS, OLD, date(2025, 3, 1))
    assert [str(p) for p in months] == ["2025-01", "2025-02", "2025-03"]


def test_missing_periods_are_those_owed_without_a_declaration() -> None:
    declared = {f"2026-{m:02d}" for m in range(1, 10)}
    missing = periodes_non_declarees(TODAY, TypePeriode.MOIS, date(2025, 11, 15), None, declared)
    assert [str(p) for p in missing] == ["2025-11", "2025-12"]


def test_a_plan_is_denounced_from_the_31st_day_of_an_unpaid_instalment() -> None:
    instalments = [EcheanceDelai(date(2026, 10, 24), Decimal("100"))]
    assert not plan_denonce(StatutDelai.ACCEPTE, instalments, date(2026, 11, 23))
    assert plan_denonce(StatutDelai.ACCEPTE, instalments, date(2026, 11, 24))
    assert plan_denonce(StatutDelai.DENONCE, [], TODAY)
    assert not plan_denonce(StatutDelai.DEMANDE, instalments, date(2027, 1, 1))


def test_only_overdue_amounts_outside_a_respected_plan_count() -> None:
    instalments = [
        Instalment(1, date(2026, 9, 5), Decimal("500")),
        Instalment(2, date(2026, 10, 5), Decimal("500"), Decimal("200")),
        Instalment(3, date(2026, 11, 23), Decimal("500")),
    ]
    assert retard_hors_plan(instalments, set(), TODAY) == Decimal("800")
    assert retard_hors_plan(instalments, {1}, TODAY) == Decimal("300")


def test_vigilance_needs_declarations_and_nothing_overdue_outside_a_plan() -> None:
    assert vigilance_obtenable(declarations_manquantes=False, retard_non_couvert=Decimal(0))
    assert not vigilance_obtenable(declarations_manquantes=True, retard_non_couvert=Decimal(0))
    assert not vigilance_obtenable(
        declarations_manquantes=False, retard_non_couvert=Decimal("0.01")
    )


def test_a_client_needs_attention_when_overdue_missing_a_declaration_or_denounced() -> None:
    quiet = {
        "montant_en_retard": Decimal(0),
        "declarations_manquantes": False,
        "plan_denonce": False,
    }
    assert not a_surveiller(**quiet)
    assert a_surveiller(**{**quiet, "montant_en_retard": Decimal("1")})
    assert a_surveiller(**{**quiet, "declarations_manquantes": True})
    assert a_surveiller(**{**quiet, "plan_denonce": True})


def test_the_portfolio_rule_and_the_attestation_rule_expect_the_same_declarations() -> None:
    """One window serves both: what the portfolio flags is what the attestation refuses."""
    from domain import attestations
    from domain.micro import TypePeriode
    from domain.vigilance import periodes_a_declarer, premiere_annee_periodes

    for today in (date(2026, 1, 2), date(2026, 2, 28), date(2026, 11, 23), date(2025, 7, 1)):
        for creation in (date(2015, 3, 1), date(2025, 2, 10), date(2026, 1, 1)):
            for fin in (None, date(2025, 9, 30)):
                for kind in TypePeriode:
                    assert [str(p) for p in periodes_a_declarer(today, kind, creation, fin)] == (
                        attestations.periodes_a_declarer(
                            today, creation, fin, kind, premiere_annee_periodes(today)
                        )
                    )
