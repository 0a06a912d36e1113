"""The PDF documents, read back: text extracted with pypdf must say exactly the figures."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from domain.nomenclatures import StatutEcheance
from gateway.documents.attestations import render_attestation
from gateway.documents.avis_appel import render_avis_appel_rectificatif
from gateway.documents.data import (
    AnneeCarriere,
    AttestationCsgCrds,
    AttestationFormation,
    AttestationMarchePublic,
    AttestationVigilance,
    AvisAppelRectificatif,
    CaisseEmettrice,
    EcheanceAppel,
    Entreprise,
    IdentiteTravailleur,
    LigneAppel,
    ReleveCarriere,
)
from gateway.documents.layout import (
    euros,
    format_nir,
    format_siren,
    format_siret,
    jour,
    printable,
    with_article,
)
from gateway.documents.releve_carriere import render_releve_carriere
from tests.documents.qr import decode_qr_codes

EMIS = date(2026, 11, 23)
CAISSE = CaisseEmettrice(
    nom="Caisse des indépendants d'Île-de-France",
    adresse="22 rue de la Légion d'Honneur\n93200 Saint-Denis",
    telephone="01 23 45 67 89",
    courriel="contact@caisse-idf.example",
)
HELENE = IdentiteTravailleur(
    civilite="Mme",
    prenom="Hélène",
    nom="Lefèvre",
    nir="285057512345678",
    siret="81234567800027",
    adresse=("14 rue des Œillets", "69003 Lyon"),
)
IDENTITE = [
    "Nom : Mme Hélène LEFÈVRE",
    "NIR : 2 85 05 75 123 456 78",
    "SIRET : 812 345 678 00027",
]
BOULANGERIE = Entreprise(
    denomination="Boulangerie des Œillets",
    titulaire="Mme Hélène LEFÈVRE",
    siret="81234567800027",
    adresse=("3 place Sathonay", "69001 Lyon"),
)
ENTREPRISE = [
    "Entreprise : Boulangerie des Œillets",
    "Titulaire : Mme Hélène LEFÈVRE",
    "SIREN : 812 345 678",
    "SIRET : 812 345 678 00027",
    "Adresse : 3 place Sathonay",
    "69001 Lyon",
]
URL = "https://moncompte-independant.example/verification"
D = Decimal


def read(pdf: bytes) -> tuple[list[str], str, int]:
    """(lines of every page, the whole text on one line, page count)."""
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    lines = [line.strip() for line in text.splitlines()]
    return lines, " ".join(text.split()), len(reader.pages)


def assert_lines(lines: list[str], expected: list[str]) -> None:
    missing = [line for line in expected if line not in lines]
    assert not missing, f"missing {missing} in {lines}"


def avis() -> AvisAppelRectificatif:
    """Estimate of 23/11/2026 on a MENSUEL_20 schedule: only 20 December is still open."""
    assiette = D("42500.00")
    lignes = (
        LigneAppel("Maladie-maternité", assiette, D("2550")),
        LigneAppel("Indemnités journalières", assiette, D("213")),
        LigneAppel("Retraite de base", assiette, D("7544")),
        LigneAppel("Retraite complémentaire", assiette, D("2975")),
        LigneAppel("Invalidité-décès", assiette, D("553")),
        LigneAppel("Allocations familiales", assiette, D("1328")),
        LigneAppel("CSG-CRDS déductible", assiette, D("2890")),
        LigneAppel("CSG-CRDS non déductible", assiette, D("1233")),
        LigneAppel("Contribution à la formation professionnelle", D("48060"), D("120")),
    )
    fixes = tuple(
        EcheanceAppel(date(2026, mois, 20), D("1500.00"), StatutEcheance.PAYEE)
        for mois in range(1, 12)
    )
    decembre = EcheanceAppel(date(2026, 12, 20), D("2906.00"), StatutEcheance.A_VENIR)
    return AvisAppelRectificatif(
        caisse=CAISSE,
        identite=HELENE,
        emis_le=EMIS,
        annee=2026,
        revenu_estime=D("42500"),
        lignes=lignes,
        echeances=(*fixes, decembre),
        reference="AAR-2026-004217",
    )


def test_avis_appel_rectificatif_lists_lines_schedule_and_warning() -> None:
    lines, text, pages = read(render_avis_appel_rectificatif(avis()))

    assert_lines(
        lines,
        [
            "Caisse des indépendants d'Île-de-France",
            "22 rue de la Légion d'Honneur",
            "Avis d'appel de cotisations rectificatif",
            *IDENTITE,
            "Référence : AAR-2026-004217",
            "Revenu estimé 2026 : 42 500,00 EUR",
            "Cotisations provisionnelles : 19 406,00 EUR",
            "Cotisation Assiette Montant",
            "Maladie-maternité 42 500,00 EUR 2 550,00 EUR",
            "Retraite de base 42 500,00 EUR 7 544,00 EUR",
            "CSG-CRDS non déductible 42 500,00 EUR 1 233,00 EUR",
            "Contribution à la formation professionnelle 48 060,00 EUR 120,00 EUR",
            "Total 19 406,00 EUR",
            "Date d'échéance Montant Statut",
            "20/01/2026 1 500,00 EUR Payée",
            "20/11/2026 1 500,00 EUR Payée",
            "20/12/2026 2 906,00 EUR À venir",
            "Total de l'échéancier 19 406,00 EUR",
        ],
    )
    assert (
        "En cas de sous-estimation, la différence sera régularisée lorsque vous aurez "
        "déclaré vos revenus 2026" in text
    )
    assert f"émis le 23/11/2026 Page {pages}/{pages}" in text
    assert sum(line.endswith("EUR Payée") for line in lines) == 11


def test_cancelled_instalments_are_shown_but_not_totalled() -> None:
    data = avis()
    annulee = EcheanceAppel(date(2026, 12, 5), D("800"), StatutEcheance.ANNULEE)
    lines, _, _ = read(render_avis_appel_rectificatif(replace(data, echeances=(annulee,))))
    assert_lines(lines, ["05/12/2026 800,00 EUR Annulée", "Total de l'échéancier 0,00 EUR"])


def test_attestation_de_vigilance_shows_the_business_validity_and_verification() -> None:
    data = AttestationVigilance(
        caisse=CAISSE,
        entreprise=BOULANGERIE,
        emise_le=EMIS,
        valide_du=EMIS,
        valide_au=date(2027, 5, 23),
        code_verification="K7PQM-2XHWA-9RTZC-4NFBD",
        url_verification=URL,
    )
    pdf = render_attestation(data)
    lines, text, pages = read(pdf)

    assert pages == 1
    assert_lines(
        lines,
        [
            "Attestation de vigilance",
            *ENTREPRISE,
            "Valable du : 23/11/2026",
            "Jusqu'au : 23/05/2027",
            "Code de vérification :",
            "K7PQM-2XHWA-9RTZC-4NFBD",
        ],
    )
    assert (
        "La Caisse des indépendants d'Île-de-France atteste que l'entreprise Boulangerie des "
        "Œillets (SIREN 812 345 678), dont le titulaire est Mme Hélène LEFÈVRE, a souscrit "
        "toutes ses déclarations de revenus et est à jour du paiement de ses cotisations et "
        "contributions sociales à la date du 23/11/2026." in text
    )
    assert (
        f"L'authenticité de ce document peut être vérifiée sur {URL} avec ce code, ou en "
        "scannant le QR code ci-contre." in text
    )
    assert "Attestation de vigilance - émise le 23/11/2026" in text
    assert "NIR" not in text and "285057512345678" not in text and "2 85 05" not in text
    assert decode_qr_codes(pdf) == [f"{URL}?code=K7PQM-2XHWA-9RTZC-4NFBD"]


def test_an_urssaf_takes_the_elided_article() -> None:
    urssaf = replace(CAISSE, nom="Urssaf Île-de-France")
    data = AttestationMarchePublic(urssaf, BOULANGERIE, EMIS, situation_au=date(2025, 12, 31))
    _, text, _ = read(render_attestation(data))
    assert "L'Urssaf Île-de-France atteste que l'entreprise" in text
    assert "Fait le 23/11/2026, pour l'Urssaf Île-de-France." in text
    assert with_article("Caisse des indépendants", capital=True) == "La Caisse des indépendants"
    assert with_article("Hôtel des Finances") == "l'Hôtel des Finances"


def test_attestation_de_vigilance_under_a_payment_plan_says_so() -> None:
    data = AttestationVigilance(
        CAISSE,
        BOULANGERIE,
        EMIS,
        EMIS,
        date(2027, 5, 23),
        "K7PQM-2XHWA-9RTZC-4NFBD",
        sous_plan_apurement=True,
    )
    _, text, _ = read(render_attestation(data))
    assert "respecte le plan d'apurement de sa dette accordé par la caisse" in text
    assert "est à jour du paiement" not in text


def test_attestation_marche_public_is_a_situation_at_31_december_of_the_business() -> None:
    data = AttestationMarchePublic(CAISSE, BOULANGERIE, EMIS, situation_au=date(2025, 12, 31))
    pdf = render_attestation(data)
    lines, text, _ = read(pdf)

    assert_lines(
        lines,
        ["Attestation de régularité - marché public", *ENTREPRISE, "Situation au : 31/12/2025"],
    )
    assert "contributions sociales au 31/12/2025." in text
    assert "Code de vérification" not in text and "Valable" not in text
    assert "NIR" not in text and "2 85 05" not in text
    assert decode_qr_codes(pdf) == []


def test_a_business_without_an_etablissement_is_named_after_its_entrepreneur() -> None:
    seule = Entreprise("Mme Hélène LEFÈVRE", "Mme Hélène LEFÈVRE")
    data = AttestationMarchePublic(CAISSE, seule, EMIS, situation_au=date(2025, 12, 31))
    lines, text, _ = read(render_attestation(data))
    assert "atteste que l'entreprise individuelle de Mme Hélène LEFÈVRE a souscrit" in text
    assert not [line for line in lines if line.startswith(("SIREN", "SIRET", "NIR"))]


def test_attestation_csg_crds_gives_deductible_and_non_deductible_amounts() -> None:
    data = AttestationCsgCrds(
        CAISSE,
        HELENE,
        EMIS,
        annee=2025,
        csg_deductible=D("2631"),
        csg_crds_non_deductible=D("1122.40"),
    )
    lines, text, _ = read(render_attestation(data))

    assert_lines(
        lines,
        [
            "Attestation de CSG-CRDS",
            *IDENTITE,
            "CSG déductible 2 631,00 EUR",
            "CSG-CRDS non déductible 1 122,40 EUR",
            "Total CSG-CRDS 2025 3 753,40 EUR",
        ],
    )
    assert "au titre de l'année 2025" in text
    assert "Code de vérification" not in text


def test_attestation_formation_gives_the_cfp_due_what_was_paid_of_it_and_a_code() -> None:
    data = AttestationFormation(
        CAISSE,
        HELENE,
        EMIS,
        annee=2025,
        cfp_due=D("137.00"),
        cfp_payee=D("135.89"),
        code_verification="CFP3H-8D2K7-MNPQR-STUVW",
        url_verification=URL,
    )
    pdf = render_attestation(data)
    lines, text, _ = read(pdf)

    assert_lines(
        lines,
        [
            "Attestation de contribution à la formation professionnelle",
            *IDENTITE,
            "CFP due au titre de 2025 137,00 EUR",
            "CFP payée au 23/11/2026 135,89 EUR",
            "Reste à payer au 23/11/2026 1,11 EUR",
            "CFP3H-8D2K7-MNPQR-STUVW",
        ],
    )
    assert (
        "La Caisse des indépendants d'Île-de-France atteste que la contribution à la "
        "formation professionnelle (CFP) due par Mme Hélène LEFÈVRE (SIRET 812 345 678 00027) "
        "au titre de l'année 2025, et ce qui en a été payé au 23/11/2026, s'élèvent à :" in text
    )
    assert "Fait le 23/11/2026, pour la Caisse des indépendants d'Île-de-France." in text
    assert " vous" not in text and " votre" not in text
    assert decode_qr_codes(pdf) == [f"{URL}?code=CFP3H-8D2K7-MNPQR-STUVW"]


def test_a_cfp_paid_in_full_has_nothing_left_to_pay() -> None:
    data = AttestationFormation(
        CAISSE, HELENE, EMIS, 2025, D("137.00"), D("137.00"), "CFP3H-8D2K7-MNPQR-STUVW"
    )
    _, text, _ = read(render_attestation(data))
    assert "CFP payée au 23/11/2026 137,00 EUR" in text
    assert "Reste à payer" not in text


def test_releve_de_carriere_per_year_sorted_with_total_quarters() -> None:
    annees = (
        AnneeCarriere(2023, D("36500"), 4),
        AnneeCarriere(2021, D("3100"), 2),
        AnneeCarriere(2022, D("24000"), 4),
        AnneeCarriere(2024, D("46368"), 4),
        AnneeCarriere(2025, D("1200.50"), 0),
    )
    lines, text, _ = read(render_releve_carriere(ReleveCarriere(CAISSE, HELENE, EMIS, annees)))

    assert_lines(
        lines,
        [
            "Relevé de carrière",
            *IDENTITE,
            "Année Revenu cotisé (retraite de base) Trimestres validés",
            "Total 14",
            "Total validé : 14 trimestres",
        ],
    )
    rows = [line for line in lines if line[:4].isdigit() and line.endswith(tuple("01234"))]
    assert rows == [
        "2021 3 100,00 EUR 2",
        "2022 24 000,00 EUR 4",
        "2023 36 500,00 EUR 4",
        "2024 46 368,00 EUR 4",
        "2025 1 200,50 EUR 0",
    ]
    assert "Périodes d'activité indépendante de 2021 à 2025" in text
    assert "150 heures de SMIC" in text
    assert "Relevé de carrière - émis le 23/11/2026" in text
    assert "non calculé" not in text


def test_a_year_without_a_bareme_is_listed_as_not_computed() -> None:
    annees = (AnneeCarriere(2022, None, None), AnneeCarriere(2023, D("36500"), 4))
    lines, text, _ = read(render_releve_carriere(ReleveCarriere(CAISSE, HELENE, EMIS, annees)))
    assert_lines(lines, ["2022 non calculé non calculé", "2023 36 500,00 EUR 4", "Total 4"])
    assert "Les années marquées « non calculé » sont des années d'activité" in text


def test_long_document_repeats_header_and_numbers_pages() -> None:
    annees = tuple(AnneeCarriere(1980 + n, D("30000"), 4) for n in range(46))
    lines, text, pages = read(render_releve_carriere(ReleveCarriere(CAISSE, HELENE, EMIS, annees)))

    assert pages >= 2
    assert lines.count("Caisse des indépendants d'Île-de-France") == pages
    # The table spans pages: its headings are repeated on each.
    assert lines.count("Année Revenu cotisé (retraite de base) Trimestres validés") >= 2
    for page in range(1, pages + 1):
        assert f"Page {page}/{pages}" in text
    assert "Total validé : 184 trimestres" in lines


def test_rendering_is_deterministic() -> None:
    assert render_avis_appel_rectificatif(avis()) == render_avis_appel_rectificatif(avis())


def test_characters_outside_the_core_fonts_degrade_instead_of_failing() -> None:
    polonaise = replace(HELENE, prenom="Łucja", nom="Wałęsa")
    data = AttestationCsgCrds(CAISSE, polonaise, EMIS, 2025, D("1"), D("1"))
    lines, _, _ = read(render_attestation(data))
    assert "Nom : Mme Lucja WALESA" in lines


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "0,00 EUR"),
        ("7.5", "7,50 EUR"),
        ("1234.5", "1 234,50 EUR"),
        ("1234567.891", "1 234 567,89 EUR"),
        ("0.005", "0,01 EUR"),
        ("-1234.5", "-1 234,50 EUR"),
    ],
)
def test_euros_french_style(amount: str, text: str) -> None:
    assert euros(Decimal(amount)) == text


def test_dates_and_identifiers() -> None:
    assert jour(date(2026, 1, 5)) == "05/01/2026"
    assert format_nir("1 85 05 75 123 456 78") == "1 85 05 75 123 456 78"
    assert format_siret("81234567800027") == "812 345 678 00027"
    assert format_siren("812345678") == "812 345 678"
    assert printable("Cœur — l’été, 5 €") == "Cœur — l’été, 5 €"
