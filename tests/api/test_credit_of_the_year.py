"""The credit of a year is state, not a history (SPEC §4 "Schedule"): each
recomputation of the year replaces it, a higher later amount removes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gateway.seed.demo import seed_demo
from gateway.seed.demo_identites import MOT_DE_PASSE_TRAVAILLEUR, NIR_ARTISAN
from tests.api.client import Api, api_for
from tests.builders import password_hash
from tests.conftest import Database

DEMO_DAY = date(2026, 11, 23)
ESTIMATE = """mutation($i: EstimateRevenueInput!) {
  estimateRevenue(input: $i) { totalCotisations credit userErrors { code message } }
}"""
ACCOUNT = """{ me { travailleur { id
  compte { solde montantEnRetard }
  paiements(first: 100) { totalCount nodes { datePaiement montant mode reference } }
  ... on TravailleurClassique {
    revenus { annee montant nature }
    echeances(first: 100) { nodes { annee nature dateEcheance montant montantPaye statut } }
  }
} } }"""


async def _account(api: Api, token: str) -> dict[str, Any]:
    travailleur: dict[str, Any] = (await api.data(ACCOUNT, None, token))["me"]["travailleur"]
    return travailleur


async def _estimate(api: Api, token: str, travailleur_id: str, montant: str) -> dict[str, Any]:
    data = await api.data(
        ESTIMATE,
        {
            "i": {
                "travailleurId": travailleur_id,
                "annee": 2026,
                "montant": montant,
                "courriel": "artisan@example.fr",
                "jaiEteInforme": True,
            }
        },
        token,
    )
    payload: dict[str, Any] = data["estimateRevenue"]
    assert payload["userErrors"] == []
    return payload


async def test_lowering_twice_then_back_to_the_declared_income_leaves_no_phantom_credit(
    db: Database,
) -> None:
    async with api_for(db, today=DEMO_DAY) as api:
        async with api.session() as session:
            await seed_demo(session, DEMO_DAY, password_hash)
            await session.commit()
        token = await api.login(NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
        before = await _account(api, token)
        declared_2025 = next(
            r["montant"]
            for r in before["revenus"]
            if r["annee"] == 2025 and r["nature"] == "DECLARE"
        )
        first = await _estimate(api, token, before["id"], "0")
        second = await _estimate(api, token, before["id"], "0")
        low = await _account(api, token)
        back = await _estimate(api, token, before["id"], declared_2025)
        after = await _account(api, token)
    # All of 2026 is due within 15 days of 23 November: every instalment is fixed, so
    # at 0 € the credit is Σ fixed − minimum contributions = 18 891 − 1 377.
    assert (first["totalCotisations"], first["credit"]) == ("1377.00", "17514.00")
    assert (second["totalCotisations"], second["credit"]) == ("1377.00", "17514.00")
    assert _credits(low) == [("2026-11-23", "17514.00", "Crédit recalcul 2026")]
    assert _left_to_pay(before) == Decimal("1789.67")
    assert _left_to_pay(low) == Decimal("0.00")
    # Back to the declared income: the credit is gone, the account is as before.
    assert (back["totalCotisations"], back["credit"]) == ("18891.00", "0.00")
    assert _credits(after) == []
    assert after["paiements"] == before["paiements"]
    assert after["echeances"] == before["echeances"]
    assert _left_to_pay(after) == Decimal("1789.67")
    assert after["compte"] == before["compte"]


def _credits(account: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (p["datePaiement"], p["montant"], p["reference"])
        for p in account["paiements"]["nodes"]
        if p["mode"] == "CREDIT" and p["reference"].startswith("Crédit recalcul")
    ]


def _left_to_pay(account: dict[str, Any]) -> Decimal:
    return sum(
        (Decimal(e["montant"]) - Decimal(e["montantPaye"]) for e in account["echeances"]["nodes"]),
        Decimal(0),
    )
