"""When an attestation may be issued (SPEC §6): the regularity rule, dates, codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.attestations import (
    check_annee_close,
    check_annee_implicite,
    check_regularite,
    declared_before,
    fin_validite_vigilance,
    is_valid_on,
    new_verification_code,
    normalize_code,
    periodes_a_declarer,
    situation_marche_public,
    vigilance_obtainable,
)
from domain.echeancier import Instalment
from domain.errors import DomainError
from domain.micro import TypePeriode

D = Decimal
TODAY = date(2026, 11, 23)
PAID = Instalment(1, date(2026, 10, 5), D("500.00"), D("500.00"))
LATE = Instalment(2, date(2026, 11, 5), D("500.00"), D("120.00"))
DUE_TODAY = Instalment(3, TODAY, D("500.00"))


def refusal(**kwargs: object) -> tuple[str | None, str, str]:
    with pytest.raises(DomainError) as refused:
        check_regularite(**kwargs)  # type: ignore[arg-type]
    return refused.value.field, refused.value.code, refused.value.message


# --- regularity ----------------------------------------------------------------------


def test_a_worker_with_everything_declared_and_paid_is_up_to_date_without_a_plan() -> None:
    assert (
        check_regularite(jour=TODAY, non_declares=(), echeances=[PAID, DUE_TODAY], couvertes=())
        is False
    )


def test_an_instalment_due_today_is_not_overdue_yet() -> None:
    assert vigilance_obtainable(jour=TODAY, non_declares=(), echeances=[DUE_TODAY], couvertes=())


def test_an_overdue_amount_outside_a_plan_is_refused_with_the_amount_and_dates() -> None:
    assert refusal(jour=TODAY, non_declares=(), echeances=[PAID, LATE], couvertes=()) == (
        "travailleurId",
        "COTISATIONS_IMPAYEES",
        "380,00 € de cotisations restent impayés après leur échéance (le 05/11/2026) sans "
        "délai de paiement accordé et respecté : réglez-les ou demandez un délai de paiement.",
    )


def test_an_overdue_amount_covered_by_a_respected_plan_is_up_to_date_under_the_plan() -> None:
    assert check_regularite(jour=TODAY, non_declares=(), echeances=[LATE], couvertes={2}) is True


def test_a_plan_must_cover_every_overdue_instalment() -> None:
    other = Instalment(4, date(2026, 9, 5), D("80.00"))
    field, code, message = refusal(
        jour=TODAY, non_declares=(), echeances=[other, LATE], couvertes={2}
    )
    assert (field, code) == ("travailleurId", "COTISATIONS_IMPAYEES")
    assert message.startswith(
        "80,00 € de cotisations restent impayés après leur échéance (le 05/09/2026)"
    )


def test_an_undeclared_year_is_refused_first_naming_it() -> None:
    assert refusal(jour=TODAY, non_declares={"2025", "2023"}, echeances=[LATE], couvertes=()) == (
        "travailleurId",
        "DECLARATIONS_MANQUANTES",
        "Toutes vos déclarations doivent être faites pour obtenir cette attestation "
        "(non déclaré : 2023, 2025).",
    )
    assert not vigilance_obtainable(jour=TODAY, non_declares={"2025"}, echeances=[], couvertes=())


# --- what must be declared --------------------------------------------------------------


def test_what_is_declared_counts_from_the_day_it_was_entered() -> None:
    entered = [("2024", date(2025, 5, 20)), ("2025", date(2026, 5, 20))]
    assert declared_before(entered, date(2025, 12, 31)) == {"2024"}
    assert declared_before(entered, date(2026, 5, 20)) == {"2024", "2025"}


def test_a_micro_entrepreneur_declares_every_period_whose_deadline_has_passed() -> None:
    # October 2026 is due by 30 November: not yet on 23 November.
    months = periodes_a_declarer(TODAY, date(2026, 7, 14), None, TypePeriode.MOIS, 2023)
    assert months == ["2026-07", "2026-08", "2026-09"]
    quarters = periodes_a_declarer(TODAY, date(2025, 11, 2), None, TypePeriode.TRIMESTRE, 2023)
    assert quarters == ["2025-T4", "2026-T1", "2026-T2", "2026-T3"]


def test_a_micro_entrepreneur_declares_nothing_after_the_end_of_the_activity() -> None:
    periods = periodes_a_declarer(
        TODAY, date(2026, 1, 1), date(2026, 2, 10), TypePeriode.MOIS, 2023
    )
    assert periods == ["2026-01", "2026-02"]


# --- dates and years -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emission", "fin"),
    [
        (date(2026, 11, 23), date(2027, 5, 22)),
        (date(2026, 8, 31), date(2027, 2, 27)),  # 28 February 2027, that day excluded
        (date(2027, 8, 31), date(2028, 2, 28)),  # leap year: 29 February excluded
        (date(2026, 1, 1), date(2026, 6, 30)),
    ],
)
def test_a_vigilance_attestation_is_valid_six_months(emission: date, fin: date) -> None:
    assert fin_validite_vigilance(emission) == fin


def test_validity_ends_after_its_last_day() -> None:
    assert is_valid_on(date(2027, 5, 22), date(2027, 5, 22))
    assert not is_valid_on(date(2027, 5, 22), date(2027, 5, 23))
    assert is_valid_on(None, date(2040, 1, 1))


def test_marche_public_states_the_situation_at_31_december_of_the_previous_year() -> None:
    assert situation_marche_public(TODAY) == date(2025, 12, 31)
    assert situation_marche_public(date(2027, 1, 1)) == date(2026, 12, 31)


def test_a_closed_year_is_required_for_csg_and_cfp() -> None:
    assert check_annee_close(2025, TODAY, "CSG-CRDS") == 2025
    with pytest.raises(DomainError) as missing:
        check_annee_close(None, TODAY, "CSG-CRDS")
    assert (missing.value.field, missing.value.code) == ("annee", "ANNEE_REQUISE")
    with pytest.raises(DomainError) as open_year:
        check_annee_close(2026, TODAY, "de formation professionnelle")
    assert (open_year.value.field, open_year.value.code) == ("annee", "ANNEE_NON_CLOSE")
    assert open_year.value.message == (
        "L'attestation de formation professionnelle 2026 sera disponible à partir du "
        "01/01/2027, une fois l'année close."
    )


def test_an_implicit_year_may_be_omitted_or_given_but_not_another() -> None:
    assert check_annee_implicite(None, 2025, "marché public") == 2025
    assert check_annee_implicite(2025, 2025, "marché public") == 2025
    with pytest.raises(DomainError) as refused:
        check_annee_implicite(2024, 2025, "marché public")
    assert (refused.value.field, refused.value.code) == ("annee", "ANNEE_INVALIDE")


# --- verification codes ----------------------------------------------------------------


def test_a_verification_code_is_four_groups_of_five_unambiguous_characters() -> None:
    code = new_verification_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    assert not set(code.replace("-", "")) & set("01IO")
    assert normalize_code(code) == code


def test_verification_codes_are_random() -> None:
    assert len({new_verification_code() for _ in range(200)}) == 200


def test_a_typed_code_ignores_case_spaces_and_dashes() -> None:
    assert normalize_code(" k7pqm 2xhwa-9rtzc4nfbd ") == "K7PQM-2XHWA-9RTZC-4NFBD"


@pytest.mark.parametrize("typed", ["", "K7PQM-2XHWA", "K7PQM-2XHWA-9RTZC-4NFB0", "x" * 300])
def test_something_that_cannot_be_a_code_is_recognised_as_such(typed: str) -> None:
    assert normalize_code(typed) is None
