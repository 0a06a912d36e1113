"""Subscriptions through a real server and a real WebSocket client (both databases):
who receives which event, the refusals, and when the connection is closed."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.schema.relay import encode_global_id
from tests.api.client import Api, api_for
from tests.api.live_server import live_server
from tests.api.processes import Subscriber
from tests.api.test_access_support import client_token, register_client
from tests.api.world import PASSWORD, WORKER_PASSWORD, World, build_world
from tests.conftest import Database
from tests.conftest import test_settings as settings_for

COMPTE = """subscription($id: ID!) {
  evenementsCompte(travailleurId: $id) { sequence type travailleurId travailleur { nom } }
}"""
PORTEFEUILLE = """subscription {
  evenementsPortefeuille { sequence type travailleurId travailleur { nom } }
}"""
PAY = """mutation($id: ID!, $m: Decimal!) {
  recordPaiement(input: {travailleurId: $id, montant: $m, datePaiement: "2026-11-20",
                         mode: VIREMENT}) { userErrors { field code message } }
}"""
REVOKE = """mutation($id: ID!) {
  revokeMandat(input: {mandatId: $id}) { userErrors { code message } }
}"""
MANDATS = "{ me { travailleur { mandats { id statut } } } }"


@dataclasses.dataclass
class Setting:
    api: Api
    world: World
    ws: str
    base: str

    async def token(self, identifiant: str, password: str = PASSWORD) -> str:
        return await self.api.login(identifiant, password)

    async def subscriber(self, token: str | None) -> Subscriber:
        subscriber = await Subscriber.open(self.ws, token)
        await subscriber.acknowledged()
        return subscriber

    async def pay(self, worker: Any, amount: str = "100.00") -> None:
        agent = await self.token("agent@idf.fr")
        data = await self.api.data(PAY, {"id": gid(worker), "m": amount}, agent)
        assert data["recordPaiement"]["userErrors"] == []


def gid(worker: Any) -> str:
    return encode_global_id("Travailleur", worker.id)


async def _serve(db: Database, **settings: Any) -> AsyncIterator[Setting]:
    async with api_for(db) as api:
        world = await build_world(api)
        server_settings = dataclasses.replace(settings_for(db.url), **settings)
        async with live_server(server_settings) as base:
            yield Setting(api, world, base.replace("http://", "ws://") + "/graphql", base)


@pytest.fixture
async def setting(db: Database) -> AsyncIterator[Setting]:
    async for value in _serve(db):
        yield value


async def received(subscriber: Subscriber, quiet: float = 0.8) -> list[tuple[str, str | None]]:
    """(type, worker's name or None) of each event until ``quiet`` seconds pass without one."""
    events = []
    while True:
        try:
            message = await subscriber.receive(within=quiet)
        except TimeoutError:
            return events
        assert message["type"] == "next", message
        event = message["payload"]["data"]
        event = event.get("evenementsCompte") or event.get("evenementsPortefeuille")
        worker = event["travailleur"]
        events.append((event["type"], worker["nom"] if worker else None))


async def test_a_worker_receives_the_event_of_a_payment_within_a_second(setting: Setting) -> None:
    worker = setting.world.assigned
    token = await setting.token(worker.nir, WORKER_PASSWORD)
    subscriber = await setting.subscriber(token)
    await subscriber.subscribe(COMPTE, {"id": gid(worker)})
    await asyncio.sleep(0.3)  # the subscription reads its starting point
    agent = await setting.token("agent@idf.fr")
    data = await setting.api.data(PAY, {"id": gid(worker), "m": "100.00"}, agent)
    assert data["recordPaiement"]["userErrors"] == []
    committed = time.monotonic()
    message = await subscriber.receive(within=1)
    assert time.monotonic() - committed < 1
    event = message["payload"]["data"]["evenementsCompte"]
    assert event["type"] == "PAIEMENT_ENREGISTRE"
    assert event["travailleurId"] == gid(worker)
    assert event["travailleur"] == {"nom": "Bernard"}
    await subscriber.close()


async def test_every_caller_kind_receives_the_events_it_may_see_and_no_other(
    setting: Setting,
) -> None:
    world = setting.world
    admin = await setting.token("admin@alpha.fr")
    client_id, secret = await register_client(setting.api, admin, ["read"])
    streams = {
        "admin alpha": (admin, PORTEFEUILLE, None),
        "collab alpha": (await setting.token("collab@alpha.fr"), PORTEFEUILLE, None),
        "admin beta": (await setting.token("admin@beta.fr"), PORTEFEUILLE, None),
        "client OAuth alpha": (
            await client_token(setting.api, client_id, secret),
            PORTEFEUILLE,
            None,
        ),
        "travailleur": (
            await setting.token(world.assigned.nir, WORKER_PASSWORD),
            COMPTE,
            {"id": gid(world.assigned)},
        ),
        "agent": (await setting.token("agent@idf.fr"), COMPTE, {"id": gid(world.assigned)}),
    }
    subscribers = {}
    for name, (token, query, variables) in streams.items():
        subscribers[name] = await setting.subscriber(token)
        await subscribers[name].subscribe(query, variables)
    await asyncio.sleep(0.3)
    await setting.pay(world.unassigned)
    await setting.pay(world.unmandated)
    await setting.pay(world.assigned)
    got = {name: await received(s) for name, s in subscribers.items()}
    payment = "PAIEMENT_ENREGISTRE"
    assert got == {
        "admin alpha": [(payment, "Dubois"), (payment, "Bernard")],
        "collab alpha": [(payment, "Bernard")],
        "admin beta": [],
        "client OAuth alpha": [(payment, "Dubois"), (payment, "Bernard")],
        "travailleur": [(payment, "Bernard")],
        "agent": [(payment, "Bernard")],
    }
    for subscriber in subscribers.values():
        await subscriber.close()


async def first_error(subscriber: Subscriber, query: str, variables: Any = None) -> dict[str, Any]:
    await subscriber.subscribe(query, variables)
    message = await subscriber.receive()
    assert message["type"] in {"error", "next"}, message
    if message["type"] == "error":
        errors = message["payload"]
    else:  # the operation's one result, then its end
        errors = message["payload"]["errors"]
        assert await subscriber.receive() == {"id": message["id"], "type": "complete"}
    error: dict[str, Any] = errors[0]
    return error


async def test_a_subscription_to_what_one_may_not_see_is_refused(setting: Setting) -> None:
    world = setting.world
    worker = await setting.subscriber(await setting.token(world.assigned.nir, WORKER_PASSWORD))
    for other in (world.unassigned, world.revoked):
        error = await first_error(worker, COMPTE, {"id": gid(other)})
        assert (error["extensions"]["code"], error["message"]) == (
            "NOT_FOUND",
            "Travailleur introuvable.",
        )
    error = await first_error(worker, COMPTE, {"id": "pas-un-identifiant"})
    assert error["extensions"]["code"] == "NOT_FOUND"
    error = await first_error(worker, PORTEFEUILLE)
    assert error["extensions"]["code"] == "FORBIDDEN"
    agent = await setting.subscriber(await setting.token("agent@idf.fr"))
    error = await first_error(agent, COMPTE, {"id": gid(world.revoked)})  # another caisse
    assert error["extensions"]["code"] == "NOT_FOUND"
    admin = await setting.token("admin@alpha.fr")
    client_id, secret = await register_client(setting.api, admin, ["revenus:write"])
    client = await setting.subscriber(await client_token(setting.api, client_id, secret))
    error = await first_error(client, PORTEFEUILLE)
    assert (error["extensions"]["code"], error["extensions"]["scope"]) == ("FORBIDDEN", "read")
    for subscriber in (worker, agent, client):
        await subscriber.close()


async def test_a_missing_or_bad_token_closes_the_connection_before_any_operation(
    setting: Setting,
) -> None:
    for payload, reason in (
        ({}, "Jeton requis"),
        ({"Authorization": "Bearer pas-un-jeton"}, "Jeton invalide : reconnectez-vous."),
        ({"Authorization": "Basic abc"}, "Jeton invalide : reconnectez-vous."),
    ):
        subscriber = await Subscriber.open(setting.ws, None, payload)
        code, text = await subscriber.closed()
        assert code == 4401
        assert text.startswith(reason)


async def test_a_revoked_mandate_closes_the_accountants_channel_and_stops_the_flow(
    setting: Setting,
) -> None:
    world = setting.world
    admin = await setting.token("admin@alpha.fr")
    compte = await setting.subscriber(admin)
    await compte.subscribe(COMPTE, {"id": gid(world.assigned)})
    portefeuille = await setting.subscriber(admin)
    await portefeuille.subscribe(PORTEFEUILLE)
    await asyncio.sleep(0.3)
    worker = await setting.token(world.assigned.nir, WORKER_PASSWORD)
    mandats = (await setting.api.data(MANDATS, token=worker))["me"]["travailleur"]["mandats"]
    (mandat,) = [m for m in mandats if m["statut"] == "ACTIF"]
    data = await setting.api.data(REVOKE, {"id": mandat["id"]}, worker)
    assert data["revokeMandat"]["userErrors"] == []
    code, reason = await compte.closed(within=3)
    assert (code, reason) == (
        4403,
        "Ce travailleur n'est plus visible (mandat révoqué) : abonnement fermé.",
    )
    # The dashboard learns it lost the client (ids only), then hears no more of them.
    assert await received(portefeuille) == [("MANDAT_REVOQUE", None)]
    await setting.pay(world.assigned)
    await setting.pay(world.unassigned)
    assert await received(portefeuille) == [("PAIEMENT_ENREGISTRE", "Dubois")]
    await portefeuille.close()


async def test_an_expired_token_closes_the_connection(db: Database) -> None:
    async for setting in _serve(db, access_token_ttl_seconds=2):
        # The short-lived token is issued by the server under test.
        async with httpx.AsyncClient(base_url=setting.base) as http:
            response = await http.post(
                "/graphql",
                json={
                    "query": 'mutation { login(input: {identifiant: "admin@alpha.fr", '
                    f'motDePasse: "{PASSWORD}"}}) {{ accessToken }} }}'
                },
            )
        token = response.json()["data"]["login"]["accessToken"]
        subscriber = await setting.subscriber(token)
        await subscriber.subscribe(PORTEFEUILLE)
        started = time.monotonic()
        code, reason = await subscriber.closed(within=5)
        assert code == 4401
        assert reason.startswith("Jeton expiré")
        assert time.monotonic() - started < 3.5


async def test_one_login_holds_at_most_ten_subscriptions_at_once(setting: Setting) -> None:
    admin = await setting.token("admin@alpha.fr")
    first = await setting.subscriber(admin)
    for _ in range(6):
        await first.subscribe(PORTEFEUILLE)
    second = await setting.subscriber(admin)
    for _ in range(4):
        await second.subscribe(PORTEFEUILLE)
    await asyncio.sleep(0.3)
    error = await first_error(second, PORTEFEUILLE)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("Trop d'abonnements simultanés : au plus 10")
    # Another login is not counted with it.
    other = await setting.subscriber(await setting.token("collab@alpha.fr"))
    await other.subscribe(PORTEFEUILLE)
    await setting.pay(setting.world.assigned)
    assert await received(other) == [("PAIEMENT_ENREGISTRE", "Bernard")]
    assert len(await received(second)) == 4
    # Closing a connection gives its subscriptions back.
    await first.close()
    await asyncio.sleep(0.3)
    await second.subscribe(PORTEFEUILLE)
    await setting.pay(setting.world.assigned)
    assert len(await received(second)) == 5
    await second.close()
    await other.close()


async def test_queries_run_over_the_socket_with_their_own_session_and_mutations_are_refused(
    setting: Setting,
) -> None:
    worker = setting.world.assigned
    subscriber = await setting.subscriber(await setting.token(worker.nir, WORKER_PASSWORD))
    await subscriber.subscribe(COMPTE, {"id": gid(worker)})
    await asyncio.sleep(0.3)
    # A query beside the open subscription, on the same connection.
    op = await subscriber.subscribe("{ me { role travailleur { nom } } }")
    message = await subscriber.receive()
    assert (message["id"], message["type"]) == (op, "next")
    assert message["payload"]["data"] == {
        "me": {"role": "TRAVAILLEUR", "travailleur": {"nom": "Bernard"}}
    }
    assert await subscriber.receive() == {"id": op, "type": "complete"}
    error = await first_error(
        subscriber,
        'mutation { login(input: {identifiant: "x", motDePasse: "y"}) { accessToken } }',
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("Les mutations passent par HTTP (POST /graphql)")
    await subscriber.close()


async def test_a_subscription_resumes_after_a_cursor_then_follows_live(setting: Setting) -> None:
    worker = setting.world.assigned
    token = await setting.token(worker.nir, WORKER_PASSWORD)
    await setting.pay(worker, "10.00")
    feed = await setting.api.data(
        "{ evenements(first: 500) { nodes { sequence } pageInfo { endCursor } } }", token=token
    )
    cursor = feed["evenements"]["pageInfo"]["endCursor"]
    await setting.pay(worker, "20.00")  # after the cursor, before subscribing
    subscriber = await setting.subscriber(token)
    await subscriber.subscribe(
        """subscription($id: ID!, $d: String) {
             evenementsCompte(travailleurId: $id, depuis: $d) {
               type travailleur { nom } donnees { montant } } }""",
        {"id": gid(worker), "d": cursor},
    )
    first = await subscriber.receive()
    assert first["payload"]["data"]["evenementsCompte"]["donnees"]["montant"] == "20.00"
    await setting.pay(worker, "30.00")
    second = await subscriber.receive(within=1)
    assert second["payload"]["data"]["evenementsCompte"]["donnees"]["montant"] == "30.00"
    with pytest.raises(TimeoutError):
        await subscriber.receive(within=0.5)
    await subscriber.close()
