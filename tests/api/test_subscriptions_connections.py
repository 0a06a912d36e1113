"""Subscriptions and the database pool. A socket lives for hours: a subscription holds
no database connection while it waits. One event wakes every subscription of the
process, and their periodic checks (token still valid) may all fall due then: they take
turns, so forty dashboards do not empty the pool (5 connections, and 10 more at most)
and starve the HTTP requests. Counted in the server itself, by the pool's events."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from domain.nomenclatures import Role
from gateway.app import build_services
from gateway.db import models
from gateway.db.repositories import travailleurs
from gateway.live import streams
from gateway.live.broker import MAX_CONCURRENT_CHECKS
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for
from tests.api.live_server import live_server
from tests.api.processes import Subscriber
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database
from tests.conftest import test_settings as settings_for

LOGINS = 4  # ten subscriptions each: 40, far more than the pool's 15 connections
DASHBOARDS = LOGINS * 10
PAYMENTS = 3
POOL_LIMIT = 5 + 10  # SQLAlchemy's default pool size and overflow
PORTEFEUILLE = "subscription { evenementsPortefeuille(types: [PAIEMENT_ENREGISTRE]) { sequence } }"
PAY = """mutation($id: ID!) {
  recordPaiement(input: {travailleurId: $id, montant: "10.00", datePaiement: "2026-11-20",
                         mode: VIREMENT}) { userErrors { code } }
}"""


@dataclasses.dataclass
class InUse:
    """How many are in use now, and the most at once since ``reset``."""

    now: int = 0
    peak: int = 0

    def enter(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        self.now -= 1

    def reset(self) -> None:
        self.peak = self.now


@contextmanager
def pool_in_use(engine: Any) -> Iterator[InUse]:
    counts = InUse()

    def checkout(*_args: Any) -> None:
        counts.enter()

    def checkin(*_args: Any) -> None:
        counts.leave()

    event.listen(engine.sync_engine, "checkout", checkout)
    event.listen(engine.sync_engine, "checkin", checkin)
    try:
        yield counts
    finally:
        event.remove(engine.sync_engine, "checkout", checkout)
        event.remove(engine.sync_engine, "checkin", checkin)


def counting(calls: InUse, function: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.enter()
        try:
            return await function(*args, **kwargs)
        finally:
            calls.leave()

    return counted


class LaterClock:
    """``time`` for the streams, moved forward at will: every periodic check falls due."""

    def __init__(self) -> None:
        self.shift = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.shift


async def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Poll ``condition`` (a counter in the server: nothing to wait on)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def receive_all(subscriber: Subscriber) -> list[int]:
    got = []
    while len(got) < PAYMENTS:
        message = await subscriber.receive(within=60)
        assert message["type"] == "next", message
        got.append(message["payload"]["data"]["evenementsPortefeuille"]["sequence"])
    return got


async def test_waiting_subscriptions_hold_no_connection_and_their_checks_take_turns(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = LaterClock()
    monkeypatch.setattr(streams, "time", later)
    checks = InUse()  # token checks at once (each reads the user: one connection)
    monkeypatch.setattr(
        travailleurs,
        "active_user_and_worker",
        counting(checks, travailleurs.active_user_and_worker),
    )
    async with api_for(db) as api:
        world = await build_world(api)
        async with api.session() as session:
            cabinet_id = await session.scalar(
                select(models.Utilisateur.cabinet_id).where(
                    models.Utilisateur.identifiant == "admin@alpha.fr"
                )
            )
            for n in range(LOGINS):
                await builders.user(
                    session,
                    identifiant=f"tableau{n}@alpha.fr",
                    role=Role.EXPERT_COMPTABLE,
                    cabinet_id=cabinet_id,
                    administrateur_cabinet=True,
                )
            await session.commit()
        tokens = [await api.login(f"tableau{n}@alpha.fr", PASSWORD) for n in range(LOGINS)]
        agent = await api.login("agent@idf.fr", PASSWORD)
        worker = encode_global_id("Travailleur", world.assigned.id)
        services = build_services(settings_for(db.url))
        async with live_server(services.settings, services) as base:
            ws = base.replace("http://", "ws://") + "/graphql"
            with pool_in_use(services.engine) as pool:
                subscribers = []
                for n in range(DASHBOARDS):
                    subscriber = await Subscriber.open(ws, tokens[n // 10])
                    await subscriber.acknowledged()
                    await subscriber.subscribe(PORTEFEUILLE)
                    subscribers.append(subscriber)
                await until(lambda: services.broker.subscribers == DASHBOARDS)
                # Forty subscriptions waiting: none holds a connection.
                await until(lambda: pool.now == 0)
                # Every check falls due at the next wake-up: the worst case, at each event.
                later.shift = 2 * streams.RECHECK_SECONDS
                pool.reset()
                checks.reset()
                for _ in range(PAYMENTS):
                    body = await api.data(PAY, {"id": worker}, agent)
                    assert body["recordPaiement"]["userErrors"] == []
                received = await asyncio.gather(*(receive_all(s) for s in subscribers))
                for subscriber in subscribers:
                    await subscriber.connection.close()
    assert all(r == received[0] for r in received) and len(received[0]) == PAYMENTS
    # The checks took turns (one more: the payments' own requests, one at a time) …
    assert 1 <= checks.peak <= MAX_CONCURRENT_CHECKS + 1
    # … so the pool never ran dry.
    assert pool.peak < POOL_LIMIT
