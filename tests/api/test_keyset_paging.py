"""Keyset pages (gateway.db.keyset), the mechanism every connection pages with: walking a
list forward or backward while rows are inserted and removed between pages gives every
row that stayed exactly once, in order, both for one list and for many parents' lists
read in one statement."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from gateway.cursors import Part, Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.keyset import Cle, Ordre
from gateway.db.models import Paiement
from gateway.db.records import columns, record_type
from tests import builders
from tests.api.client import Api, api_for
from tests.conftest import Database

DAY = date(2026, 1, 1)
ASCENDING = Ordre("test.asc", (Cle(Paiement.date_paiement, Part.DATE), Cle(Paiement.id, Part.ID)))
DESCENDING = keyset.newest_first("test.desc", Paiement.date_paiement, Part.DATE, Paiement.id)


async def read(
    api: Api, ordre: Ordre, window: Window, worker: int, other: int, per_parent: bool
) -> keyset.Page[Any]:
    """One page of ``worker``'s payments: alone, or beside ``other``'s in one statement."""
    async with api.session() as session:
        db = RequestSession(session)
        if not per_parent:
            statement = select(Paiement).where(Paiement.travailleur_id == worker)
            total = len(list(await db.scalars(statement)))
            return await keyset.page(db, statement, ordre, window, total=total)
        selected = columns(Paiement)
        statement = select(*selected).where(Paiement.travailleur_id.in_([worker, other]))
        make = record_type(Paiement)
        rows = await db.rows(keyset.per_parent(statement, Paiement.travailleur_id, ordre, window))
        pages = keyset.pages_by_parent(rows, len(selected), ordre, window, lambda r: make(*r))
        return pages.get(worker, keyset.EMPTY)


async def add(api: Api, worker: int, day: int) -> int:
    async with api.session() as session:
        row = await builders.paiement(
            session,
            travailleur_id=worker,
            date_paiement=DAY + timedelta(days=day),
            montant=Decimal("10.00"),
        )
        await session.commit()
        return row.id


async def walk(
    api: Api,
    workers: tuple[int, int],
    initial: list[int],
    changes: list[tuple[str, int]],
    size: int,
    backward: bool,
    descending: bool,
    per_parent: bool,
) -> None:
    worker, other = workers
    async with api.session() as session:
        await session.execute(delete(Paiement))
        await session.commit()
    present = [await add(api, worker, day) for day in initial]
    await add(api, other, 0)  # another parent's row, never in the worker's pages
    stayed = set(present)
    ever = set(present)
    ordre = DESCENDING if descending else ASCENDING
    window = Window(size, backward)
    seen: list[tuple[Any, int]] = []  # (key, id) in the list's order once reassembled
    pages: list[list[tuple[Any, int]]] = []
    for step in range(100):
        page = await read(api, ordre, window, worker, other, per_parent)
        assert page.total == len(present)
        assert len(page.items) <= size
        pages.append([(key, item.id) for key, item in zip(page.keys, page.items, strict=True)])
        if not page.more:
            break
        if step < len(changes):
            kind, value = changes[step]
            if kind == "insert":
                present.append(await add(api, worker, value))
                ever.add(present[-1])
            elif present:
                gone = present.pop(value % len(present))
                stayed.discard(gone)
                async with api.session() as session:
                    await session.execute(delete(Paiement).where(Paiement.id == gone))
                    await session.commit()
        if backward:
            window = Window(size, True, before=page.keys[0])
        else:
            window = Window(size, False, after=page.keys[-1])
    else:
        raise AssertionError("the walk did not end")
    for page_rows in reversed(pages) if backward else pages:
        seen += page_rows
    ids = [ident for _key, ident in seen]
    assert len(ids) == len(set(ids)), "a row was repeated"
    assert stayed <= set(ids), "a row that stayed was skipped"
    assert set(ids) <= ever, "a row of another worker"
    keys = [key for key, _ident in seen]
    ordered = sorted(keys, reverse=descending)
    assert keys == ordered, "the pages are not in the list's order"


STEPS = st.tuples(st.sampled_from(["insert", "delete"]), st.integers(0, 6))


async def test_keyset_pages_give_each_row_that_stayed_exactly_once(db: Database) -> None:
    loop = asyncio.get_running_loop()
    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            one = await builders.travailleur(session, caisse_id=caisse.id)
            two = await builders.travailleur(session, caisse_id=caisse.id, nom="Martin")
            await session.commit()
            workers = (one.id, two.id)

        @settings(
            max_examples=40,
            derandomize=True,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            initial=st.lists(st.integers(0, 4), max_size=10),
            changes=st.lists(STEPS, max_size=6),
            size=st.integers(1, 4),
            backward=st.booleans(),
            descending=st.booleans(),
            per_parent=st.booleans(),
        )
        # Rows inserted before and after the cursor, the cursor's own row removed.
        @example(
            initial=[1, 1, 2, 2, 3],
            changes=[("insert", 0), ("delete", 1), ("insert", 4), ("insert", 2)],
            size=2,
            backward=False,
            descending=False,
            per_parent=True,
        )
        @example(
            initial=[1, 1, 2, 2, 3],
            changes=[("insert", 4), ("delete", 3), ("insert", 0), ("insert", 2)],
            size=2,
            backward=True,
            descending=True,
            per_parent=False,
        )
        def property_holds(**case: Any) -> None:
            coroutine = walk(api, workers, **case)
            asyncio.run_coroutine_threadsafe(coroutine, loop).result()

        await asyncio.to_thread(property_holds)


async def test_an_empty_window_keeps_each_parents_total(db: Database) -> None:
    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            one = await builders.travailleur(session, caisse_id=caisse.id)
            two = await builders.travailleur(session, caisse_id=caisse.id, nom="Martin")
            await session.commit()
        for day in (1, 2, 3):
            await add(api, one.id, day)
        last = await read(
            api, ASCENDING, Window(2, after=(DAY + timedelta(days=9), 1)), one.id, two.id, True
        )
        assert (last.items, last.more, last.total) == ([], False, 3)
        none = await read(api, ASCENDING, Window(0), one.id, two.id, True)
        assert (none.items, none.more, none.total) == ([], True, 3)
        nothing = await read(api, ASCENDING, Window(5), two.id, one.id, True)
        assert (nothing.items, nothing.more, nothing.total) == ([], False, 0)
