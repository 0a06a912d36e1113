"""The change feed: who sees which events (every caller kind), resuming after a cursor
with no gap or duplicate under concurrent writes, and the commit-ordered numbering
with interleaved transactions on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.nomenclatures import ModePaiement, StatutMandat
from gateway.clock import Clock
from gateway.db import models
from gateway.events.models import Evenement
from gateway.events.writing import begin_capture, end_capture, write_pending
from gateway.schema.relay import encode_global_id
from gateway.services.unit_of_work import write_transaction
from tests.api.client import api_for, error_codes
from tests.api.test_access_support import client_token, register_client
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

FEED = """query($depuis: String, $first: Int!, $types: [TypeEvenement!]) {
  evenements(depuis: $depuis, first: $first, types: $types) {
    nodes { sequence type travailleurId travailleur { id } objetIds }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def pay(api, travailleur_id: int, montant: str = "10.00") -> None:
    """A payment written through a unit of work, as every mutation is."""

    async def work(session):
        session.add(
            models.Paiement(
                travailleur_id=travailleur_id,
                date_paiement=date(2026, 11, 20),
                montant=Decimal(montant),
                mode=ModePaiement.VIREMENT,
                reference="test",
            )
        )

    async with api.session() as session:
        await write_transaction(session, work, clock=Clock.at(date(2026, 11, 23)))


async def set_mandate(api, travailleur_id: int, statut: StatutMandat) -> None:
    async def work(session):
        row = await session.scalar(
            select(models.Mandat).where(models.Mandat.travailleur_id == travailleur_id)
        )
        row.statut = statut

    async with api.session() as session:
        await write_transaction(session, work)


async def feed(api, token, **variables) -> list[dict]:
    variables = {"first": 500} | variables
    return (await api.data(FEED, variables, token))["evenements"]["nodes"]


def workers_of(nodes) -> set[str]:
    return {n["travailleurId"] for n in nodes}


@pytest.fixture
async def world_api(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        for worker in (world.assigned, world.unassigned, world.revoked, world.unmandated):
            await pay(api, worker.id)
        yield api, world


async def test_every_caller_kind_sees_the_events_of_the_workers_it_may_see(world_api):
    api, world = world_api
    gid = {
        key: encode_global_id("Travailleur", getattr(world, key).id)
        for key in ("assigned", "unassigned", "revoked", "unmandated")
    }
    callers = {
        "worker": await api.login(world.assigned.nir, WORKER_PASSWORD),
        "admin": await api.login("admin@alpha.fr", PASSWORD),
        "collaborator": await api.login("collab@alpha.fr", PASSWORD),
        "other cabinet": await api.login("admin@beta.fr", PASSWORD),
        "agent": await api.login("agent@idf.fr", PASSWORD),
    }
    client_id, secret = await register_client(api, callers["admin"], ["read"])
    callers["oauth client"] = await client_token(api, client_id, secret)
    expected = {
        "worker": {gid["assigned"]},
        "admin": {gid["assigned"], gid["unassigned"]},
        "collaborator": {gid["assigned"]},
        "other cabinet": set(),
        "agent": {gid["assigned"], gid["unassigned"], gid["unmandated"]},
        "oauth client": {gid["assigned"], gid["unassigned"]},
    }
    for name, token in callers.items():
        nodes = await feed(api, token)
        assert workers_of(nodes) == expected[name], name
        assert {n["type"] for n in nodes} <= {"PAIEMENT_ENREGISTRE"}, name
    anonymous = await api.post(FEED, {"first": 10})
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    # An OAuth client without the read scope reads nothing.
    no_read, no_read_secret = await register_client(api, callers["admin"], ["revenus:write"])
    refused = await api.post(FEED, {"first": 10}, await client_token(api, no_read, no_read_secret))
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_a_revoked_mandate_stops_the_flow_at_once_but_the_cabinet_learns_of_it(world_api):
    api, world = world_api
    admin = await api.login("admin@alpha.fr", PASSWORD)
    lost = encode_global_id("Travailleur", world.unassigned.id)
    assert lost in workers_of(await feed(api, admin))
    await set_mandate(api, world.unassigned.id, StatutMandat.REVOQUE)
    await pay(api, world.unassigned.id)
    nodes = [n for n in await feed(api, admin) if n["travailleurId"] == lost]
    # Read time decides: even the older payment events are gone; the revocation shows,
    # ids only (the worker itself is no longer visible to the cabinet).
    assert [(n["type"], n["travailleur"]) for n in nodes] == [("MANDAT_REVOQUE", None)]
    other = await api.login("admin@beta.fr", PASSWORD)
    assert await feed(api, other) == []
    # The worker still sees every event of their account, the revocation included.
    async with api.session() as session:
        types = list(
            await session.scalars(
                select(Evenement.type)
                .where(Evenement.travailleur_id == world.unassigned.id)
                .order_by(Evenement.sequence)
            )
        )
    assert types == ["PAIEMENT_ENREGISTRE", "MANDAT_REVOQUE", "PAIEMENT_ENREGISTRE"]


async def test_bad_arguments_are_refused_with_the_field_named(world_api):
    api, _world = world_api
    agent = await api.login("agent@idf.fr", PASSWORD)
    for variables, field in (
        ({"first": 501}, "first"),
        ({"first": -1}, "first"),
        ({"first": 10, "depuis": "pas-un-curseur"}, "depuis"),
        ({"first": 10, "depuis": encode_global_id("offset", 3)}, "depuis"),
    ):
        body = await api.post(FEED, variables, agent)
        assert error_codes(body) == ["BAD_USER_INPUT"], variables
        assert field in body["errors"][0]["message"]


async def test_the_feed_resumes_with_no_gap_or_duplicate_under_concurrent_writes(world_api):
    api, world = world_api
    agent = await api.login("agent@idf.fr", PASSWORD)
    writes = 24
    seen: list[int] = []
    cursor = None

    async def writer() -> None:
        for i in range(writes):
            worker = (world.assigned, world.unassigned, world.unmandated)[i % 3]
            await pay(api, worker.id, f"{i + 1}.00")

    task = asyncio.create_task(writer())
    # 3 events of the fixture visible to the agent, then the writes.
    while len(seen) < 3 + writes:
        page = (await api.data(FEED, {"first": 5, "depuis": cursor}, agent))["evenements"]
        seen += [n["sequence"] for n in page["nodes"]]
        cursor = page["pageInfo"]["endCursor"]
        if not page["nodes"]:
            await asyncio.sleep(0.01)
    await task
    async with api.session() as session:
        revoked_seq = await session.scalar(
            select(Evenement.sequence).where(Evenement.travailleur_id == world.revoked.id)
        )
    everything = [s for s in range(1, 4 + 1 + writes) if s != revoked_seq]
    assert seen == everything
    tail = (await api.data(FEED, {"first": 5, "depuis": cursor}, agent))["evenements"]
    assert tail["nodes"] == [] and tail["pageInfo"] == {"hasNextPage": False, "endCursor": cursor}


async def test_sequences_follow_commit_order_with_interleaved_transactions(db: Database):
    """Two writers interleave: the one that began first commits last. Its events must
    not take a number a reader could pass over."""
    if db.name != "postgresql":
        pytest.skip(
            "interleaved write transactions are PostgreSQL's: SQLite takes its one write "
            "lock at BEGIN, so a second writer cannot start before the first commits"
        )
    async with api_for(db) as api:
        world = await build_world(api)
        first, second, reader = api.session(), api.session(), api.session()
        try:
            # T1 changes an account and stays open, before numbering.
            begin_capture(first, Clock())
            first.add(
                models.Paiement(
                    travailleur_id=world.assigned.id,
                    date_paiement=date(2026, 11, 20),
                    montant=Decimal("1.00"),
                    mode=ModePaiement.VIREMENT,
                    reference="t1",
                )
            )
            await first.flush()
            # T2 changes another account, is numbered and commits first.
            begin_capture(second, Clock())
            second.add(
                models.Paiement(
                    travailleur_id=world.unassigned.id,
                    date_paiement=date(2026, 11, 20),
                    montant=Decimal("2.00"),
                    mode=ModePaiement.VIREMENT,
                    reference="t2",
                )
            )
            assert await write_pending(second) == 1
            # T1 now asks for its number: it waits for T2's commit (the counter's lock).
            numbering = asyncio.create_task(write_pending(first))
            await asyncio.sleep(0.3)
            assert not numbering.done()
            await second.commit()
            assert await asyncio.wait_for(numbering, 10) == 2
            # Between T1's numbering and its commit, a reader sees 1 and not yet 2 ...
            seen = list(await reader.scalars(select(Evenement.sequence).order_by("sequence")))
            assert seen == [1]
            await reader.rollback()
            await first.commit()
            # ... and after it, 2 as well: resuming after 1 misses nothing.
            after = list(
                await reader.scalars(select(Evenement.sequence).where(Evenement.sequence > 1))
            )
            assert after == [2]
        finally:
            end_capture(first)
            end_capture(second)
            for session in (first, second, reader):
                await session.close()


PORTFOLIO_SINCE = """query($since: DateTime) {
  portfolio(first: 50, filtre: {updatedSince: $since}) { totalCount nodes { id } }
}"""


async def test_the_portfolio_filters_the_clients_changed_since_a_time(db: Database) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        everyone = await api.data(PORTFOLIO_SINCE, {"since": None}, admin)
        assert everyone["portfolio"]["totalCount"] > 1
        await pay(api, world.assigned.id)
        feed = await api.data(
            """{ evenements(first: 500) { nodes { type travailleurId horodatage } } }""",
            token=admin,
        )
        [paid] = [n for n in feed["evenements"]["nodes"] if n["type"] == "PAIEMENT_ENREGISTRE"]
        since = await api.data(PORTFOLIO_SINCE, {"since": paid["horodatage"]}, admin)
        assert since["portfolio"] == {
            "totalCount": 1,
            "nodes": [{"id": encode_global_id("Travailleur", world.assigned.id)}],
        }
        later = paid["horodatage"].replace("Z", "").replace("+00:00", "")
        after = datetime.fromisoformat(later) + timedelta(seconds=1)
        none = await api.data(
            PORTFOLIO_SINCE, {"since": after.replace(tzinfo=UTC).isoformat()}, admin
        )
        assert none["portfolio"] == {"totalCount": 0, "nodes": []}
        naive = await api.post(PORTFOLIO_SINCE, {"since": "2026-11-23T10:00:00"}, admin)
        assert naive["data"] is None
        [error] = naive["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "filtre.updatedSince" in error["message"]


CURSEUR = "{ curseurEvenements }"


async def test_the_current_cursor_follows_from_now_with_no_gap(world_api):
    """A page reads ``curseurEvenements`` before its data, then follows from it: what
    is committed after the read is delivered, and nothing before it."""
    api, world = world_api
    admin = await api.login("admin@alpha.fr", PASSWORD)
    now = (await api.data(CURSEUR, {}, admin))["curseurEvenements"]
    assert await feed(api, admin, depuis=now) == []
    await pay(api, world.unassigned.id, "12.00")
    await pay(api, world.revoked.id, "13.00")  # not the cabinet's any more: not seen
    nodes = await feed(api, admin, depuis=now)
    assert [(n["type"], n["travailleurId"]) for n in nodes] == [
        ("PAIEMENT_ENREGISTRE", encode_global_id("Travailleur", world.unassigned.id))
    ]
    # The cursor moved past both events, the invisible one included: nothing follows.
    later = (await api.data(CURSEUR, {}, admin))["curseurEvenements"]
    assert later != now
    assert await feed(api, admin, depuis=later) == []
    assert error_codes(await api.post(CURSEUR, {})) == ["UNAUTHENTICATED"]
