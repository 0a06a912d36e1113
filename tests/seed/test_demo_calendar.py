"""The demo under the declaration calendar (SPEC §4): in March an undeclared 2025 is not
missing, and a worker in taxation d'office leaves it by declaring late."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from gateway.db.engine import create_engine
from gateway.seed.demo import SCENARIOS_DEMO, seed_demo_command
from gateway.seed.portfolio import Scenario
from tests.api.client import Api, api_for
from tests.conftest import Database
from tests.seed.test_demo import _create_tables, settings_for

EXPERT = ("expert@cabinet-demo.fr", "demo-expert-2026")
DUBOIS_ROMAIN = "159065935073244"  # taxation d'office: nothing declared after 2023
PORTFOLIO = """{ portfolio(first: 100) {
  edges { node { id nir ... on TravailleurClassique { taxationDOffice } }
    indicateurs { declarationsManquantes } }
  resume { nombreClients clientsDeclarationsManquantes } } }"""
DECLARE = """mutation($input: DeclareRevenuInput!) { declareRevenu(input: $input) {
  userErrors { field code } } }"""


@asynccontextmanager
async def demo_at(tmp_path: Path, day: date) -> AsyncIterator[Api]:
    """The demo seeded on ``day``, served by an API whose clock says ``day``."""
    settings = replace(settings_for(tmp_path / "demo.sqlite3"), today=day)
    await _create_tables(settings.database_url)
    await seed_demo_command(settings, only_if_empty=True)
    database = Database("sqlite", settings.database_url, create_engine(settings.database_url))
    try:
        async with api_for(database, today=day) as api:
            yield api
    finally:
        await database.engine.dispose()


async def portfolio(api: Api) -> dict:
    token = await api.login(*EXPERT)
    return (await api.data(PORTFOLIO, {}, token))["portfolio"]


async def test_in_march_only_the_clients_in_taxation_d_office_miss_a_declaration(
    tmp_path: Path,
) -> None:
    async with demo_at(tmp_path, date(2026, 3, 10)) as api:
        data = await portfolio(api)
    taxes = dict(SCENARIOS_DEMO)[Scenario.TAXATION_OFFICE]
    assert data["resume"] == {"nombreClients": 52, "clientsDeclarationsManquantes": taxes}
    manquantes = {
        e["node"]["nir"] for e in data["edges"] if e["indicateurs"]["declarationsManquantes"]
    }
    en_taxation = {e["node"]["nir"] for e in data["edges"] if e["node"].get("taxationDOffice")}
    assert manquantes == en_taxation and DUBOIS_ROMAIN in manquantes


async def test_dubois_romain_leaves_taxation_d_office_by_declaring_2024_and_2025_late(
    tmp_path: Path,
) -> None:
    async with demo_at(tmp_path, date(2026, 12, 1)) as api:
        before = {e["node"]["nir"]: e for e in (await portfolio(api))["edges"]}[DUBOIS_ROMAIN]
        assert (before["node"]["taxationDOffice"], before["indicateurs"]) == (
            True,
            {"declarationsManquantes": True},
        )
        token = await api.login(*EXPERT)
        for annee, montant in ((2024, "31500"), (2025, "33800")):
            variables = {
                "input": {"travailleurId": before["node"]["id"], "annee": annee, "montant": montant}
            }
            body = await api.data(DECLARE, variables, token)
            assert body["declareRevenu"]["userErrors"] == [], annee
        after = {e["node"]["nir"]: e for e in (await portfolio(api))["edges"]}[DUBOIS_ROMAIN]
        assert (after["node"]["taxationDOffice"], after["indicateurs"]) == (
            False,
            {"declarationsManquantes": False},
        )
