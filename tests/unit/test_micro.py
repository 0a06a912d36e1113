"""Micro-entrepreneur contributions on declared turnover (SPEC §7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.cotisations import NatureActivite
from domain.errors import BaremeIntrouvable, DomainError
from domain.micro import (
    ActiviteMicro,
    Periode,
    TypePeriode,
    compute_cotisations_micro,
    taux_micro,
)

D = Decimal
ART, COM = NatureActivite.ARTISANALE, NatureActivite.COMMERCIALE
VENTE, SERVICES, BNC = ActiviteMicro.BIC_VENTE, ActiviteMicro.BIC_SERVICES, ActiviteMicro.BNC


@pytest.mark.parametrize(
    ("activite", "premier_jour", "taux"),
    [
        (VENTE, date(2023, 1, 1), D("12.3")),
        (SERVICES, date(2026, 12, 1), D("21.2")),
        (BNC, date(2023, 1, 1), D("21.1")),
        (BNC, date(2024, 6, 1), D("21.1")),
        (BNC, date(2024, 7, 1), D("23.1")),
        (BNC, date(2025, 1, 1), D("24.6")),
        (BNC, date(2026, 10, 1), D("26.1")),
    ],
)
def test_the_rate_is_the_one_in_force_on_the_first_day(
    activite: ActiviteMicro, premier_jour: date, taux: Decimal
) -> None:
    assert taux_micro(activite, premier_jour) == taux


@pytest.mark.parametrize("premier_jour", [date(2022, 12, 1), date(2027, 1, 1)])
def test_a_date_outside_the_covered_years_has_no_rate(premier_jour: date) -> None:
    with pytest.raises(BaremeIntrouvable) as erreur:
        taux_micro(BNC, premier_jour)

    assert erreur.value.field == "periode"
    assert "2023 à 2026" in erreur.value.message


def test_the_bnc_rate_switches_in_july_2024_for_months_and_quarters() -> None:
    juin = compute_cotisations_micro("2024-06", ART, {BNC: D(10000)})
    juillet = compute_cotisations_micro("2024-07", ART, {BNC: D(10000)})
    deuxieme_trimestre = compute_cotisations_micro("2024-T2", ART, {BNC: D(10000)})
    troisieme_trimestre = compute_cotisations_micro("2024-T3", ART, {BNC: D(10000)})

    assert [r.lignes[0].cotisations for r in (juin, juillet)] == [D(2110), D(2310)]
    assert deuxieme_trimestre.lignes[0].taux == D("21.1")
    assert troisieme_trimestre.lignes[0].taux == D("23.1")


@pytest.mark.parametrize(
    ("texte", "debut", "fin", "echeance"),
    [
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), date(2024, 3, 31)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 31)),
        ("2026-T1", date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 30)),
        ("2025-T3", date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 31)),
        ("2026-T4", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 31)),
    ],
)
def test_periods_have_bounds_and_are_due_by_the_end_of_the_next_month(
    texte: str, debut: date, fin: date, echeance: date
) -> None:
    periode = Periode.parse(texte)

    assert (periode.debut, periode.fin, periode.echeance) == (debut, fin, echeance)
    assert str(periode) == texte


def test_a_quarter_is_parsed_as_such() -> None:
    assert Periode.parse("2026-T2") == Periode(2026, TypePeriode.TRIMESTRE, 2)
    assert Periode.parse(" 2026-02 ") == Periode(2026, TypePeriode.MOIS, 2)


@pytest.mark.parametrize(
    "texte", ["2026-13", "2026-00", "2026-T0", "2026-T5", "2026-3", "26-03", "2026-t1", "", "mars"]
)
def test_a_bad_period_is_refused_with_the_expected_format(texte: str) -> None:
    with pytest.raises(DomainError) as erreur:
        Periode.parse(texte)

    assert erreur.value.field == "periode"
    assert "attendu AAAA-MM (un mois, ex. 2026-03) ou AAAA-Tn" in erreur.value.message


def test_contributions_per_activity_are_rounded_to_the_euro_and_the_cfp_to_the_cent() -> None:
    resultat = compute_cotisations_micro(
        Periode.parse("2024-07"), ART, {BNC: D(10000), VENTE: D("1234.56")}
    )

    assert [
        (ligne.activite, ligne.chiffre_affaires, ligne.taux, ligne.cotisations)
        for ligne in resultat.lignes
    ] == [
        (VENTE, D("1234.56"), D("12.3"), D(152)),  # 151,85
        (BNC, D(10000), D("23.1"), D(2310)),
    ]
    # 1 234,56 × 0,3 % + 10 000 × 0,2 % = 23,70368.
    assert (resultat.total_cotisations, resultat.cfp, resultat.total) == (
        D(2462),
        D("23.70"),
        D("2485.70"),
    )
    assert resultat.echeance == date(2024, 8, 31)
    assert resultat.lignes[0].explication == "chiffre d'affaires 1 234,56 € × 12,3 % = 152 €"


def test_commercants_pay_a_cfp_of_0_1_percent_on_bic_turnover() -> None:
    resultat = compute_cotisations_micro("2026-T1", COM, {SERVICES: D("3333.33")})

    assert resultat.lignes[0].cotisations == D(707)  # 706,66596
    assert resultat.lignes[0].taux_cfp == D("0.1")
    assert resultat.cfp == D("3.33")


def test_halves_are_rounded_up() -> None:
    resultat = compute_cotisations_micro("2025-05", COM, {VENTE: D(500)})
    assert resultat.lignes[0].cotisations == D(62)  # 61,50

    petit = compute_cotisations_micro("2025-05", COM, {VENTE: D(5)})
    assert (petit.lignes[0].cotisations, petit.cfp) == (D(1), D("0.01"))  # 0,615; 0,005


def test_a_declaration_without_turnover_owes_nothing() -> None:
    resultat = compute_cotisations_micro("2025-05", ART, {})

    assert (resultat.lignes, resultat.total) == ((), D(0))


@pytest.mark.parametrize(
    "montants",
    [
        {BNC: D("-1")},
        {VENTE: D("10.001")},
        {VENTE: D("NaN")},
        {VENTE: 100.0},
        {"CIPAV": D(100)},
    ],
)
def test_bad_turnover_is_refused_naming_the_field(montants: dict[ActiviteMicro, Decimal]) -> None:
    with pytest.raises(DomainError) as erreur:
        compute_cotisations_micro("2025-05", ART, montants)

    assert erreur.value.field == "montants"


@pytest.mark.parametrize("montants", [{VENTE: D(100)}, {}])
def test_a_period_outside_the_covered_years_is_refused(
    montants: dict[ActiviteMicro, Decimal],
) -> None:
    with pytest.raises(BaremeIntrouvable) as erreur:
        compute_cotisations_micro("2027-01", ART, montants)

    assert erreur.value.field == "periode"


def test_an_unknown_nature_is_refused() -> None:
    with pytest.raises(DomainError) as erreur:
        compute_cotisations_micro("2025-05", "LIBERALE", {BNC: D(100)})  # type: ignore[arg-type]

    assert erreur.value.field == "nature"
