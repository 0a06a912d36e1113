"""Provisional basis of a year and taxation d'office (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from domain.base_provisionnelle import (
    NatureBase,
    average_last_two,
    is_taxation_d_office,
    provisional_basis,
    taxation_d_office_income,
    undeclared_years,
)

D = Decimal
PASS_2026 = D(48060)
OLD = date(2015, 6, 1)
#: The day of the computations below: 2025's deadline (31 May 2026) has passed.
NOV_2026 = date(2026, 11, 23)


def test_the_estimate_for_the_year_comes_first() -> None:
    base = provisional_basis(2026, {2025: D(40000)}, D("32000.50"), OLD, PASS_2026, jour=NOV_2026)
    assert (base.nature, base.revenu, base.k) == (NatureBase.ESTIMATION, D("32000.50"), None)
    assert "32 000,50 €" in base.explication


def test_without_estimate_the_declared_income_of_the_previous_year_is_used() -> None:
    base = provisional_basis(
        2026, {2024: D(10000), 2025: D(40000)}, None, OLD, PASS_2026, jour=NOV_2026
    )
    assert (base.nature, base.revenu) == (NatureBase.REVENU_N_1, D(40000))
    assert "2025" in base.explication and "40 000 €" in base.explication


def test_a_declared_loss_is_a_declared_income() -> None:
    base = provisional_basis(2026, {2025: D(-3000)}, None, OLD, PASS_2026, jour=NOV_2026)
    assert (base.nature, base.revenu) == (NatureBase.REVENU_N_1, D(-3000))


def test_when_the_previous_year_is_not_declared_the_year_before_is_used() -> None:
    base = provisional_basis(
        2026, {2023: D(1), 2024: D(25000)}, None, OLD, PASS_2026, jour=NOV_2026
    )
    assert (base.nature, base.revenu) == (NatureBase.REVENU_N_2, D(25000))


@pytest.mark.parametrize("annee", [2025, 2026])
def test_the_forfait_applies_in_the_creation_year_and_the_next(annee: int) -> None:
    base = provisional_basis(annee, {}, None, date(2025, 3, 15), PASS_2026, jour=NOV_2026)
    assert base.nature is NatureBase.FORFAIT_DEBUT_ACTIVITE
    assert base.revenu is None and base.k is None
    assert "15/03/2025" in base.explication


def test_a_declared_first_year_income_replaces_the_forfait_the_next_year() -> None:
    base = provisional_basis(
        2026, {2025: D(18000)}, None, date(2025, 3, 15), PASS_2026, jour=NOV_2026
    )
    assert base.nature is NatureBase.REVENU_N_1


def test_two_years_after_creation_without_declaration_is_taxation_d_office() -> None:
    base = provisional_basis(2027, {}, None, date(2025, 3, 15), D(50000), jour=date(2027, 6, 1))
    # k = 2 (2026, 2025 undeclared); 50 % PASS = 25 000 × 1.25
    assert (base.nature, base.k, base.revenu) == (NatureBase.TAXATION_OFFICE, 2, D(31250))


def test_taxation_d_office_raises_the_average_of_the_last_two_incomes_by_25_percent_a_year() -> (
    None
):
    declared = {2020: D(99999), 2021: D(30000), 2022: D(40000)}
    base = provisional_basis(2026, declared, None, OLD, PASS_2026, jour=NOV_2026)
    # k = 3 (2025, 2024, 2023); 35 000 × 1.5625 = 54 687.5 → 54 688 (half up)
    assert (base.nature, base.k, base.revenu) == (NatureBase.TAXATION_OFFICE, 3, D(54688))
    assert "3 années consécutives" in base.explication


def test_taxation_d_office_never_goes_below_half_the_pass() -> None:
    declared = {2022: D(-5000), 2021: D(8000)}
    base = provisional_basis(2026, declared, None, OLD, PASS_2026, jour=NOV_2026)
    assert base.revenu == D(37547)  # 24 030 × 1.25² = 37 546.875 → 37 547


def test_with_a_single_declared_income_it_is_the_average() -> None:
    assert average_last_two({2021: D(30001)}, 2026) == D(30001)
    assert taxation_d_office_income({2021: D(30001)}, 2026, 1, PASS_2026) == D(30001)


def test_with_no_declared_income_taxation_d_office_starts_from_half_the_pass() -> None:
    base = provisional_basis(2026, {}, None, date(2022, 1, 1), PASS_2026, jour=NOV_2026)
    # k = 3 (2025..2023: 2022 is before the first covered year); 24 030 × 1.5625
    # = 37 546.875 → 37 547
    assert (base.k, base.revenu) == (3, D(37547))


def test_a_basis_computed_before_the_deadline_does_not_count_the_previous_year_late() -> None:
    # 1 January and 31 May 2026: 2025 is not late yet, 2024 and 2023 are; 1 June: 2025 too.
    for jour, k, revenu in (
        (date(2026, 1, 1), 2, D(30038)),  # 24 030 × 1.25 = 30 037.5 → 30 038
        (date(2026, 5, 31), 2, D(30038)),
        (date(2026, 6, 1), 3, D(37547)),
    ):
        base = provisional_basis(2026, {}, None, OLD, PASS_2026, jour=jour)
        assert (base.nature, base.k, base.revenu) == (NatureBase.TAXATION_OFFICE, k, revenu)
        assert f"dans les délais jusqu'en {jour.year - 4 + k}" in base.explication


def test_the_average_ignores_incomes_of_the_year_itself_or_later() -> None:
    assert average_last_two({2025: D(100), 2026: D(900), 2024: D(300)}, 2026) == D(200)
    assert average_last_two({2026: D(900)}, 2026) is None


def test_the_multiplier_stays_exact_for_many_undeclared_years() -> None:
    income = taxation_d_office_income({}, 2026, 30, PASS_2026)
    exact = Fraction(24030) * Fraction(5, 4) ** 29
    assert income == D(int(exact + Fraction(1, 2)))


def test_taxation_d_office_needs_at_least_one_undeclared_year() -> None:
    with pytest.raises(ValueError):
        taxation_d_office_income({}, 2026, 0, PASS_2026)


# --- counting undeclared years ------------------------------------------------------


def test_undeclared_years_are_counted_back_from_the_previous_year_to_a_declared_one() -> None:
    assert undeclared_years(2026, {2021, 2023}, OLD, NOV_2026) == 2


def test_the_current_year_is_never_counted_as_undeclared() -> None:
    assert undeclared_years(2026, {2025}, OLD, NOV_2026) == 0
    assert undeclared_years(2026, set(), OLD, date(2027, 6, 1)) == 3


def test_years_before_the_activity_started_are_not_counted() -> None:
    assert undeclared_years(2026, set(), date(2023, 12, 31), NOV_2026) == 3  # 2025..2023
    assert undeclared_years(2026, set(), date(2026, 2, 1), NOV_2026) == 0


def test_years_before_the_first_covered_year_are_not_counted() -> None:
    assert undeclared_years(2026, set(), date(2010, 1, 1), NOV_2026) == 3  # 2025..2023


def test_the_previous_year_counts_only_once_its_deadline_has_passed() -> None:
    assert undeclared_years(2026, set(), OLD, date(2026, 5, 31)) == 2  # 2024, 2023
    assert undeclared_years(2026, set(), OLD, date(2026, 6, 1)) == 3  # 2025 too
    assert undeclared_years(2026, {2024}, OLD, date(2026, 3, 10)) == 0


# --- taxation d'office flag ---------------------------------------------------------


def test_a_worker_is_in_taxation_d_office_without_income_for_two_years_after_the_forfait() -> None:
    assert is_taxation_d_office(2026, {2021, 2023}, OLD)
    assert not is_taxation_d_office(2026, {2024}, OLD)
    assert not is_taxation_d_office(2026, {2025}, OLD)


def test_the_forfait_years_are_never_taxation_d_office() -> None:
    assert not is_taxation_d_office(2026, set(), date(2025, 12, 31))
    assert is_taxation_d_office(2026, set(), date(2024, 12, 31))


def test_nothing_is_due_before_the_activity_starts() -> None:
    with pytest.raises(ValueError):
        provisional_basis(2026, {}, None, date(2027, 1, 1), PASS_2026, jour=NOV_2026)
    with pytest.raises(ValueError):
        is_taxation_d_office(2026, set(), date(2027, 1, 1))
