"""Schedules of the provisional contributions (SPEC §4 "Schedule")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.echeancier import (
    DELAI_CHANGEMENT_PERIODICITE_JOURS,
    Instalment,
    InstalmentPlan,
    NatureEcheance,
    Periodicite,
    add_months,
    decide_periodicity_change,
    due_dates,
    first_effective_due_date,
    initial_schedule,
    recompute_schedule,
    split_amount,
    spread_regularisation,
)
from domain.errors import DomainError
from domain.radiation import cancelled_by_radiation

D = Decimal
M5, M20, TRI = Periodicite.MENSUEL_5, Periodicite.MENSUEL_20, Periodicite.TRIMESTRIEL
REGUL = NatureEcheance.REGULARISATION


def monthly_2026(montant: str = "100.00") -> list[Instalment]:
    """Ids 1..12: the 2026 MENSUEL_5 schedule, ``montant`` each."""
    return [Instalment(m, date(2026, m, 5), D(montant)) for m in range(1, 13)]


# --- calendar -----------------------------------------------------------------------


def test_monthly_on_the_5th_is_twelve_instalments_from_january_to_december() -> None:
    assert due_dates(2026, M5) == [date(2026, m, 5) for m in range(1, 13)]


def test_monthly_on_the_20th_is_twelve_instalments_on_the_20th() -> None:
    assert due_dates(2026, M20) == [date(2026, m, 20) for m in range(1, 13)]


def test_quarterly_is_due_on_5_february_may_august_and_november() -> None:
    assert due_dates(2026, TRI) == [
        date(2026, 2, 5),
        date(2026, 5, 5),
        date(2026, 8, 5),
        date(2026, 11, 5),
    ]


def test_adding_months_clamps_to_the_month_end_from_the_original_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 10), -24) == date(2024, 3, 10)


# --- split --------------------------------------------------------------------------


def test_an_amount_not_divisible_gives_the_rest_to_the_last_instalment() -> None:
    assert split_amount(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]


def test_the_split_rounds_down_even_when_the_fraction_is_above_half_a_cent() -> None:
    assert split_amount(D("100.00"), 12) == [D("8.33")] * 11 + [D("8.37")]


def test_split_parts_sum_to_the_total_and_the_last_is_largest_by_less_than_n_cents() -> None:
    for total, n in [(D("1234.56"), 12), (D("0.05"), 12), (D("999.99"), 4), (D("7"), 1)]:
        parts = split_amount(total, n)
        assert sum(parts) == total
        assert len(parts) == n
        assert all(p == parts[0] for p in parts[:-1])
        assert D(0) <= parts[-1] - parts[0] < D(n) / 100


def test_a_few_cents_over_twelve_instalments_all_go_to_the_last() -> None:
    assert split_amount(D("0.05"), 12) == [D("0.00")] * 11 + [D("0.05")]


def test_splitting_over_no_instalment_or_a_fraction_of_a_cent_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        split_amount(D("10.00"), 0)
    with pytest.raises(ValueError):
        split_amount(D("10.001"), 2)


# --- initial schedule ---------------------------------------------------------------


def test_a_full_year_schedule_splits_the_annual_amount_over_all_due_dates() -> None:
    plans = initial_schedule(2026, M5, D("12000.05"), date(2019, 4, 1))
    assert [p.date_echeance for p in plans] == due_dates(2026, M5)
    assert [p.montant for p in plans] == [D("1000.00")] * 11 + [D("1000.05")]
    assert {p.nature for p in plans} == {NatureEcheance.PROVISIONNELLE}


def test_without_creation_date_the_whole_year_is_scheduled() -> None:
    assert len(initial_schedule(2026, TRI, D("4000"), None)) == 4


def test_creation_year_keeps_only_due_dates_at_least_60_days_after_creation() -> None:
    plans = initial_schedule(2026, M5, D("700.00"), date(2026, 3, 15))  # + 60 days = 14 May
    assert [p.date_echeance for p in plans] == [date(2026, m, 5) for m in range(6, 13)]
    assert all(p.montant == D("100.00") for p in plans)


def test_a_due_date_exactly_60_days_after_creation_is_kept() -> None:
    plans = initial_schedule(2026, M5, D("800.00"), date(2026, 3, 6))  # + 60 days = 5 May
    assert plans[0].date_echeance == date(2026, 5, 5)
    assert len(plans) == 8


def test_the_60_days_count_29_february_in_a_leap_year() -> None:
    leap = initial_schedule(2024, M5, D("1000.00"), date(2024, 1, 5))  # + 60 = 5 March
    common = initial_schedule(2025, M5, D("1000.00"), date(2025, 1, 5))  # + 60 = 6 March
    assert leap[0].date_echeance == date(2024, 3, 5)
    assert common[0].date_echeance == date(2025, 4, 5)


def test_creation_less_than_60_days_before_year_end_gives_one_instalment_60_days_later() -> None:
    plans = initial_schedule(2026, TRI, D("1234.56"), date(2026, 11, 15))
    assert plans == [InstalmentPlan(date(2027, 1, 14), D("1234.56"))]


def test_no_schedule_exists_before_the_activity_starts() -> None:
    with pytest.raises(ValueError):
        initial_schedule(2026, M5, D("100"), date(2027, 1, 1))


# --- recomputation ------------------------------------------------------------------


def test_an_estimate_splits_the_new_amount_minus_fixed_instalments_over_open_ones() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("2400.00"), M5, date(2026, 5, 10))
    assert change.keep == (1, 2, 3, 4, 5)  # due before 25 May
    assert change.update == {m: D("271.42") for m in range(6, 12)} | {12: D("271.48")}
    assert change.cancel == ()
    assert change.create == ()
    assert change.credit == D(0)


def test_an_instalment_due_exactly_15_days_after_the_request_is_open() -> None:
    open_ = recompute_schedule(2026, monthly_2026(), D("1200"), M5, date(2026, 4, 20))
    fixed = recompute_schedule(2026, monthly_2026(), D("1200"), M5, date(2026, 4, 21))
    assert 5 in open_.update
    assert 5 in fixed.keep


def test_fixed_instalments_count_whether_paid_or_not() -> None:
    existing = [
        Instalment(1, date(2026, 2, 5), D("500.00"), D("500.00")),
        Instalment(2, date(2026, 5, 5), D("500.00"), D("0")),
        Instalment(3, date(2026, 8, 5), D("500.00")),
        Instalment(4, date(2026, 11, 5), D("500.00")),
    ]
    change = recompute_schedule(2026, existing, D("3000.00"), TRI, date(2026, 6, 1))
    assert change.keep == (1, 2)
    assert change.update == {3: D("1000.00"), 4: D("1000.00")}


def test_a_negative_open_amount_zeroes_open_instalments_and_becomes_a_credit() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("300.00"), M5, date(2026, 5, 10))
    assert change.keep == (1, 2, 3, 4, 5)
    assert change.update == {m: D(0) for m in range(6, 13)}
    assert change.create == ()
    assert change.credit == D("200.00")


def test_an_open_amount_of_exactly_zero_zeroes_open_instalments_without_credit() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("500.00"), M5, date(2026, 5, 10))
    assert set(change.update.values()) == {D(0)}
    assert change.credit == D(0)
    assert not change.credit.is_signed()  # never a "-0.00" credit


def test_when_no_instalment_is_open_one_is_created_30_days_after_the_request() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("1500.00"), M5, date(2026, 12, 10))
    assert change.keep == tuple(range(1, 13))
    assert change.create == (InstalmentPlan(date(2027, 1, 9), D("300.00")),)
    assert change.update == {}


def test_every_existing_instalment_is_kept_updated_or_cancelled_exactly_once() -> None:
    existing = monthly_2026()
    change = recompute_schedule(2026, existing, D("900"), TRI, date(2026, 3, 1), 30)
    ids = [*change.keep, *change.update, *change.cancel]
    assert sorted(ids) == [e.id for e in existing]


def test_a_periodicity_change_cancels_old_open_dates_and_creates_the_new_ones() -> None:
    on_the_20th = [Instalment(m, date(2026, m, 20), D("100.00")) for m in range(1, 13)]
    delay = DELAI_CHANGEMENT_PERIODICITE_JOURS
    change = recompute_schedule(2026, on_the_20th, D("1200.00"), TRI, date(2026, 6, 1), delay)
    assert change.keep == (1, 2, 3, 4, 5, 6)  # due before 1 July
    assert change.update == {}
    assert change.cancel == (7, 8, 9, 10, 11, 12)
    assert change.create == (
        InstalmentPlan(date(2026, 8, 5), D("300.00")),
        InstalmentPlan(date(2026, 11, 5), D("300.00")),
    )


def test_a_change_to_quarterly_reuses_the_monthly_instalments_of_5_august_and_november() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("1200.00"), TRI, date(2026, 6, 1), 30)
    assert change.update == {8: D("300.00"), 11: D("300.00")}
    assert change.cancel == (7, 9, 10, 12)
    assert change.create == ()


def test_a_periodicity_change_reuses_open_instalments_on_a_shared_date() -> None:
    quarterly = [Instalment(i, d, D("300.00")) for i, d in enumerate(due_dates(2026, TRI), start=1)]
    change = recompute_schedule(2026, quarterly, D("1200.00"), M5, date(2026, 6, 1), 30)
    assert change.keep == (1, 2)
    assert change.update == {3: D("100.00"), 4: D("100.00")}
    assert [p.date_echeance for p in change.create] == [date(2026, m, 5) for m in (7, 9, 10, 12)]
    assert sum(change.update.values()) + sum(p.montant for p in change.create) == D("600.00")


def test_with_a_negative_open_amount_old_periodicity_dates_are_cancelled_not_zeroed() -> None:
    change = recompute_schedule(2026, monthly_2026(), D("500.00"), TRI, date(2026, 6, 1), 30)
    assert change.update == {8: D(0), 11: D(0)}  # 5 August and 5 November are quarterly dates
    assert change.cancel == (7, 9, 10, 12)
    assert change.create == ()
    assert change.credit == D("100.00")


def test_recomputation_leaves_regularisation_instalments_alone() -> None:
    regul = Instalment(99, date(2026, 9, 5), D("800.00"), nature=REGUL)
    change = recompute_schedule(2026, [*monthly_2026(), regul], D("1200"), M5, date(2026, 5, 10))
    assert 99 not in [*change.keep, *change.update, *change.cancel]


def test_recomputation_in_the_creation_year_respects_the_60_day_floor() -> None:
    created = date(2026, 10, 1)  # + 60 days = 30 November: only 5 December
    existing = [Instalment(1, date(2026, 12, 5), D("500.00"))]
    change = recompute_schedule(
        2026, existing, D("800.00"), M5, date(2026, 10, 5), date_creation=created
    )
    assert change.update == {1: D("800.00")}
    assert change.create == ()


def test_in_the_creation_year_the_single_instalment_is_not_before_the_60_day_floor() -> None:
    created = date(2026, 12, 1)
    existing = [Instalment(1, date(2027, 1, 30), D("500.00"))]  # from initial_schedule
    change = recompute_schedule(
        2026, existing, D("900.00"), M5, date(2026, 12, 5), date_creation=created
    )
    assert change.update == {1: D("900.00")}
    assert change.create == ()


# --- régularisation and radiation ---------------------------------------------------


def test_a_regularisation_is_spread_over_the_open_due_dates_of_the_current_year() -> None:
    plans = spread_regularisation(D("1000.01"), TRI, date(2026, 5, 10))
    assert plans == [
        InstalmentPlan(date(2026, 8, 5), D("500.00"), REGUL),
        InstalmentPlan(date(2026, 11, 5), D("500.01"), REGUL),
    ]


def test_a_regularisation_without_open_due_date_is_due_30_days_after_the_request() -> None:
    plans = spread_regularisation(D("640.00"), TRI, date(2026, 10, 25))  # 5 Nov < 15 days
    assert plans == [InstalmentPlan(date(2026, 11, 24), D("640.00"), REGUL)]


def test_a_nil_regularisation_creates_nothing_and_a_credit_is_not_spread() -> None:
    assert spread_regularisation(D("0"), M5, date(2026, 5, 10)) == []
    with pytest.raises(ValueError):
        spread_regularisation(D("-10.00"), M5, date(2026, 5, 10))


def test_radiation_cancels_instalments_due_after_the_radiation_date_only() -> None:
    assert cancelled_by_radiation(monthly_2026(), date(2026, 9, 5)) == [10, 11, 12]


# --- periodicity change -------------------------------------------------------------


def test_new_dates_apply_from_the_first_due_date_at_least_30_days_after_the_request() -> None:
    assert first_effective_due_date(M20, date(2026, 3, 1)) == date(2026, 4, 20)
    assert first_effective_due_date(M5, date(2026, 3, 6)) == date(2026, 4, 5)  # exactly 30
    assert first_effective_due_date(TRI, date(2026, 3, 1)) == date(2026, 5, 5)


def test_the_30_days_count_29_february_in_a_leap_year() -> None:
    assert first_effective_due_date(M5, date(2024, 2, 4)) == date(2024, 3, 5)
    assert first_effective_due_date(M5, date(2025, 2, 4)) == date(2025, 4, 5)


def test_a_request_in_december_takes_effect_the_next_year() -> None:
    assert first_effective_due_date(TRI, date(2026, 12, 10)) == date(2027, 2, 5)
    assert first_effective_due_date(M5, date(2026, 12, 10)) == date(2027, 2, 5)
    assert first_effective_due_date(M20, date(2026, 12, 10)) == date(2027, 1, 20)


def test_a_first_periodicity_change_in_the_year_is_accepted_and_counts() -> None:
    decision = decide_periodicity_change(TRI, M5, date(2026, 3, 1), [date(2025, 6, 1)])
    assert decision.periodicite is M5
    assert decision.modifiee and decision.compte and decision.prelevement_actif
    assert decision.premiere_echeance == date(2026, 4, 5)


def test_a_second_periodicity_change_in_the_same_calendar_year_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        decide_periodicity_change(M5, M20, date(2026, 9, 1), [date(2026, 1, 15)])
    assert refused.value.field == "periodicite"
    assert refused.value.code == "PERIODICITE_DEJA_MODIFIEE"
    assert "15/01/2026" in refused.value.message


def test_removing_the_direct_debit_forces_quarterly_and_does_not_count() -> None:
    decision = decide_periodicity_change(M5, None, date(2026, 9, 1), [date(2026, 1, 15)])
    assert decision.periodicite is TRI
    assert decision.modifiee and not decision.compte and not decision.prelevement_actif


def test_asking_for_the_current_periodicity_changes_nothing_and_does_not_count() -> None:
    decision = decide_periodicity_change(M20, M20, date(2026, 9, 1), [date(2026, 1, 15)])
    assert not decision.modifiee and not decision.compte
