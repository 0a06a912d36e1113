"""Every connection pages by keyset: walking it forward (`first`/`after`) and backward
(`last`/`before`) through the API while items are inserted and removed between pages
gives each item that stayed exactly once, in the list's order; a malformed cursor, or
one of another list, is BAD_USER_INPUT naming `after` or `before`."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select

from domain.nomenclatures import IssueAudit, Role
from gateway import cursors
from gateway.db import models
from gateway.global_ids import encode_global_id
from tests import builders
from tests.api.client import Api, api_for
from tests.api.world import PASSWORD, WORKER_PASSWORD, World, build_world
from tests.conftest import Database

ARGS = "$first: Int, $after: String, $last: Int, $before: String"
PAGE = "first: $first, after: $after, last: $last, before: $before"
INFO = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
_moments = itertools.count()


@dataclass
class Kind:
    """One connection: who reads it, where, and how to add or remove one of its items."""

    name: str
    login: Callable[[Api, World], Awaitable[str]]
    query: str
    path: tuple[str, ...]
    type_name: str
    add: Callable[[Api, World, int], Awaitable[int]]  # an item (its row id) at rank n
    model: type[Any]
    ident: Callable[[dict[str, Any]], str] = lambda node: str(node["id"])


async def as_worker(api: Api, world: World) -> str:
    return await api.login(world.assigned.nir, WORKER_PASSWORD)


async def as_admin(api: Api, _world: World) -> str:
    return await api.login("admin@alpha.fr", PASSWORD)


def worker_list(field: str, fragment: str = "") -> str:
    opening, closing = (f"... on {fragment} {{", "}") if fragment else ("", "")
    return f"""query({ARGS}) {{ me {{ travailleur {{ {opening} {field}({PAGE}) {{
        {INFO} nodes {{ id }} }} {closing} }} }} }}"""


async def add_echeance(api: Api, world: World, n: int, worker: int | None = None) -> int:
    async with api.session() as session:
        row = await builders.echeance(
            session,
            travailleur_id=worker or world.assigned.id,
            date_echeance=date(2026, 9, 1) + timedelta(days=(n * 7) % 120),
            montant=Decimal("10.00"),
        )
        await session.commit()
        return row.id


async def add_paiement(api: Api, world: World, n: int) -> int:
    async with api.session() as session:
        row = await builders.paiement(
            session,
            travailleur_id=world.assigned.id,
            date_paiement=date(2026, 1, 1) + timedelta(days=(n * 5) % 40),
            montant=Decimal("10.00"),
        )
        await session.commit()
        return row.id


async def add_event(api: Api, world: World, n: int, cabinet: bool = False) -> int:
    async with api.session() as session:
        cabinet_id = None
        if cabinet:
            cabinet_id = await session.scalar(
                select(models.Utilisateur.cabinet_id).where(
                    models.Utilisateur.identifiant == "admin@alpha.fr"
                )
            )
        row = models.EvenementAudit(
            # Ties on the time: the id orders them.
            horodatage=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=(n * 3) % 7),
            request_id=f"r{next(_moments)}",
            acteur="test",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet_id,
            travailleur_id=world.assigned.id,
            operation="estimateRevenue",
            issue=IssueAudit.SUCCES,
            detail="{}",
        )
        session.add(row)
        await session.commit()
        return row.id


async def add_cabinet_event(api: Api, world: World, n: int) -> int:
    return await add_event(api, world, n, cabinet=True)


async def add_member(api: Api, _world: World, n: int) -> int:
    async with api.session() as session:
        cabinet_id = await session.scalar(
            select(models.Utilisateur.cabinet_id).where(
                models.Utilisateur.identifiant == "admin@alpha.fr"
            )
        )
        row = await builders.user(
            session,
            identifiant=f"{'abcz'[n % 4]}membre{next(_moments)}@alpha.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet_id,
            administrateur_cabinet=n % 3 == 0,
        )
        await session.commit()
        return row.id


async def add_client(api: Api, world: World, n: int) -> int:
    async with api.session() as session:
        collab, cabinet_id = (
            await session.execute(
                select(models.Utilisateur.id, models.Utilisateur.cabinet_id).where(
                    models.Utilisateur.identifiant == "collab@alpha.fr"
                )
            )
        ).one()
        row = await builders.travailleur(
            session, caisse_id=world.caisse.id, nom=["Aubert", "Bernard", "Zola"][n % 3]
        )
        await builders.mandat(
            session, cabinet_id=cabinet_id, travailleur_id=row.id, assigned_to=collab
        )
        await session.commit()
        return row.id


async def add_calendar_item(api: Api, world: World, n: int) -> int:
    worker = world.assigned.id if n % 2 else world.unassigned.id
    return await add_echeance(api, world, n, worker)


async def remove_client(api: Api, row_id: int) -> None:
    async with api.session() as session:
        await session.execute(
            delete(models.AffectationCollaborateur).where(
                models.AffectationCollaborateur.travailleur_id == row_id
            )
        )
        await session.commit()


KINDS = [
    Kind(
        "echeances",
        as_worker,
        worker_list("echeances", "TravailleurClassique"),
        ("me", "travailleur", "echeances"),
        "Echeance",
        add_echeance,
        models.Echeance,
    ),
    Kind(
        "paiements",
        as_worker,
        worker_list("paiements"),
        ("me", "travailleur", "paiements"),
        "Paiement",
        add_paiement,
        models.Paiement,
    ),
    Kind(
        "journal",
        as_worker,
        worker_list("journal"),
        ("me", "travailleur", "journal"),
        "EvenementAudit",
        add_event,
        models.EvenementAudit,
    ),
    Kind(
        "auditCabinet",
        as_admin,
        f"query({ARGS}) {{ auditCabinet({PAGE}) {{ {INFO} nodes {{ id }} }} }}",
        ("auditCabinet",),
        "EvenementAudit",
        add_cabinet_event,
        models.EvenementAudit,
    ),
    Kind(
        "collaborateurs",
        as_admin,
        f"query({ARGS}) {{ collaborateurs({PAGE}) {{ {INFO} nodes {{ id }} }} }}",
        ("collaborateurs",),
        "Collaborateur",
        add_member,
        models.Utilisateur,
    ),
    Kind(
        "clients",
        as_admin,
        f"""query({ARGS}) {{ collaborateurs(first: 10) {{ nodes {{
            clients({PAGE}) {{ {INFO} nodes {{ id }} }} }} }} }}""",
        ("collaborateurs", "nodes", 1, "clients"),
        "Travailleur",
        add_client,
        models.AffectationCollaborateur,
    ),
    Kind(
        "calendrierCabinet",
        as_admin,
        f"""query({ARGS}) {{ calendrierCabinet(du: "2026-09-01", au: "2026-12-31", {PAGE})
            {{ {INFO} nodes {{ echeance {{ id }} }} }} }}""",
        ("calendrierCabinet",),
        "Echeance",
        add_calendar_item,
        models.Echeance,
        lambda node: str(node["echeance"]["id"]),
    ),
]


def dig(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


async def read(api: Api, kind: Kind, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    return dig(await api.data(kind.query, variables, token), kind.path)  # type: ignore[no-any-return]


async def remove(api: Api, kind: Kind, row_id: int) -> None:
    if kind.model is models.AffectationCollaborateur:
        await remove_client(api, row_id)
        return
    async with api.session() as session:
        await session.execute(delete(kind.model).where(kind.model.id == row_id))
        await session.commit()


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
async def test_a_walk_through_a_connection_gives_each_item_that_stayed_once(
    db: Database, kind: Kind, backward: bool
) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        created = [await kind.add(api, world, n) for n in range(7)]
        token = await kind.login(api, world)
        everything = await read(api, kind, token, {"first": 100})
        before = [kind.ident(n) for n in everything["nodes"]]
        stayed = set(before)
        ever = set(before)
        pages: list[list[str]] = []
        variables: dict[str, Any] = {"last": 2} if backward else {"first": 2}
        for step in range(40):
            connection = await read(api, kind, token, variables)
            info = connection["pageInfo"]
            pages.append([kind.ident(n) for n in connection["nodes"]])
            if not (info["hasPreviousPage"] if backward else info["hasNextPage"]):
                break
            # Between pages: one item added (anywhere in the order), one removed.
            added = await kind.add(api, world, 100 + step)
            ever.add(encode_global_id(kind.type_name, added))
            if created:
                gone = created.pop((step * 3) % len(created))
                await remove(api, kind, gone)
                stayed.discard(encode_global_id(kind.type_name, gone))
            if backward:
                variables = {"last": 2, "before": info["startCursor"]}
            else:
                variables = {"first": 2, "after": info["endCursor"]}
        else:
            raise AssertionError("the walk did not end")
        seen = [i for page in (reversed(pages) if backward else pages) for i in page]
        after = [kind.ident(n) for n in (await read(api, kind, token, {"first": 100}))["nodes"]]
    assert len(seen) == len(set(seen)), "an item was repeated"
    assert stayed <= set(seen), "an item that stayed was skipped"
    assert set(seen) <= ever
    # The walk saw the items in the list's order (as read whole at the end).
    assert [i for i in after if i in set(seen)] == [i for i in seen if i in set(after)]
    assert len(stayed) >= 3


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
async def test_a_cursor_of_another_list_or_malformed_is_refused_naming_the_argument(
    db: Database, kind: Kind
) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        await kind.add(api, world, 0)
        token = await kind.login(api, world)
        own = (await read(api, kind, token, {"first": 1}))["pageInfo"]["endCursor"]
        assert own is not None
        foreign = cursors.encode("portfolio.nom.asc", ["Bernard", "Luc", 1])
        for argument, size in (("after", "first"), ("before", "last")):
            for cursor in (foreign, own + "A", "", "!!", own[:-2]):
                body = await api.post(kind.query, {size: 1, argument: cursor}, token)
                errors = body["errors"]
                assert [e["extensions"] for e in errors] == [
                    {"code": "BAD_USER_INPUT", "field": argument}
                ], (argument, cursor, body)
                assert errors[0]["message"].startswith(f"{argument} : curseur invalide")


async def test_first_and_last_together_are_refused(db: Database) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        token = await as_worker(api, world)
        body = await api.post(KINDS[0].query, {"first": 1, "last": 1}, token)
    assert body["errors"][0]["message"] == "last : ne peut pas être combiné avec first."
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "last"}


async def test_last_pages_back_from_the_end_in_the_lists_order(db: Database) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        token = await as_worker(api, world)
        kind = KINDS[0]
        whole = await read(api, kind, token, {"first": 100})
        tail = await read(api, kind, token, {"last": 3})
        start = tail["pageInfo"]["startCursor"]
        earlier = await read(api, kind, token, {"last": 3, "before": start})
    ids = [n["id"] for n in whole["nodes"]]
    assert len(ids) == 4  # Luc Bernard's four instalments
    assert [n["id"] for n in tail["nodes"]] == ids[1:]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    assert tail["pageInfo"]["hasNextPage"] is False
    assert tail["totalCount"] == 4
    assert [n["id"] for n in earlier["nodes"]] == ids[:1]
    assert earlier["pageInfo"]["hasPreviousPage"] is False
    assert earlier["pageInfo"]["hasNextPage"] is True
