"""Following payment plans against payments and the clock (SPEC §5 with §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.compte import Paiement
from domain.delais import EcheanceDelai, StatutDelai
from domain.echeancier import Instalment
from domain.suivi_delais import (
    PlanCompte,
    SuiviDelai,
    as_of,
    exempt_instalments,
    follow_plans,
    paid_timeline,
)

D = Decimal
S = StatutDelai
# Two overdue instalments (1: 200 €, 2: 100 €) covered by a plan of 3 × 100 € requested
# on 10 March 2026; a later instalment (3) of the current year is not covered.
ECHEANCES = [
    Instalment(1, date(2026, 1, 5), D("200.00")),
    Instalment(2, date(2026, 2, 5), D("100.00")),
    Instalment(3, date(2026, 8, 5), D("400.00")),
]
PLAN = PlanCompte(
    id=7,
    statut=S.ACCEPTE,
    montant=D("300.00"),
    echeances=(
        EcheanceDelai(date(2026, 4, 1), D("100.00")),
        EcheanceDelai(date(2026, 5, 1), D("100.00")),
        EcheanceDelai(date(2026, 6, 1), D("100.00")),
    ),
    couvertes=frozenset({1, 2}),
    date_demande=date(2026, 3, 10),
    date_decision=date(2026, 3, 10),
)


def pay(*amounts: tuple[date, str]) -> list[Paiement]:
    return [Paiement(i, day, D(amount)) for i, (day, amount) in enumerate(amounts, start=1)]


def follow(paiements: list[Paiement], today: date, plan: PlanCompte = PLAN) -> SuiviDelai:
    return follow_plans([plan], ECHEANCES, paiements, today)[plan.id]


def paid_parts(suivi: SuiviDelai) -> list[Decimal]:
    return [e.montant_paye for e in suivi.echeances]


def test_payments_on_the_covered_instalments_meet_the_plan_instalments_in_order() -> None:
    suivi = follow(
        pay((date(2026, 4, 1), "100.00"), (date(2026, 4, 20), "50.00")), date(2026, 5, 1)
    )
    assert (suivi.statut, suivi.collecte) == (S.ACCEPTE, D("150.00"))
    assert paid_parts(suivi) == [D("100.00"), D("50.00"), D("0.00")]
    assert suivi.respecte


def test_a_plan_fully_collected_is_settled_on_the_day_of_the_last_payment() -> None:
    payments = pay(
        (date(2026, 4, 1), "100.00"), (date(2026, 5, 20), "100.00"), (date(2026, 6, 1), "100.00")
    )
    suivi = follow(payments, date(2026, 9, 1))
    assert (suivi.statut, suivi.date_cloture, suivi.collecte) == (
        S.SOLDE,
        date(2026, 6, 1),
        D("300.00"),
    )
    assert not suivi.respecte


def test_a_plan_paid_in_advance_is_settled_before_its_first_date() -> None:
    suivi = follow(pay((date(2026, 3, 15), "300.00")), date(2026, 3, 16))
    assert (suivi.statut, suivi.date_cloture) == (S.SOLDE, date(2026, 3, 15))


def test_a_plan_instalment_met_on_its_30th_day_is_in_time() -> None:
    payments = pay((date(2026, 4, 1), "100.00"), (date(2026, 5, 31), "100.00"))
    assert follow(payments, date(2026, 6, 15)).statut is S.ACCEPTE


def test_a_plan_instalment_unmet_after_30_days_denounces_the_plan_on_the_31st() -> None:
    payments = pay((date(2026, 4, 1), "100.00"))
    assert follow(payments, date(2026, 5, 31)).statut is S.ACCEPTE
    suivi = follow(payments, date(2026, 6, 1))
    assert (suivi.statut, suivi.date_cloture) == (S.DENONCE, date(2026, 6, 1))
    assert not suivi.respecte


def test_paying_after_the_denunciation_does_not_undo_it() -> None:
    payments = pay((date(2026, 4, 1), "100.00"), (date(2026, 6, 5), "200.00"))
    suivi = follow(payments, date(2026, 7, 1))
    assert (suivi.statut, suivi.date_cloture, suivi.collecte) == (
        S.DENONCE,
        date(2026, 6, 1),
        D("300.00"),
    )


def test_a_late_payment_is_judged_by_its_date_whenever_the_plan_is_looked_at() -> None:
    # The 1 May instalment met on 1 June, its 31st day: denounced that day, even when
    # the plan is first looked at in July, after everything was paid.
    late = pay((date(2026, 4, 1), "100.00"), (date(2026, 6, 1), "200.00"))
    suivi = follow(late, date(2026, 7, 20))
    assert (suivi.statut, suivi.date_cloture) == (S.DENONCE, date(2026, 6, 1))


def test_an_older_uncovered_instalment_takes_the_payments_first() -> None:
    older = Instalment(9, date(2025, 12, 5), D("50.00"))
    suivis = follow_plans(
        [PLAN], [older, *ECHEANCES], pay((date(2026, 4, 1), "100.00")), date(2026, 5, 2)
    )
    assert (suivis[7].collecte, suivis[7].statut) == (D("50.00"), S.DENONCE)
    assert suivis[7].date_cloture == date(2026, 5, 2)


def test_payments_before_the_request_do_not_count_for_the_plan() -> None:
    # 50 € paid on instalment 1 before the request: the plan covers the 250 € left.
    earlier = pay((date(2026, 2, 1), "50.00"))
    smaller = PlanCompte(
        id=8,
        statut=S.ACCEPTE,
        montant=D("250.00"),
        echeances=(EcheanceDelai(date(2026, 4, 1), D("250.00")),),
        couvertes=frozenset({1, 2}),
        date_demande=date(2026, 3, 10),
        date_decision=date(2026, 3, 10),
    )
    suivi = follow_plans([smaller], ECHEANCES, earlier, date(2026, 4, 1))[8]
    assert (suivi.statut, suivi.collecte) == (S.ACCEPTE, D("0.00"))


def test_requests_and_refusals_collect_nothing() -> None:
    for statut in (S.DEMANDE, S.REFUSE):
        pending = PlanCompte(**{**_fields(PLAN), "statut": statut, "date_decision": None})
        suivi = follow(pay((date(2026, 4, 1), "100.00")), date(2026, 7, 1), pending)
        assert (suivi.statut, suivi.collecte, suivi.date_cloture) == (statut, D("0"), None)


def test_a_replaced_plan_shows_what_it_had_collected_when_it_ended() -> None:
    replaced = PlanCompte(
        **{**_fields(PLAN), "statut": S.RENEGOCIE, "date_cloture": date(2026, 4, 15)}
    )
    payments = pay((date(2026, 4, 1), "100.00"), (date(2026, 5, 1), "100.00"))
    suivi = follow(payments, date(2026, 7, 1), replaced)
    assert (suivi.statut, suivi.collecte, suivi.date_cloture) == (
        S.RENEGOCIE,
        D("100.00"),
        date(2026, 4, 15),
    )


def test_only_the_instalments_of_a_respected_plan_are_exempt() -> None:
    payments = pay((date(2026, 4, 1), "100.00"))
    respected = follow_plans([PLAN], ECHEANCES, payments, date(2026, 5, 15))
    denounced = follow_plans([PLAN], ECHEANCES, payments, date(2026, 6, 1))
    assert exempt_instalments([PLAN], respected) == frozenset({1, 2})
    assert exempt_instalments([PLAN], denounced) == frozenset()


def test_a_plan_as_it_stood_on_a_past_day() -> None:
    ended = PlanCompte(**{**_fields(PLAN), "statut": S.DENONCE, "date_cloture": date(2026, 6, 1)})
    assert as_of(ended, date(2026, 3, 9)) is None
    assert as_of(ended, date(2026, 5, 15)) == PlanCompte(
        **{**_fields(PLAN), "statut": S.ACCEPTE, "date_cloture": None}
    )
    assert as_of(ended, date(2026, 6, 1)) == ended
    decided_later = PlanCompte(
        **{**_fields(PLAN), "date_decision": date(2026, 4, 2), "date_demande": date(2026, 3, 1)}
    )
    pending = as_of(decided_later, date(2026, 3, 20))
    assert pending is not None and pending.statut is S.DEMANDE


def test_the_timeline_records_each_payment_day_once() -> None:
    payments = pay(
        (date(2026, 4, 1), "120.00"), (date(2026, 4, 1), "30.00"), (date(2026, 5, 2), "500.00")
    )
    assert paid_timeline(ECHEANCES, payments, {7: {1, 2}, 8: {3}}) == {
        7: [(date(2026, 4, 1), D("150.00")), (date(2026, 5, 2), D("300.00"))],
        8: [(date(2026, 4, 1), D("0.00")), (date(2026, 5, 2), D("350.00"))],
    }


def _fields(plan: PlanCompte) -> dict[str, object]:
    return {name: getattr(plan, name) for name in PlanCompte.__dataclass_fields__}
