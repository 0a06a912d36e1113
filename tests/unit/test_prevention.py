"""Ma prévention santé: ages, the programme table, due dates and statuses at every edge."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.prevention import (
    DEFINITIONS,
    PROGRAMMES,
    Action,
    Duree,
    Nature,
    Personne,
    Programme,
    Sexe,
    Statut,
    a_rappeler,
    age_le,
    ajouter,
    anniversaire,
    dossier,
    prochaine_date,
    sexe_du_nir,
    statut,
    verifier_naissance,
    verifier_numero_lot,
    verifier_prenom,
    verifier_realisation,
)

P = Programme


def codes(personne: Personne, jour: date) -> list[Programme]:
    return [a.programme.code for a in dossier(personne, [], jour)]


def action(
    personne: Personne, code: Programme, jour: date, faites: list[tuple[Programme, date]]
) -> Action:
    return next(a for a in dossier(personne, faites, jour) if a.programme.code is code)


def due(code: Programme, personne: Personne, dates: list[date], jour: date) -> date | None:
    return prochaine_date(DEFINITIONS[code], personne, dates, jour)


# --- ages and anniversaries -----------------------------------------------------------------


def test_age_changes_on_the_birthday_not_the_day_before() -> None:
    naissance = date(1976, 5, 14)
    assert age_le(naissance, date(2026, 5, 13)) == 49
    assert age_le(naissance, date(2026, 5, 14)) == 50


def test_a_29_february_birth_turns_a_year_older_on_1_march_in_common_years() -> None:
    naissance = date(1976, 2, 29)
    assert anniversaire(naissance, 50) == date(2026, 3, 1)
    assert age_le(naissance, date(2026, 2, 28)) == 49
    assert age_le(naissance, date(2026, 3, 1)) == 50


def test_a_29_february_birth_keeps_29_february_in_leap_years() -> None:
    naissance = date(1976, 2, 29)
    assert anniversaire(naissance, 48) == date(2024, 2, 29)
    assert age_le(naissance, date(2024, 2, 28)) == 47
    assert age_le(naissance, date(2024, 2, 29)) == 48


def test_a_monthly_anniversary_missing_from_a_month_is_the_first_of_the_next() -> None:
    assert ajouter(date(2026, 1, 31), Duree(mois=1)) == date(2026, 3, 1)
    assert ajouter(date(2025, 12, 31), Duree(mois=2)) == date(2026, 3, 1)
    assert ajouter(date(2026, 8, 31), Duree(mois=4)) == date(2026, 12, 31)
    assert ajouter(date(2026, 3, 15), Duree(annees=1, mois=10)) == date(2028, 1, 15)


def test_the_sex_is_the_parity_of_the_first_digit_of_the_nir() -> None:
    assert sexe_du_nir("184127510804231") is Sexe.M
    assert sexe_du_nir("295101305502176") is Sexe.F


# --- which programmes are listed --------------------------------------------------------------


def test_the_table_has_one_row_per_programme_each_citing_its_source() -> None:
    assert {p.code for p in PROGRAMMES} == set(Programme)
    assert all(p.source and p.libelle for p in PROGRAMMES)


def test_mammography_is_listed_from_the_50th_birthday_to_the_day_before_the_75th() -> None:
    femme = Personne(date(1976, 5, 14), Sexe.F)
    assert P.DEPISTAGE_CANCER_SEIN not in codes(femme, date(2026, 5, 13))
    assert P.DEPISTAGE_CANCER_SEIN in codes(femme, date(2026, 5, 14))
    assert P.DEPISTAGE_CANCER_SEIN in codes(femme, date(2051, 5, 13))
    assert P.DEPISTAGE_CANCER_SEIN not in codes(femme, date(2051, 5, 14))


def test_programmes_for_women_are_not_listed_for_men() -> None:
    homme = Personne(date(1970, 1, 1), Sexe.M)
    assert codes(homme, date(2026, 6, 1)) == [P.DEPISTAGE_CANCER_COLORECTAL, P.RAPPEL_DTP_ADULTE]


def test_a_leap_day_born_woman_enters_screening_on_1_march_of_a_common_year() -> None:
    femme = Personne(date(1976, 2, 29), Sexe.F)
    assert P.DEPISTAGE_CANCER_SEIN not in codes(femme, date(2026, 2, 28))
    sein = action(femme, P.DEPISTAGE_CANCER_SEIN, date(2026, 3, 1), [])
    assert (sein.statut, sein.date_prochaine) == (Statut.A_FAIRE, date(2026, 3, 1))


def test_cytology_gives_way_to_the_hpv_test_at_30() -> None:
    femme = Personne(date(1996, 9, 10), Sexe.F)
    veille, jour = date(2026, 9, 9), date(2026, 9, 10)
    assert P.DEPISTAGE_COL_UTERUS_CYTOLOGIE in codes(femme, veille)
    assert P.DEPISTAGE_COL_UTERUS_TEST_HPV not in codes(femme, veille)
    assert P.DEPISTAGE_COL_UTERUS_CYTOLOGIE not in codes(femme, jour)
    assert P.DEPISTAGE_COL_UTERUS_TEST_HPV in codes(femme, jour)


def test_an_infant_of_one_month_has_the_infant_series_to_come() -> None:
    bebe = Personne(date(2026, 10, 20), Sexe.M)
    actions = dossier(bebe, [], date(2026, 11, 20))
    assert [(a.programme.code, a.statut, a.date_prochaine) for a in actions] == [
        (P.NOURRISSON_DTCAP_HIB_HEPB, Statut.A_JOUR, date(2026, 12, 20)),
        (P.NOURRISSON_PNEUMOCOQUE, Statut.A_JOUR, date(2026, 12, 20)),
        (P.ROR, Statut.A_JOUR, date(2027, 10, 20)),
    ]


def test_infant_programmes_stop_at_the_second_birthday() -> None:
    enfant = Personne(date(2024, 12, 1), Sexe.F)
    assert P.ROR in codes(enfant, date(2026, 11, 30))
    assert codes(enfant, date(2026, 12, 1)) == []


# --- statuses ------------------------------------------------------------------------------


def test_status_on_the_due_date_and_at_the_180_day_edge() -> None:
    echeance = date(2026, 1, 10)
    assert statut(echeance, 1, date(2026, 1, 9)) is Statut.A_JOUR
    assert statut(echeance, 1, echeance) is Statut.A_FAIRE
    assert statut(echeance, 1, date(2026, 7, 8)) is Statut.A_FAIRE  # 179 days late
    assert statut(echeance, 1, date(2026, 7, 9)) is Statut.EN_RETARD  # 180 days late


def test_never_recorded_stays_a_faire_however_late() -> None:
    assert statut(date(2001, 1, 1), 0, date(2026, 1, 1)) is Statut.A_FAIRE


def test_a_completed_series_is_a_jour_without_a_due_date() -> None:
    assert statut(None, 3, date(2026, 1, 1)) is Statut.A_JOUR


# --- due dates per programme -------------------------------------------------------------------


def test_mammography_is_due_two_years_after_the_last_one() -> None:
    femme = Personne(date(1970, 3, 3), Sexe.F)
    faite = [(P.DEPISTAGE_CANCER_SEIN, date(2025, 6, 30))]
    sein = action(femme, P.DEPISTAGE_CANCER_SEIN, date(2026, 12, 1), faite)
    assert (sein.statut, sein.date_prochaine, sein.realisations) == (
        Statut.A_JOUR,
        date(2027, 6, 30),
        1,
    )
    late = action(femme, P.DEPISTAGE_CANCER_SEIN, date(2027, 12, 27), faite)
    assert (late.statut, late.date_prochaine) == (Statut.EN_RETARD, date(2027, 6, 30))


def test_a_screening_on_29_february_is_due_again_on_1_march() -> None:
    homme = Personne(date(1970, 3, 3), Sexe.M)
    dates = [date(2024, 2, 29)]
    assert due(P.DEPISTAGE_CANCER_COLORECTAL, homme, dates, date(2025, 1, 1)) == date(2026, 3, 1)


def test_first_and_second_cytology_one_year_apart_then_every_three_years() -> None:
    femme = Personne(date(2000, 4, 2), Sexe.F)
    jour = date(2026, 11, 1)
    cyto = P.DEPISTAGE_COL_UTERUS_CYTOLOGIE
    assert due(cyto, femme, [], jour) == date(2025, 4, 2)
    assert due(cyto, femme, [date(2025, 5, 20)], jour) == date(2026, 5, 20)
    assert due(cyto, femme, [date(2025, 5, 20), date(2026, 6, 1)], jour) == date(2029, 6, 1)
    assert due(cyto, femme, [date(2025, 5, 20), date(2026, 6, 1), date(2029, 6, 3)], jour) == date(
        2032, 6, 3
    )


def test_hpv_test_three_years_after_the_last_cytology_then_every_five_years() -> None:
    femme = Personne(date(1995, 1, 15), Sexe.F)
    jour = date(2026, 11, 1)
    cyto = [(P.DEPISTAGE_COL_UTERUS_CYTOLOGIE, date(2024, 2, 29))]
    hpv = action(femme, P.DEPISTAGE_COL_UTERUS_TEST_HPV, jour, cyto)
    assert (hpv.statut, hpv.date_prochaine) == (Statut.A_JOUR, date(2027, 3, 1))
    avec_test = [*cyto, (P.DEPISTAGE_COL_UTERUS_TEST_HPV, date(2026, 10, 5))]
    hpv = action(femme, P.DEPISTAGE_COL_UTERUS_TEST_HPV, jour, avec_test)
    assert (hpv.date_prochaine, hpv.realisations) == (date(2031, 10, 5), 1)


def test_hpv_test_is_never_due_before_30_even_after_an_early_cytology() -> None:
    femme = Personne(date(1990, 6, 1), Sexe.F)
    cyto = [
        (P.DEPISTAGE_COL_UTERUS_CYTOLOGIE, date(2015, 6, 10)),
        (P.DEPISTAGE_COL_UTERUS_CYTOLOGIE, date(2016, 6, 10)),
    ]
    hpv = action(femme, P.DEPISTAGE_COL_UTERUS_TEST_HPV, date(2020, 6, 1), cyto)
    # 3 years after the last cytology is 10 June 2019, when she was 29: due at 30.
    assert hpv.date_prochaine == date(2020, 6, 1)


def test_hpv_test_at_30_when_no_cytology_was_recorded() -> None:
    femme = Personne(date(1996, 9, 10), Sexe.F)
    hpv = action(femme, P.DEPISTAGE_COL_UTERUS_TEST_HPV, date(2026, 9, 10), [])
    assert (hpv.statut, hpv.date_prochaine) == (Statut.A_FAIRE, date(2026, 9, 10))


@pytest.mark.parametrize(
    ("derniere", "attendu"),
    [
        (None, date(2001, 7, 1)),  # never: at 25
        (date(1990, 1, 1), date(2001, 7, 1)),  # a childhood dose does not count for 25
        (date(2001, 7, 1), date(2021, 7, 1)),  # at 25 → 45
        (date(2021, 6, 30), date(2021, 7, 1)),  # the day before 45 counts for 25 → 45
        (date(2021, 7, 1), date(2041, 7, 1)),  # at 45 → 65
        (date(2041, 7, 1), date(2051, 7, 1)),  # at 65 → 75
        (date(2052, 1, 1), date(2061, 7, 1)),  # at 75 → 85
    ],
)
def test_adult_boosters_at_25_45_65_then_every_ten_years(
    derniere: date | None, attendu: date
) -> None:
    personne = Personne(date(1976, 7, 1), Sexe.M)
    dates = [] if derniere is None else [derniere]
    assert due(P.RAPPEL_DTP_ADULTE, personne, dates, date(2026, 1, 1)) == attendu


def test_adult_booster_listed_from_the_25th_birthday() -> None:
    personne = Personne(date(2001, 12, 2), Sexe.F)
    assert P.RAPPEL_DTP_ADULTE not in codes(personne, date(2026, 12, 1))
    rappel = action(personne, P.RAPPEL_DTP_ADULTE, date(2026, 12, 2), [])
    assert (rappel.statut, rappel.date_prochaine) == (Statut.A_FAIRE, date(2026, 12, 2))


def test_infant_series_follow_the_doses_recorded() -> None:
    bebe = Personne(date(2026, 1, 31), Sexe.F)
    hexa = P.NOURRISSON_DTCAP_HIB_HEPB
    jour = date(2026, 11, 1)
    assert due(hexa, bebe, [], jour) == date(2026, 3, 31)
    assert due(hexa, bebe, [date(2026, 4, 2)], jour) == date(2026, 5, 31)
    assert due(hexa, bebe, [date(2026, 4, 2), date(2026, 6, 1)], jour) == date(2026, 12, 31)
    assert due(hexa, bebe, [date(2026, 4, 2), date(2026, 6, 1), date(2027, 1, 2)], jour) is None


def test_mmr_at_12_then_16_months() -> None:
    enfant = Personne(date(2025, 6, 15), Sexe.M)
    assert due(P.ROR, enfant, [], date(2026, 1, 1)) == date(2026, 6, 15)
    assert due(P.ROR, enfant, [date(2026, 6, 20)], date(2026, 7, 1)) == date(2026, 10, 15)


def test_childhood_boosters_at_6_and_from_11_to_13() -> None:
    enfant = Personne(date(2015, 3, 1), Sexe.M)
    assert codes(enfant, date(2026, 2, 28)) == [P.RAPPEL_DTCAP_POLIO_6_ANS]
    assert codes(enfant, date(2026, 3, 1)) == [P.RAPPEL_DTCAP_POLIO_11_13_ANS, P.VACCINATION_HPV]
    assert codes(Personne(date(2020, 3, 1), Sexe.F), date(2026, 3, 1)) == [
        P.RAPPEL_DTCAP_POLIO_6_ANS
    ]


def test_hpv_vaccination_two_doses_six_months_apart_from_11_to_14() -> None:
    enfant = Personne(date(2013, 8, 31), Sexe.F)
    hpv = P.VACCINATION_HPV
    assert due(hpv, enfant, [], date(2026, 1, 1)) == date(2024, 8, 31)
    assert due(hpv, enfant, [date(2026, 8, 30)], date(2026, 9, 1)) == date(2027, 3, 1)
    assert due(hpv, enfant, [date(2026, 8, 30), date(2027, 3, 1)], date(2027, 4, 1)) is None


def test_hpv_vaccination_in_catch_up_from_15_takes_three_doses() -> None:
    ado = Personne(date(2010, 5, 10), Sexe.M)
    hpv = P.VACCINATION_HPV
    jour = date(2026, 12, 1)
    assert due(hpv, ado, [date(2025, 5, 9)], jour) == date(2025, 11, 9)  # started at 14
    assert due(hpv, ado, [date(2025, 5, 10)], jour) == date(2025, 7, 10)  # started at 15
    assert due(hpv, ado, [date(2025, 5, 10), date(2025, 7, 10)], jour) == date(2025, 11, 10)
    assert due(hpv, ado, [date(2025, 5, 10), date(2025, 7, 10), date(2025, 11, 10)], jour) is None


# --- the influenza season ----------------------------------------------------------------------

SENIOR = Personne(date(1950, 6, 1), Sexe.F)
GRIPPE = P.GRIPPE_SAISONNIERE


def grippe(jour: date, doses: list[date]) -> tuple[Statut, date | None]:
    a = action(SENIOR, GRIPPE, jour, [(GRIPPE, d) for d in doses])
    return a.statut, a.date_prochaine


def test_influenza_is_due_on_1_october_not_on_30_september() -> None:
    assert grippe(date(2026, 9, 30), [date(2025, 10, 15)]) == (Statut.A_JOUR, date(2026, 10, 1))
    assert grippe(date(2026, 10, 1), [date(2025, 10, 15)]) == (Statut.A_FAIRE, date(2026, 10, 1))


def test_a_dose_of_the_current_season_makes_influenza_a_jour_until_the_next() -> None:
    assert grippe(date(2026, 10, 1), [date(2026, 10, 1)]) == (Statut.A_JOUR, date(2027, 10, 1))
    assert grippe(date(2027, 3, 31), [date(2026, 10, 1)]) == (Statut.A_JOUR, date(2027, 10, 1))
    assert grippe(date(2027, 4, 1), [date(2026, 10, 1)]) == (Statut.A_JOUR, date(2027, 10, 1))


def test_last_season_dose_does_not_count_on_31_march_and_180_days_make_it_late() -> None:
    # 2026-10-01 + 180 days = 2027-03-30.
    assert grippe(date(2027, 3, 29), [date(2026, 3, 31)]) == (Statut.A_FAIRE, date(2026, 10, 1))
    assert grippe(date(2027, 3, 30), [date(2026, 3, 31)]) == (Statut.EN_RETARD, date(2026, 10, 1))
    assert grippe(date(2027, 3, 31), []) == (Statut.A_FAIRE, date(2026, 10, 1))


def test_a_dose_on_31_march_counts_for_the_season_ending_that_day() -> None:
    assert grippe(date(2027, 3, 31), [date(2027, 3, 31)]) == (Statut.A_JOUR, date(2027, 10, 1))


def test_influenza_starts_on_the_65th_birthday_during_a_season() -> None:
    personne = Personne(date(1961, 11, 15), Sexe.M)
    assert GRIPPE not in codes(personne, date(2026, 11, 14))
    a = action(personne, GRIPPE, date(2026, 11, 15), [])
    assert (a.statut, a.date_prochaine) == (Statut.A_FAIRE, date(2026, 11, 15))


# --- recording checks -----------------------------------------------------------------------


def test_a_record_in_the_future_or_before_birth_is_refused_naming_the_date() -> None:
    personne = Personne(date(2020, 5, 5), Sexe.F)
    today = date(2026, 12, 1)
    with pytest.raises(DomainError) as futur:
        verifier_realisation(
            P.ROR, Nature.VACCINATION, "vaccin", personne, date(2026, 12, 2), today
        )
    assert (futur.value.field, futur.value.code) == ("date", "DATE_FUTURE")
    with pytest.raises(DomainError) as avant:
        verifier_realisation(P.ROR, Nature.VACCINATION, "vaccin", personne, date(2020, 5, 4), today)
    assert (avant.value.field, avant.value.code) == ("date", "DATE_AVANT_NAISSANCE")
    assert (
        verifier_realisation(P.ROR, Nature.VACCINATION, "vaccin", personne, date(2020, 5, 5), today)
        == (DEFINITIONS[P.ROR])
    )
    assert verifier_realisation(P.ROR, Nature.VACCINATION, "vaccin", personne, today, today)


def test_a_screening_is_not_a_vaccine_and_a_man_has_no_mammography() -> None:
    homme = Personne(date(1970, 1, 1), Sexe.M)
    today = date(2026, 12, 1)
    with pytest.raises(DomainError) as nature:
        verifier_realisation(
            P.DEPISTAGE_CANCER_COLORECTAL, Nature.VACCINATION, "vaccin", homme, today, today
        )
    assert (nature.value.field, nature.value.code) == ("vaccin", "PROGRAMME_INADAPTE")
    with pytest.raises(DomainError) as sexe:
        verifier_realisation(
            P.DEPISTAGE_CANCER_SEIN, Nature.DEPISTAGE, "depistage", homme, today, today
        )
    assert (sexe.value.field, sexe.value.code) == ("depistage", "PROGRAMME_INADAPTE")


def test_names_birth_dates_and_batch_numbers_are_checked() -> None:
    today = date(2026, 12, 1)
    assert verifier_prenom("  Léa   Marie ") == "Léa Marie"
    with pytest.raises(DomainError) as vide:
        verifier_prenom("   ")
    assert (vide.value.field, vide.value.code) == ("prenom", "PRENOM_VIDE")
    with pytest.raises(DomainError) as long:
        verifier_prenom("x" * 101)
    assert long.value.code == "PRENOM_TROP_LONG"
    assert verifier_naissance(today, today) == today
    with pytest.raises(DomainError) as futur:
        verifier_naissance(date(2026, 12, 2), today)
    assert (futur.value.field, futur.value.code) == ("dateNaissance", "DATE_FUTURE")
    assert verifier_numero_lot("  ") is None
    assert verifier_numero_lot(" AB123 ") == "AB123"
    with pytest.raises(DomainError) as lot:
        verifier_numero_lot("x" * 41)
    assert (lot.value.field, lot.value.code) == ("numeroLot", "NUMERO_LOT_TROP_LONG")


# --- reminders -------------------------------------------------------------------------------


def test_a_reminder_is_due_from_30_days_before_to_the_due_date() -> None:
    femme = Personne(date(1976, 5, 14), Sexe.F)
    sein = action(femme, P.DEPISTAGE_CANCER_SEIN, date(2026, 5, 14), [])
    assert sein.date_prochaine == date(2026, 5, 14)
    assert not a_rappeler(sein, date(2026, 4, 13))
    assert a_rappeler(sein, date(2026, 4, 14))
    assert a_rappeler(sein, date(2026, 5, 14))
    assert not a_rappeler(sein, date(2026, 5, 15))


# --- advice targeting ------------------------------------------------------------------------


def test_advice_for_an_age_band_and_a_sex() -> None:
    from domain.prevention import ProfilConseil, profil_concerne, verifier_profil_conseil

    profil = verifier_profil_conseil(50, 74, Sexe.F)
    assert profil == ProfilConseil(50, 74, Sexe.F)
    assert not profil_concerne(profil, 49, Sexe.F)
    assert profil_concerne(profil, 50, Sexe.F)
    assert profil_concerne(profil, 74, Sexe.F)
    assert not profil_concerne(profil, 75, Sexe.F)
    assert not profil_concerne(profil, 60, Sexe.M)
    assert profil_concerne(ProfilConseil(), 3, Sexe.M)
    with pytest.raises(DomainError) as inverses:
        verifier_profil_conseil(60, 50, None)
    assert (inverses.value.field, inverses.value.code) == ("ageMax", "AGES_INVERSES")
    with pytest.raises(DomainError) as negatif:
        verifier_profil_conseil(-1, None, None)
    assert (negatif.value.field, negatif.value.code) == ("ageMin", "AGE_INVALIDE")
