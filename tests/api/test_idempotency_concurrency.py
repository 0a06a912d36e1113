"""Twenty concurrent retries with one idempotencyKey: the action runs once and every
caller gets its first result (the key is claimed inside the mutation's transaction)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import Role
from gateway.db import models
from gateway.db.models_access import ClientOAuth
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import Api, api_for
from tests.api.test_access_support import CREATE_CLIENT
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database

TODAY = date(2026, 6, 10)
CALLERS = 20
ESTIMATE = """mutation($i: EstimateRevenueInput!) { estimateRevenue(input: $i) {
  totalCotisations credit avisAppel { id } echeancier { dateEcheance montant }
  userErrors { code message }
} }"""
PAY = """mutation($i: RecordPaiementInput!) { recordPaiement(input: $i) {
  paiement { id montant datePaiement reference } userErrors { code message }
} }"""


async def all_at_once(
    api: Api, query: str, variables: dict[str, Any], token: str
) -> list[dict[str, Any]]:
    return await asyncio.gather(*(api.data(query, variables, token) for _ in range(CALLERS)))


async def count(api: Api, model: Any, *criteria: Any) -> int:
    async with api.session() as session:
        found: int = await session.scalar(select(func.count()).select_from(model).where(*criteria))
        return found


@pytest.fixture
async def account(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session, caisse_id=caisse.id, today=TODAY, revenus_declares={2025: Decimal("43000")}
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        yield api, worker


async def test_concurrent_estimates_with_one_key_run_once_and_all_get_the_first_result(
    account,
) -> None:
    api, worker = account
    token = await api.login(worker.nir, "secret-travailleur")
    variables = {
        "i": {
            "travailleurId": encode_global_id("Travailleur", worker.id),
            "annee": 2026,
            "montant": "52000",
            "courriel": "a@b.fr",
            "jaiEteInforme": True,
            "idempotencyKey": "estimation-2026-a",
        }
    }
    results = [r["estimateRevenue"] for r in await all_at_once(api, ESTIMATE, variables, token)]
    first = results[0]
    assert first["userErrors"] == [] and first["avisAppel"] is not None
    assert results == [first] * CALLERS
    assert await count(api, models.AvisAppel) == 1
    assert await count(api, models.EvenementAudit, models.EvenementAudit.operation == "estimateRevenue") == 1  # fmt: skip
    assert await count(api, models.Idempotence) == 1


async def test_concurrent_payments_with_one_key_are_recorded_once(account) -> None:
    api, worker = account
    agent = await api.login("agent@caisse.fr", "secret-utilisateur")
    variables = {
        "i": {
            "travailleurId": encode_global_id("Travailleur", worker.id),
            "montant": "250.00",
            "datePaiement": "2026-06-09",
            "mode": "VIREMENT",
            "reference": "VIR-RETRY",
            "idempotencyKey": "virement-retry",
        }
    }
    results = [r["recordPaiement"] for r in await all_at_once(api, PAY, variables, agent)]
    first = results[0]
    assert first["userErrors"] == []
    assert first["paiement"]["montant"] == "250.00"
    assert results == [first] * CALLERS
    assert await count(api, models.Paiement, models.Paiement.reference == "VIR-RETRY") == 1
    assert await count(api, models.EvenementAudit, models.EvenementAudit.operation == "recordPaiement") == 1  # fmt: skip


async def test_concurrent_client_registrations_with_one_key_create_one_client(db: Database) -> None:
    async with api_for(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        variables = {"nom": "Logiciel Compta", "scopes": ["READ"], "key": "client-compta"}
        results = [
            r["createOAuthClient"] for r in await all_at_once(api, CREATE_CLIENT, variables, admin)
        ]
        clients = {r["client"]["clientId"] for r in results}
        # The secret is shown once: to the caller whose registration ran.
        secrets = [r["clientSecret"] for r in results if r["clientSecret"] is not None]
        assert all(r["userErrors"] == [] for r in results)
        assert len(clients) == 1 and len(secrets) == 1
        assert await count(api, ClientOAuth) == 1
