"""Through a real server: its delivery loop sends signed events to a real receiver,
which is down for a while, then gets every event once, in order per worker, even with
a second sender (``gateway webhooks deliver``'s code) running at the same time."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx

from gateway.clock import Clock
from gateway.db.engine import create_engine, session_factory
from gateway.events.delivery import deliver_due, options_for
from gateway.schema.relay import encode_global_id
from tests.api.live_server import live_server
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database
from tests.conftest import test_settings as settings_for
from tests.events.receiver import Receiver
from tests.events.support import CREATE, DELIVERIES, webhook_api

PAY = """mutation($id: ID!, $m: Decimal!) {
  recordPaiement(input: {travailleurId: $id, montant: $m, datePaiement: "2026-11-20",
                         mode: VIREMENT}) { userErrors { code } }
}"""


async def gql(http: httpx.AsyncClient, query: str, variables: dict, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def login(http: httpx.AsyncClient, identifiant: str) -> str:
    data = await gql(
        http,
        """mutation($i: String!, $m: String!) { login(input: {identifiant: $i, motDePasse: $m})
           { accessToken } }""",
        {"i": identifiant, "m": PASSWORD},
    )
    return str(data["login"]["accessToken"])


async def test_a_down_receiver_gets_every_event_once_in_order_from_the_server(db: Database):
    async with webhook_api(db) as api:
        world = await build_world(api)
    settings = dataclasses.replace(
        settings_for(db.url),
        environment="development",
        webhooks_allow_private=True,
        webhooks_first_retry_seconds=0.2,
    )
    receiver = Receiver()
    await receiver.start()
    async with live_server(settings) as base, httpx.AsyncClient(base_url=base) as http:
        admin, agent = await login(http, "admin@alpha.fr"), await login(http, "agent@idf.fr")
        created = (await gql(http, CREATE, {"url": receiver.url}, admin))["createWebhookEndpoint"]
        assert created["userErrors"] == []
        receiver.secret = created["secret"]
        await receiver.stop()  # down
        workers = {
            encode_global_id("Travailleur", w.id): w for w in (world.assigned, world.unassigned)
        }
        for i in range(4):
            for gid in workers:
                body = await gql(http, PAY, {"id": gid, "m": f"{i + 1}.00"}, agent)
                assert body["recordPaiement"]["userErrors"] == []
        async with asyncio.timeout(20):
            while True:  # the server's loop tries while the receiver is down
                log = (await gql(http, DELIVERIES, {"e": None}, admin))["webhookDeliveries"]
                if sum(n["tentatives"] for n in log["nodes"]) >= 4:
                    break
                await asyncio.sleep(0.1)
        assert {n["statut"] for n in log["nodes"]} == {"A_LIVRER"}
        assert {n["dernierCode"] for n in log["nodes"] if n["tentatives"]} == {None}
        await receiver.start()  # back up, and a second sender joins the server's loop
        engine = create_engine(db.url)
        try:
            sessions = session_factory(engine)
            async with httpx.AsyncClient(timeout=5) as client, asyncio.timeout(30):
                while len(receiver.received) < 8:
                    await deliver_due(sessions, Clock(), client, options_for(settings))
                    await asyncio.sleep(0.05)
        finally:
            await engine.dispose()
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
        log = (await gql(http, DELIVERIES, {"e": None}, admin))["webhookDeliveries"]
    await receiver.stop()
    assert receiver.refused_signatures == 0
    assert len(receiver.ids()) == len(set(receiver.ids())) == 8
    assert {n["statut"] for n in log["nodes"]} == {"LIVREE"}
    for gid in workers:
        montants = [
            r.body["donnees"]["montant"]
            for r in receiver.received
            if r.body["travailleurId"] == gid
        ]
        assert montants == ["1.00", "2.00", "3.00", "4.00"]
