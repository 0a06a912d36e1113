"""Focused rules of the contribution engine (SPEC §3), with hand-checked values."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from domain.baremes import ANNEES_COUVERTES, bareme
from domain.cotisations import (
    LIBELLES,
    CotisationCode,
    NatureActivite,
    NaturePartie,
    OrigineAssiette,
    TypeBorne,
    compute_cotisations,
    compute_forfait_debut_activite,
    prorata,
)
from domain.errors import BaremeIntrouvable, DomainError

D = Decimal
ART, COM = NatureActivite.ARTISANALE, NatureActivite.COMMERCIALE
MAL, IJ = CotisationCode.MALADIE, CotisationCode.INDEMNITES_JOURNALIERES
RB, RC = CotisationCode.RETRAITE_BASE, CotisationCode.RETRAITE_COMPLEMENTAIRE
INV, AF = CotisationCode.INVALIDITE_DECES, CotisationCode.ALLOCATIONS_FAMILIALES
CSG_D, CSG_ND = CotisationCode.CSG_CRDS_DEDUCTIBLE, CotisationCode.CSG_CRDS_NON_DEDUCTIBLE
CFP = CotisationCode.FORMATION_PROFESSIONNELLE


# --- Prorata ----------------------------------------------------------------------


def test_an_activity_created_on_1_january_of_a_leap_year_has_a_prorata_of_366_365() -> None:
    assert prorata(2024, date(2024, 1, 1)) == D(366) / D(365)

    cree = compute_cotisations(2024, ART, D(0), date(2024, 1, 1))
    plein = compute_cotisations(2024, ART, D(0))

    assert cree.prorata == D(366) / D(365)
    # PSSp = round(46 368 × 366 / 365) = 46 495, minimum maladie = round(40 %) = 18 598.
    assert cree.ligne(MAL).assiette == D(18598)
    assert plein.ligne(MAL).assiette == D(18547)
    # Minimum invalidité 5 332 × 366 / 365, exact; × 1,3 % = 69,51 → 70 (full year 69,32 → 69).
    assert cree.ligne(INV).assiette == D(5332 * 366) / D(365)
    assert (cree.ligne(INV).montant, plein.ligne(INV).montant) == (D(70), D(69))
    assert (cree.total, plein.total) == (D(1334), D(1333))


@pytest.mark.parametrize(
    ("creation", "attendu"),
    [
        (None, D(1)),
        (date(2024, 3, 15), D(1)),  # created the year before: a full year
        (date(2025, 7, 1), D(184) / D(365)),
        (date(2025, 12, 31), D(1) / D(365)),
    ],
)
def test_the_prorata_counts_the_days_of_activity_over_365(
    creation: date | None, attendu: Decimal
) -> None:
    assert prorata(2025, creation) == attendu


def test_under_90_days_of_activity_there_is_no_retirement_minimum() -> None:
    quatre_vingt_dix_jours = compute_cotisations(2025, ART, D(0), date(2025, 10, 3))
    quatre_vingt_neuf_jours = compute_cotisations(2025, ART, D(0), date(2025, 10, 4))

    # 450 × 11,88 = 5 346 € (not prorated) × 17,75 % = 948,92 → 949.
    assert quatre_vingt_dix_jours.ligne(RB).montant == D(949)
    plancher = quatre_vingt_dix_jours.ligne(RB).plancher
    assert plancher is not None
    assert (plancher.type, plancher.montant) == (TypeBorne.MINIMUM_RETRAITE, D(5346))
    assert quatre_vingt_neuf_jours.ligne(RB).montant == D(0)
    assert quatre_vingt_neuf_jours.ligne(RB).plancher is None
    assert (quatre_vingt_dix_jours.total, quatre_vingt_neuf_jours.total) == (D(1222), D(181))


# --- Maladie and indemnités journalières -------------------------------------------


def test_in_2023_the_ij_are_capped_at_the_maladie_total() -> None:
    en_2023 = compute_cotisations(2023, ART, D(10000))
    en_2024 = compute_cotisations(2024, ART, D(10000))

    # Below 40 % of the PASS the maladie rate is 0 %: the 2023 IJ fall to 0 too.
    assert en_2023.ligne(IJ).montant == D(0)
    plafond = en_2023.ligne(IJ).plafond
    assert plafond is not None
    assert (plafond.type, plafond.montant) == (TypeBorne.PLAFOND_MALADIE_TOTALE, D(0))
    # From 2024 the IJ are not capped: round(18 547 × 0,5 %) = 93.
    assert en_2024.ligne(IJ).montant == D(93)
    assert en_2024.ligne(IJ).plafond is None


def test_in_2023_a_maladie_total_below_the_ij_caps_them_at_that_total() -> None:
    # 18 476,64 = 42 % of the 2023 PASS: rate 0,40 %, total 73,90656 < 0,85 % × base.
    resultat = compute_cotisations(2023, ART, D("18476.64"))

    assert resultat.ligne(MAL).taux[0].taux == D("0.40")
    assert resultat.ligne(IJ).montant == D(74)
    assert resultat.ligne(MAL).montant == D(0)  # round(max(0, 73,90656 − 74))


@pytest.mark.parametrize(
    ("annee", "revenu", "taux", "maladie", "ij"),
    [
        # 43 084,90 / 48 060 gives exactly 5,601 % → 5,60 %; 43 084,90 × 5,60 % = 2 412,75.
        (2026, D("43084.90"), D("5.60"), D(2198), D(215)),
        # 21 155,40 / 46 368 gives exactly 1,125 % → 1,13 % (half up); × 1,13 % = 239,06.
        (2024, D("21155.40"), D("1.13"), D(133), D(106)),
    ],
)
def test_the_maladie_rate_is_rounded_half_up_to_two_decimals(
    annee: int, revenu: Decimal, taux: Decimal, maladie: Decimal, ij: Decimal
) -> None:
    resultat = compute_cotisations(annee, ART, revenu)

    assert resultat.ligne(MAL).taux[0].taux == taux
    assert resultat.ligne(MAL).montant == maladie
    assert resultat.ligne(IJ).montant == ij
    assert resultat.ligne(MAL).deduction == ij


# --- Other lines -------------------------------------------------------------------


def test_a_loss_lowers_the_csg_crds_base() -> None:
    resultat = compute_cotisations(2025, ART, D(-1020))

    # C = −1 020 + 0 + 94 + 949 + 0 + 70 + 0 = 93.
    assert resultat.ligne(CSG_D).assiette == D(93)
    assert resultat.ligne(CSG_D).montant == D(6)  # 6,324
    assert resultat.ligne(CSG_ND).montant == D(3)  # 2,697
    assert compute_cotisations(2025, ART, D(-20000)).ligne(CSG_D).assiette == D(0)


def test_amounts_landing_on_half_a_euro_are_rounded_up() -> None:
    assert compute_cotisations(2026, ART, D(150)).ligne(RC).montant == D(11)  # 10,50
    # C = −1 003 + 96 + 960 + 72 = 125: 6,8 % = 8,50 → 9.
    csg = compute_cotisations(2026, ART, D(-1003)).ligne(CSG_D)
    assert (csg.assiette, csg.montant) == (D(125), D(9))


def test_a_prorated_ceiling_keeps_an_exact_half_euro_which_rounds_up() -> None:
    # 73 days in 2024: PRCI × p = 42 946 × 73 / 365 = 8 589,20 exactly;
    # 7 % × 8 589,20 + 8 % × 415,70 = 601,244 + 33,256 = 634,50 → 635.
    ligne = compute_cotisations(2024, ART, D("9004.90"), date(2024, 10, 20)).ligne(RC)

    assert ligne.taux[0].a == D("8589.20")
    assert ligne.montant == D(635)


def test_retraite_de_base_slices_add_up_to_the_line_before_rounding() -> None:
    ligne = compute_cotisations(2026, ART, D(60000)).ligne(RB)

    assert [(t.de, t.a, t.taux) for t in ligne.taux] == [
        (D(0), D(48060), D("17.75")),
        (D(48060), None, D("0.6")),
    ]
    assert [t.montant(ligne.assiette) for t in ligne.taux] == [D("8530.65"), D("71.64")]
    assert ligne.montant == D(8602)


def test_the_cfp_depends_on_the_nature_and_is_not_prorated() -> None:
    cree = compute_cotisations(2026, COM, D(30000), date(2026, 9, 1))

    assert cree.ligne(CFP).montant == D(120)  # round(48 060 × 0,25 %)
    assert compute_cotisations(2026, ART, D(30000)).ligne(CFP).montant == D(139)  # × 0,29 %


# --- Start-of-activity forfait -------------------------------------------------------


def test_the_second_year_forfait_uses_a_full_year() -> None:
    forfait = compute_forfait_debut_activite(2026, ART, date(2025, 5, 5))

    assert (forfait.prorata, forfait.revenu, forfait.forfait) == (D(1), D(9131), True)
    assert forfait.montants() == {
        MAL: D(0),  # rate taken at 19 224 / 48 060 = 40 %: 0 %
        IJ: D(96),  # 19 224 × 0,5 %
        RB: D(1621),  # 9 131 × 17,75 %
        RC: D(639),
        INV: D(119),
        AF: D(0),
        CSG_D: D(621),  # on the flat base, contributions not added
        CSG_ND: D(265),
        CFP: D(139),
    }
    assert forfait.total == D(3500)
    assert forfait.ligne(RB).origine is OrigineAssiette.FORFAIT


@pytest.mark.parametrize("creation", [date(2024, 12, 31), date(2027, 1, 1)])
def test_the_forfait_is_refused_outside_the_creation_year_and_the_next(creation: date) -> None:
    with pytest.raises(DomainError) as erreur:
        compute_forfait_debut_activite(2026, ART, creation)

    assert erreur.value.field == "dateCreation"


# --- Bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("annee", [2022, 2027])
def test_a_year_without_a_bareme_is_a_clear_error(annee: int) -> None:
    attendu = f"Aucun barème pour l'année {annee} (années couvertes : 2023 à 2026)"
    for calcul in (
        lambda: compute_cotisations(annee, ART, D(30000)),
        lambda: compute_cotisations(annee, ART, D(30000), date(annee, 3, 1)),
        lambda: compute_forfait_debut_activite(annee, ART, date(annee, 3, 1)),
        lambda: bareme(annee),
    ):
        with pytest.raises(BaremeIntrouvable) as erreur:
            calcul()
        assert (erreur.value.message, erreur.value.field) == (attendu, "annee")
        assert erreur.value.code == "BAREME_INTROUVABLE"
    assert ANNEES_COUVERTES == (2023, 2024, 2025, 2026)


@pytest.mark.parametrize(
    ("revenu", "creation", "champ"),
    [
        (D(30000), date(2026, 1, 1), "dateCreation"),
        (D("100000000.01"), None, "revenuProfessionnel"),
        (D("-100000000.01"), None, "revenuProfessionnel"),
        (D("1000.001"), None, "revenuProfessionnel"),
        (D("NaN"), None, "revenuProfessionnel"),
        (D("Infinity"), None, "revenuProfessionnel"),
        (1000.5, None, "revenuProfessionnel"),  # money is never a float
    ],
)
def test_bad_input_is_refused_naming_the_field(
    revenu: Decimal, creation: date | None, champ: str
) -> None:
    with pytest.raises(DomainError) as erreur:
        compute_cotisations(2025, ART, revenu, creation)

    assert erreur.value.field == champ


def test_an_unknown_nature_is_refused() -> None:
    with pytest.raises(DomainError) as erreur:
        compute_cotisations(2025, "LIBERALE", D(1000))  # type: ignore[arg-type]

    assert erreur.value.field == "nature"


def test_trailing_zeros_and_the_largest_income_are_accepted() -> None:
    assert compute_cotisations(2025, ART, D("1000.100")).revenu == D("1000.1")

    plus_haut = compute_cotisations(2025, ART, D(100_000_000))

    # Maladie: 235 500 × 6,70 % + 99 764 500 × 6,5 % = 6 500 471; IJ on 5 PASS:
    # 235 500 × 0,5 % = 1 177,50 → 1 178 (half up); AF at 3,1 % on the whole income.
    assert plus_haut.montants() == {
        MAL: D(6_499_293),
        IJ: D(1178),
        RB: D(608_078),
        RC: D(14_633),
        INV: D(612),
        AF: D(3_100_000),
        CSG_D: D(7_495_218),
        CSG_ND: D(3_196_490),
        CFP: D(137),
    }
    assert plus_haut.total == D(20_915_639)
    plafond = plus_haut.ligne(IJ).plafond
    assert plafond is not None
    assert (plafond.type, plafond.montant) == (TypeBorne.PLAFOND_5_PASS, D(235_500))


# --- Results and explanations --------------------------------------------------------


def test_lines_come_in_spec_order_with_french_labels() -> None:
    resultat = compute_cotisations(2025, COM, D(45000))

    assert [ligne.code for ligne in resultat.lignes] == list(CotisationCode)
    assert list(resultat.montants()) == list(CotisationCode)
    assert resultat.ligne(INV).libelle == "Invalidité-décès"
    assert set(LIBELLES) == set(CotisationCode)
    assert resultat.total == sum(resultat.montants().values())


def test_results_are_complete_frozen_dataclasses() -> None:
    resultat = compute_cotisations(2024, ART, D(52000), date(2024, 4, 2))

    assert dataclasses.replace(resultat) == resultat
    for ligne in resultat.lignes:
        assert dataclasses.replace(ligne) == ligne
    with pytest.raises(dataclasses.FrozenInstanceError):
        resultat.lignes[0].montant = D(0)  # type: ignore[misc]


def test_explanations_name_the_base_the_floor_or_ceiling_and_the_rates() -> None:
    bas = compute_cotisations(2024, ART, D(0))
    haut = compute_cotisations(2026, ART, D(60000))
    ij_2023 = compute_cotisations(2023, ART, D("18476.64")).ligne(IJ)
    forfait = compute_forfait_debut_activite(2026, ART, date(2025, 5, 5))

    assert bas.ligne(MAL).explication == (
        "assiette 18 547 € (minimum 40 % du PASS) × 0,00 % (taux progressif)"
        " − indemnités journalières 93 € = 0 €"
    )
    assert bas.ligne(RB).explication == (
        "assiette 5 243 € (minimum 450 × SMIC horaire) × 17,75 % = 931 €"
    )
    assert haut.ligne(RB).explication == (
        "assiette 60 000 € : 17,75 % sur 48 060 € + 0,6 % sur 11 940 € = 8 602 €"
    )
    assert haut.ligne(INV).explication == "assiette 48 060 € (plafond 1 PASS) × 1,3 % = 625 €"
    assert haut.ligne(AF).explication == ("assiette 60 000 € × 1,5339 % (taux progressif) = 920 €")
    assert haut.ligne(CSG_D).explication == (
        "assiette 78 528 € (revenu + cotisations sociales) × 6,8 % = 5 340 €"
    )
    assert haut.ligne(CFP).explication == "assiette 48 060 € (PASS) × 0,29 % = 139 €"
    assert ij_2023.explication == (
        "assiette 18 476,64 € × 0,85 % plafonné à la cotisation maladie totale (73,91 €) = 74 €"
    )
    assert forfait.ligne(RC).explication == (
        "assiette 9 131 € (forfait de début d'activité, 19 % du PASS) × 7 % = 639 €"
    )


def test_explanation_parts_carry_the_figures_for_a_client_to_render() -> None:
    parties = compute_cotisations(2026, ART, D(60000)).ligne(RB).parties_explication()

    assert [(p.nature, p.montant, p.taux) for p in parties] == [
        (NaturePartie.ASSIETTE, D(60000), None),
        (NaturePartie.TRANCHE, D(48060), D("17.75")),
        (NaturePartie.TRANCHE, D(11940), D("0.6")),
        (NaturePartie.RESULTAT, D(8602), None),
    ]
    assert " ".join(p.texte for p in parties) == (
        compute_cotisations(2026, ART, D(60000)).ligne(RB).explication
    )
