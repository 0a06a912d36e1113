"""domain.radiation: what a radiation cancels, and when it is refused (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.echeancier import Instalment, NatureEcheance
from domain.errors import DomainError
from domain.nomenclatures import Situation
from domain.radiation import radiate

START = date(2015, 3, 1)
TODAY = date(2026, 6, 10)
SCHEDULE = [
    Instalment(1, date(2026, 4, 5), Decimal("300")),
    Instalment(2, date(2026, 5, 5), Decimal("300")),
    Instalment(3, date(2026, 6, 5), Decimal("300")),
    Instalment(4, date(2026, 7, 5), Decimal("300")),
    Instalment(5, date(2026, 7, 5), Decimal("120"), nature=NatureEcheance.REGULARISATION),
]


def test_provisional_instalments_due_after_the_date_are_cancelled() -> None:
    ids = radiate(
        date(2026, 5, 5),
        date_debut=START,
        today=TODAY,
        situation=Situation.ACTIF,
        echeances=SCHEDULE,
    )
    assert ids == [3, 4]  # due on the radiation day itself: still called


def test_regularisations_and_instalments_covered_by_a_plan_stay_due() -> None:
    ids = radiate(
        date(2026, 4, 30),
        date_debut=START,
        today=TODAY,
        situation=Situation.RETRAITE,
        echeances=SCHEDULE,
        couvertes_par_plan={2},
    )
    assert ids == [3, 4]


@pytest.mark.parametrize(
    ("day", "situation", "field", "code"),
    [
        (date(2015, 2, 28), Situation.ACTIF, "dateRadiation", "AVANT_DEBUT_ACTIVITE"),
        (date(2026, 6, 11), Situation.ACTIF, "dateRadiation", "DATE_FUTURE"),
        (date(2026, 5, 1), Situation.RADIE, "travailleurId", "DEJA_RADIE"),
    ],
)
def test_a_radiation_out_of_range_or_repeated_is_refused(
    day: date, situation: Situation, field: str, code: str
) -> None:
    with pytest.raises(DomainError) as refusal:
        radiate(day, date_debut=START, today=TODAY, situation=situation, echeances=SCHEDULE)
    assert (refusal.value.field, refusal.value.code) == (field, code)


def test_the_first_day_of_activity_and_today_are_accepted() -> None:
    for day in (START, TODAY):
        radiate(day, date_debut=START, today=TODAY, situation=Situation.ACTIF, echeances=[])
