"""The engine reproduces every reference case of the official simulator (SPEC §3).

``tests/reference/cotisations-ti.json`` was computed with modele-social 10.0.1
(see /work/shared/reference/README.md): every line, the total, and the
creation-year forfait total must match to the euro.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain.cotisations import (
    CotisationCode,
    NatureActivite,
    compute_cotisations,
    compute_forfait_debut_activite,
)

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "reference" / "cotisations-ti.json").read_text("utf-8")
)


def _case_id(case: dict[str, Any]) -> str:
    creation = f"-cree-{case['dateCreation']}" if case["dateCreation"] else ""
    return f"{case['annee']}-{case['nature']}-{case['revenu']}{creation}"


def _creation(case: dict[str, Any]) -> date | None:
    return date.fromisoformat(case["dateCreation"]) if case["dateCreation"] else None


def test_the_reference_file_holds_the_sixty_published_cases() -> None:
    assert len(CASES) == 60
    assert len({_case_id(case) for case in CASES}) == 60


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_line_and_the_total_match_the_official_simulator(case: dict[str, Any]) -> None:
    resultat = compute_cotisations(
        case["annee"],
        NatureActivite(case["nature"].upper()),
        Decimal(case["revenu"]),
        _creation(case),
    )

    attendu = {CotisationCode(code): Decimal(montant) for code, montant in case["lignes"].items()}
    assert resultat.montants() == attendu
    assert [ligne.code for ligne in resultat.lignes] == list(CotisationCode)
    assert resultat.total == Decimal(case["total"])


@pytest.mark.parametrize(
    "case", [case for case in CASES if case["forfaitDebutActivite"] is not None], ids=_case_id
)
def test_the_creation_year_forfait_matches_the_official_simulator(case: dict[str, Any]) -> None:
    creation = _creation(case)
    assert creation is not None

    forfait = compute_forfait_debut_activite(
        case["annee"], NatureActivite(case["nature"].upper()), creation
    )

    assert forfait.total == Decimal(case["forfaitDebutActivite"])
    assert forfait.forfait is True


def test_cases_without_a_creation_in_the_year_have_no_forfait() -> None:
    for case in CASES:
        creation = _creation(case)
        cree_dans_l_annee = creation is not None and creation.year == case["annee"]
        assert (case["forfaitDebutActivite"] is not None) == cree_dans_l_annee, _case_id(case)
