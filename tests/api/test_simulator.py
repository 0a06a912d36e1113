"""The public simulator through the API: exact amounts, explanations, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api.client import api_for, error_codes
from tests.conftest import Database

CASES = json.loads((Path(__file__).parents[1] / "reference" / "cotisations-ti.json").read_text())
SIMULATE = """query($input: SimulationInput!) {
  simulateCotisations(input: $input) {
    annee total prorata
    lignes { code libelle montant assiette taux deduction explication
             plancher { type montant } plafond { type montant }
             explicationDetaillee { nature texte } }
    forfaitDebutActivite { total revenuProfessionnel lignes { code montant } }
  }
}"""


@pytest.fixture
async def api(db: Database):
    async with api_for(db) as api:
        yield api


@pytest.mark.parametrize(
    "case", CASES[:6], ids=lambda c: f"{c['annee']}-{c['nature']}-{c['revenu']}"
)
async def test_the_simulator_reproduces_reference_cases_without_login(api, case) -> None:
    variables = {
        "input": {
            "annee": case["annee"],
            "nature": case["nature"].upper(),
            "revenuProfessionnel": str(case["revenu"]),
            "dateCreation": case["dateCreation"],
        }
    }
    data = (await api.data(SIMULATE, variables))["simulateCotisations"]
    assert {line["code"]: line["montant"] for line in data["lignes"]} == {
        code: f"{amount}.00" for code, amount in case["lignes"].items()
    }
    assert data["total"] == f"{case['total']}.00"
    forfait = data["forfaitDebutActivite"]
    assert (forfait and forfait["total"]) == (
        case["forfaitDebutActivite"] and f"{case['forfaitDebutActivite']}.00"
    )


async def test_each_line_explains_its_base_rate_and_floor(api) -> None:
    variables = {"input": {"annee": 2024, "nature": "ARTISANALE", "revenuProfessionnel": "5000"}}
    data = (await api.data(SIMULATE, variables))["simulateCotisations"]
    ij = next(line for line in data["lignes"] if line["code"] == "INDEMNITES_JOURNALIERES")
    # Minimum maladie base: round(46 368 × 40 %) = 18 547.
    assert ij == {
        "code": "INDEMNITES_JOURNALIERES",
        "libelle": "Indemnités journalières",
        "montant": "93.00",
        "assiette": "18547.00",
        "taux": "0.50",
        "deduction": "0.00",
        "explication": "assiette 18 547 € (minimum 40 % du PASS) × 0,5 % = 93 €",
        "plancher": {"type": "MINIMUM_MALADIE", "montant": "18547.00"},
        "plafond": None,
        "explicationDetaillee": [
            {"nature": "ASSIETTE", "texte": "assiette 18 547 € (minimum 40 % du PASS)"},
            {"nature": "TRANCHE", "texte": "× 0,5 %"},
            {"nature": "RESULTAT", "texte": "= 93 €"},
        ],
    }


async def test_a_creation_in_the_year_gives_the_prorata_and_the_forfait(api) -> None:
    variables = {
        "input": {
            "annee": 2025,
            "nature": "COMMERCIALE",
            "revenuProfessionnel": "20000",
            "dateCreation": "2025-03-01",
        }
    }
    data = (await api.data(SIMULATE, variables))["simulateCotisations"]
    assert data["prorata"] == "83.8356"  # 306 days / 365
    assert (
        data["forfaitDebutActivite"]["revenuProfessionnel"] == "7503.00"
    )  # round(round(47 100 × 306/365) × 19 %)
    assert data["forfaitDebutActivite"]["total"] == "3044.00"


async def test_a_creation_before_the_year_gives_no_forfait(api) -> None:
    variables = {
        "input": {
            "annee": 2025,
            "nature": "COMMERCIALE",
            "revenuProfessionnel": "20000",
            "dateCreation": "2019-03-01",
        }
    }
    data = (await api.data(SIMULATE, variables))["simulateCotisations"]
    assert (data["prorata"], data["forfaitDebutActivite"]) == ("100.0000", None)


async def test_the_prorata_is_shown_to_four_decimals_trailing_zeros_included(api) -> None:
    variables = {
        "input": {
            "annee": 2024,
            "nature": "ARTISANALE",
            "revenuProfessionnel": "30000",
            "dateCreation": "2024-01-01",
        }
    }
    data = (await api.data(SIMULATE, variables))["simulateCotisations"]
    assert data["prorata"] == "100.2740"  # 366 days / 365 in a leap year


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"annee": 2030},
            "annee",
            "annee : Aucun barème pour l'année 2030 (années couvertes : 2023 à 2026)",
        ),
        (
            {"annee": 2022},
            "annee",
            "annee : Aucun barème pour l'année 2022 (années couvertes : 2023 à 2026)",
        ),
        (
            {"dateCreation": "2026-01-01"},
            "dateCreation",
            "dateCreation : La date de création (01/01/2026) est postérieure à l'année 2025",
        ),
        (
            {"revenuProfessionnel": "100000001"},
            "revenuProfessionnel",
            "revenuProfessionnel : Revenu professionnel invraisemblable : plus de 100 000 000 € en valeur absolue",
        ),
    ],
)
async def test_bad_simulation_input_is_refused_naming_the_field(
    api, overrides, field, message
) -> None:
    variables = {
        "input": {
            "annee": 2025,
            "nature": "COMMERCIALE",
            "revenuProfessionnel": "30000",
            **overrides,
        }
    }
    body = await api.post(SIMULATE, variables)
    assert body["data"] is None
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": field})
    ]


async def test_a_float_amount_is_refused_as_bad_user_input_naming_the_variable_path(api) -> None:
    body = await api.post(
        SIMULATE,
        {"input": {"annee": 2025, "nature": "COMMERCIALE", "revenuProfessionnel": 30000.5}},
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "$input' has invalid value at .revenuProfessionnel" in body["errors"][0]["message"]
    assert "pas un flottant" in body["errors"][0]["message"]


MICRO = """query($input: SimulationMicroInput!) {
  simulateCotisationsMicro(input: $input) {
    periode dateDebut dateFin dateExigibilite totalCotisations formationProfessionnelle total
    lignes { activite taux cotisations tauxFormationProfessionnelle }
  }
}"""


async def test_the_micro_simulator_uses_the_rate_in_force_on_the_first_day(api) -> None:
    variables = {
        "input": {
            "periode": "2024-T3",
            "nature": "ARTISANALE",
            "montants": [
                {"activite": "BNC", "montant": "10000"},
                {"activite": "BIC_VENTE", "montant": "5000"},
            ],
        }
    }
    data = (await api.data(MICRO, variables))["simulateCotisationsMicro"]
    assert data == {
        "periode": "2024-T3",
        "dateDebut": "2024-07-01",
        "dateFin": "2024-09-30",
        "dateExigibilite": "2024-10-31",
        "totalCotisations": "2925.00",
        "formationProfessionnelle": "35.00",  # 5 000 × 0.3 % + 10 000 × 0.2 %
        "total": "2960.00",
        "lignes": [
            {
                "activite": "BIC_VENTE",
                "taux": "12.30",
                "cotisations": "615.00",
                "tauxFormationProfessionnelle": "0.30",
            },
            {
                "activite": "BNC",
                "taux": "23.10",
                "cotisations": "2310.00",
                "tauxFormationProfessionnelle": "0.20",
            },
        ],
    }


@pytest.mark.parametrize(
    ("periode", "montants", "field"),
    [
        ("2024-13", [], "periode"),
        ("2031-01", [], "periode"),
        ("2025-01", [{"activite": "BNC", "montant": "-5"}], "montants"),
        (
            "2025-01",
            [{"activite": "BNC", "montant": "5"}, {"activite": "BNC", "montant": "6"}],
            "montants",
        ),
    ],
)
async def test_bad_micro_input_is_refused_naming_the_field(api, periode, montants, field) -> None:
    body = await api.post(
        MICRO, {"input": {"periode": periode, "nature": "COMMERCIALE", "montants": montants}}
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert body["errors"][0]["message"].startswith(f"{field} : ")
