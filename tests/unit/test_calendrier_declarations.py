"""domain.calendrier_declarations: which years must be declared, and may be (SPEC §4, §6)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendrier_declarations import (
    annees_a_declarer,
    annees_declarables,
    annees_devenues_manquantes,
    annees_exigibles,
    annees_non_declarees,
    check_annee_declarable,
    date_limite_declaration,
    derniere_annee_echue,
)
from domain.errors import DomainError

OLD = date(2010, 3, 1)
NOVEMBER = date(2026, 11, 23)


def test_the_income_of_a_year_is_due_by_31_may_of_the_next_year() -> None:
    assert date_limite_declaration(2025) == date(2026, 5, 31)


@pytest.mark.parametrize(
    ("jour", "derniere"),
    [
        (date(2026, 1, 1), 2024),
        (date(2026, 3, 10), 2024),
        (date(2026, 5, 31), 2024),  # the deadline day itself: 2025 is not late yet
        (date(2026, 6, 1), 2025),
        (date(2026, 12, 31), 2025),
    ],
)
def test_the_previous_year_is_late_only_from_1_june(jour: date, derniere: int) -> None:
    assert derniere_annee_echue(jour) == derniere
    assert annees_exigibles(jour) == range(2023, derniere + 1)


def test_every_covered_year_of_the_activity_whose_deadline_passed_must_be_declared() -> None:
    assert list(annees_a_declarer(NOVEMBER, OLD, None)) == [2023, 2024, 2025]
    assert list(annees_a_declarer(date(2026, 3, 10), OLD, None)) == [2023, 2024]
    assert list(annees_a_declarer(date(2024, 5, 31), OLD, None)) == []


def test_the_creation_year_counts_and_years_before_it_do_not() -> None:
    assert list(annees_a_declarer(NOVEMBER, date(2025, 12, 31), None)) == [2025]
    assert list(annees_a_declarer(date(2026, 3, 10), date(2025, 12, 31), None)) == []
    assert list(annees_a_declarer(NOVEMBER, date(2026, 2, 1), None)) == []


def test_no_income_is_owed_after_the_radiation_year() -> None:
    assert list(annees_a_declarer(NOVEMBER, OLD, date(2024, 6, 30))) == [2023, 2024]
    assert list(annees_a_declarer(NOVEMBER, OLD, date(2022, 6, 30))) == []
    # Radiated in 2025: its income is due by 31 May 2026, like anyone's.
    assert list(annees_a_declarer(date(2026, 3, 10), OLD, date(2025, 9, 18))) == [2023, 2024]


def test_undeclared_years_are_those_owed_without_a_declaration() -> None:
    assert annees_non_declarees(NOVEMBER, OLD, None, {2025, 2023}) == (2024,)
    assert annees_non_declarees(date(2026, 3, 10), OLD, None, {2023, 2024}) == ()
    assert annees_non_declarees(date(2026, 6, 1), OLD, None, {2023, 2024}) == (2025,)


def test_every_covered_past_year_of_the_activity_may_be_declared() -> None:
    assert list(annees_declarables(date(2026, 3, 10), OLD, None)) == [2023, 2024, 2025]
    assert list(annees_declarables(NOVEMBER, date(2024, 5, 2), date(2025, 9, 18))) == [
        2024,
        2025,
    ]


def test_a_late_year_and_the_previous_year_are_accepted() -> None:
    for annee in (2023, 2024, 2025):
        check_annee_declarable(annee, date(2026, 3, 10), OLD, None, {2022})


@pytest.mark.parametrize(
    ("annee", "declarees", "fin", "code", "extrait"),
    [
        (
            2026,
            set(),
            None,
            "ANNEE_NON_CLOSE",
            "à partir du 1er janvier de l'année suivante (2027)",
        ),
        (2027, set(), None, "ANNEE_NON_CLOSE", "(2028)"),
        (2022, set(), None, "ANNEE_NON_COUVERTE", "à partir de 2023 sont couvertes"),
        (2025, set(), date(2024, 6, 30), "ANNEE_NON_COUVERTE", "radiée le 30/06/2024"),
        (2024, {2024}, None, "DEJA_DECLARE", "Le revenu 2024 est déjà déclaré."),
    ],
)
def test_a_declaration_outside_the_calendar_is_refused_naming_the_year(
    annee: int, declarees: set[int], fin: date | None, code: str, extrait: str
) -> None:
    with pytest.raises(DomainError) as refusal:
        check_annee_declarable(annee, NOVEMBER, OLD, fin, declarees)
    assert (refusal.value.field, refusal.value.code) == ("annee", code)
    assert extrait in refusal.value.message


def test_a_year_before_the_creation_is_refused() -> None:
    with pytest.raises(DomainError) as refusal:
        check_annee_declarable(2024, NOVEMBER, date(2025, 2, 1), None, set())
    assert refusal.value.code == "ANNEE_NON_COUVERTE"
    assert "à partir de 2025" in refusal.value.message


@pytest.mark.parametrize(
    ("avant", "jour", "declarees", "fin", "devenues"),
    [
        (date(2026, 5, 31), date(2026, 6, 1), {2023, 2024}, None, (2025,)),
        (date(2026, 5, 29), date(2026, 6, 2), {2023, 2024, 2025}, None, ()),  # declared
        (date(2026, 6, 1), date(2026, 6, 2), {2023, 2024}, None, ()),  # already missing
        (date(2026, 5, 31), date(2026, 5, 31), {2023, 2024}, None, ()),  # same day
        (date(2026, 6, 1), date(2026, 5, 31), {2023, 2024}, None, ()),  # clock set back
        (date(2025, 3, 1), date(2026, 6, 1), {2023}, None, (2024, 2025)),  # two deadlines
        (date(2026, 5, 31), date(2026, 6, 1), {2023, 2024}, date(2024, 6, 30), ()),  # radié
        (date(2024, 5, 31), date(2024, 6, 1), set(), None, (2023,)),  # first covered year
    ],
)
def test_a_year_becomes_missing_the_day_its_deadline_is_first_passed_undeclared(
    avant: date, jour: date, declarees: set[int], fin: date | None, devenues: tuple[int, ...]
) -> None:
    assert annees_devenues_manquantes(avant, jour, OLD, fin, declarees) == devenues
