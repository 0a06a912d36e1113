"""The account: payments, balance, detail, majorations, rejected debits (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.compte import (
    Paiement,
    Rejet,
    account_summary,
    after_rejected_debit,
    allocate_payment,
    attribute_to_lines,
    balance,
    last_accounting_day,
    majorations,
    months_of_delay,
    paid_by_instalment,
    period_detail,
    rejection_majorations,
)
from domain.echeancier import Instalment
from domain.errors import DomainError

D = Decimal


# --- last accounting day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 9)),  # Tuesday → Monday
        (date(2026, 3, 9), date(2026, 3, 6)),  # Monday → previous Friday
        (date(2026, 3, 8), date(2026, 3, 6)),  # Sunday → Friday
        (date(2026, 3, 7), date(2026, 3, 6)),  # Saturday → Friday
        (date(2026, 3, 6), date(2026, 3, 5)),  # Friday → Thursday
        (date(2023, 1, 2), date(2022, 12, 30)),  # Monday 2 January → Friday of last year
        (date(2024, 3, 1), date(2024, 2, 29)),  # Friday after a leap day
    ],
)
def test_the_last_accounting_day_is_the_last_weekday_strictly_before_today(
    today: date, expected: date
) -> None:
    assert last_accounting_day(today) == expected
    assert expected.weekday() < 5


# --- allocation ---------------------------------------------------------------------


def test_a_payment_goes_to_the_oldest_unpaid_instalments_first() -> None:
    instalments = [
        Instalment(3, date(2026, 3, 5), D("100.00")),
        Instalment(1, date(2026, 1, 5), D("100.00"), D("100.00")),
        Instalment(2, date(2026, 2, 5), D("100.00"), D("40.00")),
    ]
    allocation = allocate_payment(D("90.00"), instalments)
    assert allocation.parts == {2: D("60.00"), 3: D("30.00")}
    assert allocation.reste == D(0)


def test_on_the_same_due_date_the_lower_id_is_paid_first() -> None:
    instalments = [
        Instalment(8, date(2026, 2, 5), D("50.00")),
        Instalment(7, date(2026, 2, 5), D("50.00")),
    ]
    assert allocate_payment(D("50.00"), instalments).parts == {7: D("50.00")}


def test_what_exceeds_every_unpaid_instalment_is_a_credit() -> None:
    instalments = [Instalment(1, date(2026, 1, 5), D("100.00"))]
    allocation = allocate_payment(D("150.00"), instalments)
    assert allocation.parts == {1: D("100.00")}
    assert allocation.reste == D("50.00")


def test_a_payment_in_advance_is_allocated_to_instalments_not_yet_due() -> None:
    instalments = [Instalment(1, date(2030, 1, 5), D("100.00"))]
    assert allocate_payment(D("100.00"), instalments).parts == {1: D("100.00")}


@pytest.mark.parametrize("amount", [D("0"), D("-5.00"), D("10.005")])
def test_a_payment_that_is_not_a_positive_amount_in_cents_is_refused(amount: Decimal) -> None:
    with pytest.raises(DomainError) as refused:
        allocate_payment(amount, [])
    assert (refused.value.field, refused.value.code) == ("montant", "MONTANT_INVALIDE")


# --- attribution to contribution lines ----------------------------------------------


def test_an_amount_is_attributed_pro_rata_to_the_lines_of_its_year() -> None:
    lines = {"MALADIE": D("300"), "RETRAITE_BASE": D("600"), "FORMATION_PROFESSIONNELLE": D("100")}
    assert attribute_to_lines(D("100.00"), lines) == {
        "MALADIE": D("30.00"),
        "RETRAITE_BASE": D("60.00"),
        "FORMATION_PROFESSIONNELLE": D("10.00"),
    }


def test_the_remainder_of_the_cents_goes_to_the_largest_line() -> None:
    lines = {"A": D("1"), "B": D("2"), "C": D("1")}
    parts = attribute_to_lines(D("0.10"), lines)
    assert parts == {"A": D("0.02"), "B": D("0.06"), "C": D("0.02")}
    assert sum(parts.values()) == D("0.10")


def test_attributed_parts_always_sum_to_the_amount_and_are_never_negative() -> None:
    lines = {f"L{i}": D(i + 1) for i in range(10)}
    for amount in (D("0.01"), D("0.05"), D("123.45"), D("9999.99")):
        parts = attribute_to_lines(amount, lines)
        assert sum(parts.values()) == amount
        assert all(p >= 0 for p in parts.values())


def test_attributing_to_lines_that_sum_to_zero_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        attribute_to_lines(D("10.00"), {"A": D(0)})


# --- balance and detail -------------------------------------------------------------

SCHEDULE = [
    Instalment(1, date(2026, 1, 5), D("100.00")),
    Instalment(2, date(2026, 1, 20), D("50.00")),
    Instalment(3, date(2026, 2, 5), D("100.00")),
    Instalment(4, date(2026, 3, 5), D("100.00")),
]


def test_the_balance_is_what_is_due_minus_what_was_received_on_or_before_the_day() -> None:
    payments = [Paiement(1, date(2026, 2, 5), D("120.00")), Paiement(2, date(2026, 2, 6), D("9"))]
    assert balance(SCHEDULE, payments, date(2026, 2, 5)) == D("130.00")


def test_a_worker_who_paid_in_advance_has_a_negative_balance() -> None:
    payments = [Paiement(1, date(2026, 1, 2), D("350.00"))]
    assert balance(SCHEDULE, payments, date(2026, 1, 10)) == D("-250.00")
    assert balance(SCHEDULE, payments, date(2026, 1, 4)) == D("-350.00")


def test_allocations_are_replayed_from_payments_in_date_order() -> None:
    payments = [Paiement(2, date(2026, 2, 10), D("30.00")), Paiement(1, date(2026, 1, 6), D("120"))]
    paid = paid_by_instalment(SCHEDULE, payments, date(2026, 3, 1))
    assert paid == {1: D("100.00"), 2: D("50.00"), 3: D("0"), 4: D("0")}


def test_the_detail_per_month_gives_called_paid_and_remaining() -> None:
    payments = [Paiement(1, date(2026, 1, 6), D("120.00")), Paiement(2, date(2026, 3, 9), D("1"))]
    detail = period_detail(SCHEDULE, payments, date(2026, 2, 27))
    assert [(p.annee, p.mois, p.appele, p.paye, p.reste) for p in detail] == [
        (2026, 1, D("150.00"), D("120.00"), D("30.00")),
        (2026, 2, D("100.00"), D("0"), D("100.00")),
    ]
    assert balance(SCHEDULE, payments, date(2026, 2, 27)) == sum(p.reste for p in detail)


def test_payments_allocated_to_future_months_show_only_in_the_balance() -> None:
    payments = [Paiement(1, date(2026, 2, 1), D("300.00"))]
    detail = period_detail(SCHEDULE, payments, date(2026, 2, 2))
    assert [p.reste for p in detail] == [D("0.00")]
    assert balance(SCHEDULE, payments, date(2026, 2, 2)) == D("-150.00")


def test_the_account_summary_is_taken_at_the_last_accounting_day() -> None:
    summary = account_summary(SCHEDULE, [], date(2026, 3, 9))  # a Monday
    assert summary.date_arrete == date(2026, 3, 6)
    assert summary.solde == D("350.00")
    assert [(p.annee, p.mois) for p in summary.periodes] == [(2026, 1), (2026, 2), (2026, 3)]


# --- majorations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2026, 3, 5), 0),  # on the due date: not overdue
        (date(2026, 3, 6), 1),  # one day late: part of a month
        (date(2026, 4, 5), 1),  # exactly one month
        (date(2026, 4, 6), 2),  # one month and one day
        (date(2027, 3, 5), 12),
        (date(2027, 3, 6), 13),
    ],
)
def test_a_month_or_part_of_a_month_counts_from_the_due_date(today: date, months: int) -> None:
    assert months_of_delay(date(2026, 3, 5), today) == months


def test_months_after_a_31st_end_on_the_last_day_of_shorter_months() -> None:
    due = date(2026, 1, 31)
    assert months_of_delay(due, date(2026, 2, 28)) == 1
    assert months_of_delay(due, date(2026, 3, 1)) == 2
    assert months_of_delay(due, date(2026, 3, 31)) == 2
    assert months_of_delay(due, date(2026, 4, 1)) == 3


def test_months_after_a_31st_january_of_a_leap_year_end_on_29_february() -> None:
    assert months_of_delay(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert months_of_delay(date(2024, 1, 31), date(2024, 3, 1)) == 2


def test_majorations_are_5_percent_plus_0_2_percent_per_month_started() -> None:
    instalment = Instalment(1, date(2026, 3, 5), D("1000.00"))
    assert majorations(instalment, date(2026, 3, 6)) == D("52.00")
    assert majorations(instalment, date(2026, 6, 6)) == D("58.00")  # 4 months started


def test_majorations_apply_to_the_unpaid_part_only_each_part_rounded_half_up() -> None:
    instalment = Instalment(1, date(2026, 3, 5), D("200.00"), D("76.55"))  # 123.45 unpaid
    # 5 % = 6.1725 → 6.17 ; 0.2 % × 1 = 0.2469 → 0.25
    assert majorations(instalment, date(2026, 3, 20)) == D("6.42")


def test_half_a_cent_of_majoration_is_rounded_up() -> None:
    instalment = Instalment(1, date(2026, 3, 5), D("0.10"))  # 5 % = 0.005 → 0.01
    assert majorations(instalment, date(2026, 3, 6)) == D("0.01")


def test_no_majorations_on_the_due_date_when_paid_or_under_a_respected_plan() -> None:
    unpaid = Instalment(1, date(2026, 3, 5), D("1000.00"))
    paid = Instalment(2, date(2026, 3, 5), D("1000.00"), D("1000.00"))
    assert majorations(unpaid, date(2026, 3, 5)) == D(0)
    assert majorations(paid, date(2026, 9, 1)) == D(0)
    assert majorations(unpaid, date(2026, 9, 1), exoneree=True) == D(0)


# --- rejected direct debits ---------------------------------------------------------


def test_a_first_rejected_debit_is_carried_to_the_next_unpaid_instalment() -> None:
    rejected = Rejet(1, date(2026, 1, 5), D("100.00"))
    instalments = [
        Instalment(1, date(2026, 1, 5), D("100.00")),
        Instalment(3, date(2026, 3, 5), D("100.00")),
        Instalment(2, date(2026, 2, 5), D("100.00")),
    ]
    outcome = after_rejected_debit([rejected], instalments)
    assert (outcome.report_sur, outcome.montant_reporte) == (2, D("100.00"))
    assert not outcome.passage_trimestriel
    assert outcome.rejets_majores == ()


def test_a_rejection_of_the_last_instalment_has_nothing_to_be_carried_to() -> None:
    rejected = Rejet(12, date(2026, 12, 5), D("100.00"))
    outcome = after_rejected_debit([rejected], [Instalment(12, date(2026, 12, 5), D("100"))])
    assert outcome.report_sur is None and not outcome.passage_trimestriel


def test_two_consecutive_rejections_force_quarterly_and_majorate_the_rejected_amounts() -> None:
    streak = [Rejet(1, date(2026, 1, 5), D("100.00")), Rejet(2, date(2026, 2, 5), D("100.00"))]
    outcome = after_rejected_debit(streak, [])
    assert outcome.passage_trimestriel
    assert outcome.report_sur is None
    assert outcome.rejets_majores == tuple(streak)
    # 5 Jan rejection: 2 months started (5.00 + 0.40); 5 Feb: 1 month (5.00 + 0.20)
    assert rejection_majorations(streak, date(2026, 2, 10)) == D("10.60")


def test_deciding_a_rejection_without_any_rejection_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        after_rejected_debit([], [])
