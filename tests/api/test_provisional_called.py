"""One "provisional called" for a year (SPEC §4): the account, the declareRevenu
payload and the contributions view agree, a radiation year included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.seed.demo import seed_demo
from tests.api.client import Api, api_for
from tests.builders import password_hash
from tests.conftest import Database

AGENT = ("agent@caisse-demo.fr", "demo-agent-2026")
VIEW = """query($id: ID!, $annee: Int!) { node(id: $id) { ... on TravailleurClassique {
  situation dateFinActivite
  cotisations(annee: $annee) {
    annee totalProvisionnel totalDefinitif regularisation
    provisionnelles { montant }
    ecarts { code provisionnel definitif regularisation }
  }
  echeances(first: 100) { nodes { annee nature dateEcheance montant } }
} } }"""
DECLARE = """mutation($i: DeclareRevenuInput!) {
  declareRevenu(input: $i) { regularisation userErrors { field code message } }
}"""


async def _seeded(api: Api, today: date) -> None:
    async with api.session() as session:
        await seed_demo(session, today, password_hash)
        await session.commit()


async def _worker_id(api: Api, **where: str) -> str:
    async with api.session() as session:
        ident = await session.scalar(
            select(models.Travailleur.id).filter_by(**where).order_by(models.Travailleur.id)
        )
    assert ident is not None, where
    return encode_global_id("Travailleur", ident)


async def _view(api: Api, token: str, gid: str, annee: int) -> dict[str, Any]:
    node: dict[str, Any] = (await api.data(VIEW, {"id": gid, "annee": annee}, token))["node"]
    return node


def _check_lines_add_up(cotisation: dict[str, Any]) -> None:
    """Per line, the called parts add up to the year's called and the régularisations to
    the year's régularisation."""
    ecarts = cotisation["ecarts"]
    assert sum(Decimal(e["provisionnel"]) for e in ecarts) == Decimal(
        cotisation["totalProvisionnel"]
    )
    assert sum(Decimal(e["regularisation"]) for e in ecarts) == Decimal(
        cotisation["regularisation"]
    )


async def test_a_radiation_year_shows_what_was_really_called(db: Database) -> None:
    today = date(2026, 12, 1)
    async with api_for(db, today=today) as api:
        await _seeded(api, today)
        token = await api.login(*AGENT)
        gid = await _worker_id(api, nir="274063155575055")
        node = await _view(api, token, gid, 2025)
    assert (node["situation"], node["dateFinActivite"]) == ("RADIE", "2025-09-18")
    [cotisation] = node["cotisations"]
    # The lines are the whole year's; only the instalments due by 18 September were called.
    assert sum(Decimal(line["montant"]) for line in cotisation["provisionnelles"]) == Decimal(
        "45909"
    )
    assert (
        cotisation["totalProvisionnel"],
        cotisation["totalDefinitif"],
        cotisation["regularisation"],
    ) == ("29833.32", "34251.00", "4417.68")
    _check_lines_add_up(cotisation)
    # The account holds that régularisation: two quarterly instalments of 2 208.84.
    regularisation = [
        (e["dateEcheance"], e["montant"])
        for e in node["echeances"]["nodes"]
        if e["nature"] == "REGULARISATION" and e["annee"] == 2025
    ]
    assert sum(Decimal(m) for _, m in regularisation) == Decimal("4417.68")
    assert [m for _, m in regularisation] == ["2208.84", "2208.84"]


async def test_the_declaration_payload_and_the_view_give_the_same_regularisation(
    db: Database,
) -> None:
    today = date(2026, 3, 10)
    async with api_for(db, today=today) as api:
        await _seeded(api, today)
        gid = await _worker_id(api, nom="Giraud", prenom="Laura")
        token = await api.login("expert@cabinet-demo.fr", "demo-expert-2026")
        before = await _view(api, token, gid, 2025)
        payload = (
            await api.data(
                DECLARE, {"i": {"travailleurId": gid, "annee": 2025, "montant": "20000"}}, token
            )
        )["declareRevenu"]
        after = await _view(api, token, gid, 2025)
    assert payload == {"regularisation": "-5023.81", "userErrors": []}
    [cotisation] = after["cotisations"]
    assert cotisation["regularisation"] == "-5023.81"
    assert before["cotisations"][0]["totalProvisionnel"] == cotisation["totalProvisionnel"]
    assert Decimal(cotisation["totalDefinitif"]) - Decimal(
        cotisation["totalProvisionnel"]
    ) == Decimal("-5023.81")
    _check_lines_add_up(cotisation)
