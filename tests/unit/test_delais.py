"""Payment plans (SPEC §5)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from decimal import Decimal

import pytest

from domain.delais import (
    EcheanceDelai,
    Eligibilite,
    PlanExistant,
    StatutDelai,
    check_count,
    check_covered_instalments,
    check_eligibility,
    check_first_due_date,
    check_previous_plans,
    is_denounced,
    is_respected,
    is_settled,
    plan_instalments,
    status_today,
    transition,
)
from domain.echeancier import Instalment
from domain.errors import DomainError

D = Decimal
S = StatutDelai
TODAY = date(2026, 3, 10)
OVERDUE = [
    Instalment(1, date(2026, 1, 5), D("500.00"), D("100.00")),
    Instalment(2, date(2026, 2, 5), D("500.00")),
]


def refusal(call: Callable[[], object]) -> tuple[str | None, str]:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.field, refused.value.code


# --- number of instalments ----------------------------------------------------------


@pytest.mark.parametrize(("count", "status"), [(1, S.ACCEPTE), (12, S.ACCEPTE), (13, S.DEMANDE)])
def test_up_to_12_instalments_are_accepted_at_once_beyond_an_agent_decides(
    count: int, status: StatutDelai
) -> None:
    assert check_count(count) is status
    assert check_count(24) is S.DEMANDE


def test_more_than_24_instalments_are_refused() -> None:
    assert refusal(lambda: check_count(25)) == ("nombreEcheances", "NOMBRE_ECHEANCES_TROP_ELEVE")


def test_fewer_than_one_instalment_is_refused() -> None:
    assert refusal(lambda: check_count(0)) == ("nombreEcheances", "NOMBRE_ECHEANCES_INVALIDE")


# --- first due date -----------------------------------------------------------------


def test_the_first_due_date_may_be_the_request_day_or_up_to_60_days_later() -> None:
    check_first_due_date(TODAY, TODAY)
    check_first_due_date(date(2026, 5, 9), TODAY)  # + 60 days


def test_a_first_due_date_in_the_past_is_refused() -> None:
    field_code = refusal(lambda: check_first_due_date(date(2026, 3, 9), TODAY))
    assert field_code == ("premiereEcheance", "PREMIERE_ECHEANCE_PASSEE")


def test_a_first_due_date_more_than_60_days_away_is_refused() -> None:
    field_code = refusal(lambda: check_first_due_date(date(2026, 5, 10), TODAY))
    assert field_code == ("premiereEcheance", "PREMIERE_ECHEANCE_TROP_LOINTAINE")


# --- covered instalments ------------------------------------------------------------


def test_the_plan_covers_the_unpaid_part_of_overdue_instalments() -> None:
    assert check_covered_instalments(OVERDUE, TODAY) == D("900.00")


def test_a_plan_without_instalment_is_refused() -> None:
    assert refusal(lambda: check_covered_instalments([], TODAY)) == ("echeances", "AUCUNE_ECHEANCE")


@pytest.mark.parametrize(
    "instalment",
    [
        Instalment(3, TODAY, D("500.00")),  # due today: not overdue yet
        Instalment(4, date(2026, 1, 5), D("500.00"), D("500.00")),  # paid
    ],
)
def test_an_instalment_not_overdue_or_already_paid_cannot_be_covered(
    instalment: Instalment,
) -> None:
    field_code = refusal(lambda: check_covered_instalments([*OVERDUE, instalment], TODAY))
    assert field_code == ("echeances", "ECHEANCE_NON_EXIGIBLE")


# --- previous plans -----------------------------------------------------------------


def test_a_plan_denounced_less_than_24_months_ago_forbids_a_new_one() -> None:
    plans = [PlanExistant(1, S.DENONCE, date(2024, 3, 11))]
    field_code = refusal(lambda: check_previous_plans(plans, TODAY))
    assert field_code == ("delais", "DELAI_DENONCE_RECENT")


def test_a_new_plan_is_possible_24_months_to_the_day_after_a_denunciation() -> None:
    check_previous_plans([PlanExistant(1, S.DENONCE, date(2024, 3, 10))], TODAY)


def test_24_months_after_a_29_february_end_on_28_february() -> None:
    plans = [PlanExistant(1, S.DENONCE, date(2024, 2, 29))]
    assert refusal(lambda: check_previous_plans(plans, date(2026, 2, 27)))[1] == (
        "DELAI_DENONCE_RECENT"
    )
    check_previous_plans(plans, date(2026, 2, 28))


@pytest.mark.parametrize("status", [S.DEMANDE, S.ACCEPTE])
def test_another_plan_in_progress_forbids_a_new_one(status: StatutDelai) -> None:
    field_code = refusal(lambda: check_previous_plans([PlanExistant(1, status)], TODAY))
    assert field_code == ("delais", "DELAI_EN_COURS")


def test_closed_plans_do_not_forbid_a_new_one() -> None:
    plans = [PlanExistant(i, s) for i, s in enumerate([S.REFUSE, S.SOLDE, S.RENEGOCIE])]
    check_previous_plans(plans, TODAY)


def test_renegotiating_the_accepted_plan_is_not_another_plan_in_progress() -> None:
    check_previous_plans([PlanExistant(7, S.ACCEPTE)], TODAY, plan_renegocie=7)


def test_only_an_accepted_plan_can_be_renegotiated() -> None:
    plans = [PlanExistant(7, S.DEMANDE)]
    field_code = refusal(lambda: check_previous_plans(plans, TODAY, plan_renegocie=7))
    assert field_code == ("delai", "DELAI_NON_RENEGOCIABLE")


def test_a_pending_renegotiation_forbids_a_second_one() -> None:
    plans = [PlanExistant(7, S.ACCEPTE), PlanExistant(8, S.DEMANDE)]
    field_code = refusal(lambda: check_previous_plans(plans, TODAY, plan_renegocie=7))
    assert field_code == ("delais", "DELAI_EN_COURS")


# --- full eligibility ---------------------------------------------------------------


def request(
    nombre_echeances: int = 6, annees_non_declarees: Collection[int] = frozenset()
) -> Eligibilite:
    return check_eligibility(
        date_demande=TODAY,
        echeances=OVERDUE,
        nombre_echeances=nombre_echeances,
        premiere_echeance=date(2026, 4, 5),
        annees_non_declarees=annees_non_declarees,
        plans=[PlanExistant(1, S.SOLDE)],
    )


def test_an_eligible_request_of_up_to_12_instalments_is_accepted_for_its_amount() -> None:
    assert request() == Eligibilite(montant=D("900.00"), statut=S.ACCEPTE)


def test_an_eligible_request_of_13_instalments_waits_for_an_agent() -> None:
    assert request(nombre_echeances=13).statut is S.DEMANDE


def test_a_request_with_an_undeclared_past_income_is_refused_naming_the_years() -> None:
    with pytest.raises(DomainError) as refused:
        request(annees_non_declarees={2025, 2023})
    assert (refused.value.field, refused.value.code) == ("revenus", "REVENUS_NON_DECLARES")
    assert "2023, 2025" in refused.value.message


def test_input_errors_are_reported_before_the_situation_of_the_account() -> None:
    assert refusal(lambda: request(30, {2025}))[1] == "NOMBRE_ECHEANCES_TROP_ELEVE"


# --- plan instalments ---------------------------------------------------------------


def test_plan_instalments_fall_on_the_same_day_each_month_clamped_to_the_month_end() -> None:
    plan = plan_instalments(D("1000.00"), 3, date(2026, 1, 31))
    assert plan == [
        EcheanceDelai(date(2026, 1, 31), D("333.33")),
        EcheanceDelai(date(2026, 2, 28), D("333.33")),
        EcheanceDelai(date(2026, 3, 31), D("333.34")),
    ]


def test_plan_instalments_reach_29_february_and_cross_the_year() -> None:
    assert plan_instalments(D("20.00"), 2, date(2024, 1, 31))[1].date_echeance == date(2024, 2, 29)
    assert plan_instalments(D("30.00"), 3, date(2026, 11, 15))[2].date_echeance == date(2027, 1, 15)


# --- states -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DEMANDE, S.ACCEPTE),
        (S.DEMANDE, S.REFUSE),
        (S.ACCEPTE, S.SOLDE),
        (S.ACCEPTE, S.DENONCE),
        (S.ACCEPTE, S.RENEGOCIE),
    ],
)
def test_the_legal_transitions_are_allowed(current: StatutDelai, target: StatutDelai) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DEMANDE, S.SOLDE),
        (S.DEMANDE, S.RENEGOCIE),
        (S.ACCEPTE, S.DEMANDE),
        (S.ACCEPTE, S.ACCEPTE),
        (S.REFUSE, S.ACCEPTE),
        (S.SOLDE, S.DENONCE),
        (S.DENONCE, S.ACCEPTE),
        (S.RENEGOCIE, S.ACCEPTE),
    ],
)
def test_any_other_transition_is_refused(current: StatutDelai, target: StatutDelai) -> None:
    assert refusal(lambda: transition(current, target)) == ("statut", "TRANSITION_INTERDITE")


# --- denunciation -------------------------------------------------------------------

PLAN = [
    EcheanceDelai(date(2026, 3, 1), D("100.00"), D("100.00")),
    EcheanceDelai(date(2026, 4, 1), D("100.00"), D("40.00")),
    EcheanceDelai(date(2026, 5, 1), D("100.00")),
]


def test_a_plan_instalment_unpaid_30_days_after_its_date_is_still_in_time() -> None:
    assert not is_denounced(PLAN, date(2026, 5, 1))  # 1 April + 30 days


def test_a_plan_instalment_unpaid_31_days_after_its_date_denounces_the_plan() -> None:
    assert is_denounced(PLAN, date(2026, 5, 2))


def test_an_accepted_plan_becomes_denounced_settled_or_stays_accepted() -> None:
    paid = [EcheanceDelai(e.date_echeance, e.montant, e.montant) for e in PLAN]
    assert status_today(S.ACCEPTE, PLAN, date(2026, 5, 2)) is S.DENONCE
    assert status_today(S.ACCEPTE, paid, date(2026, 9, 1)) is S.SOLDE
    assert status_today(S.ACCEPTE, PLAN, date(2026, 4, 15)) is S.ACCEPTE
    assert status_today(S.DEMANDE, PLAN, date(2026, 9, 1)) is S.DEMANDE
    assert is_settled(paid) and not is_settled(PLAN)


def test_only_an_accepted_plan_not_denounced_is_respected() -> None:
    assert is_respected(S.ACCEPTE, PLAN, date(2026, 4, 15))
    assert not is_respected(S.ACCEPTE, PLAN, date(2026, 5, 2))
    assert not is_respected(S.DEMANDE, PLAN, date(2026, 4, 15))
