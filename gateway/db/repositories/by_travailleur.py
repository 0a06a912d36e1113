"""Batched reads of a worker's rows: one statement for many workers.

Every function takes the principal and adds the visibility filter itself, so no
caller can forget it (SPEC §10: authorization where data is read). Rows come back as
read-only records (``gateway.db.records``), not ORM instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.types import NullType

from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.cursors import Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.json_values import JsonFields, JsonItems, json_object
from gateway.db.keyset import Ordre, Page
from gateway.db.models import DelaiPaiement, EcheanceDelai, Travailleur
from gateway.db.records import columns, one_of, record_type, records

M = TypeVar("M")


# The worker each JSON row of a list is read for (its columns built once, not per read).
_WORKER = aliased(Travailleur, name="worker_")


def _owner(model: type[Any]) -> InstrumentedAttribute[int]:
    column: InstrumentedAttribute[int] = model.travailleur_id
    return column


async def rows_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    where: Iterable[ColumnElement[bool]] = (),
    order_by: Sequence[Any] = (),
) -> dict[int, list[Any]]:
    """All rows of ``model`` for each worker, in ``order_by`` order, as read-only records."""
    owner = _owner(model)
    statement = (
        select(*columns(model))
        .where(
            one_of(owner, travailleur_ids, db.dialect),
            is_visible(owner, principal, per_row=True),
            *where,
        )
        .order_by(owner, *order_by)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in records(model, await db.rows(statement)):
        grouped[row.travailleur_id].append(row)
    return grouped


async def page_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    ordre: Ordre,
    window: Window,
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[Hashable, Page[Any]]:
    """One keyset page of rows per worker and each worker's total, in a single
    statement (``keyset.per_parent``)."""
    owner = _owner(model)
    selected = columns(model)
    statement = select(*selected).where(
        one_of(owner, travailleur_ids, db.dialect),
        is_visible(owner, principal, per_row=True),
        *where,
    )
    make = record_type(model)
    rows = await db.rows(keyset.per_parent(statement, owner, ordre, window))
    return keyset.pages_by_parent(rows, len(selected), ordre, window, lambda r: make(*r))


async def json_rows_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    fields: JsonFields,
    order_by: Sequence[Any],
) -> dict[int, JsonItems]:
    """:func:`rows_by_travailleur` as the JSON objects of ``fields`` the database writes,
    one row per worker (``JsonItems``)."""
    owner = _owner(model)
    if db.dialect == "postgresql":
        worker = _WORKER
        items = (
            select(_array_of(aggregate_order_by(json_object(fields, db.dialect), *order_by)))
            .where(owner == worker.id)
            .correlate(worker)
            .scalar_subquery()
        )
        return await _per_worker(db, principal, worker, travailleur_ids, items)
    every = and_(
        one_of(owner, travailleur_ids, db.dialect), is_visible(owner, principal, per_row=True)
    )
    rows = (
        select(
            owner.label("parent_"),
            func.count().over(partition_by=owner).label("count_"),
            keyset.joined_texts(
                json_object(fields, db.dialect), db.dialect, within=owner, order_by=order_by
            ).label("texts_"),
        )
        .where(every)
        .subquery()
    )
    statement = select(rows.c.parent_, func.max(rows.c.count_), func.max(rows.c.texts_)).group_by(
        rows.c.parent_
    )
    return {
        parent: JsonItems(texts or "", count) for parent, count, texts in await db.rows(statement)
    }


def _array_of(texts: Any) -> Any:
    """``array_agg`` of texts, as the driver gives it (a list: no per-item processing)."""
    return func.array_agg(texts, type_=NullType())


async def _per_worker(
    db: RequestSession,
    principal: Principal | None,
    worker: Any,
    travailleur_ids: Sequence[int],
    items: Any,
    total: Any = None,
) -> dict[int, JsonItems]:
    """PostgreSQL: one row per visible worker with ``items`` (an array of JSON texts, a
    subquery correlated to ``worker``) and ``total``."""
    statement = select(worker.id, items, literal_column("0") if total is None else total).where(
        one_of(worker.id, travailleur_ids, db.dialect),
        is_visible(worker.id, principal, per_row=True),
    )
    return {
        parent: JsonItems(",".join(texts or ()), len(texts or ()), count)
        for parent, texts, count in await db.rows(statement)
    }


async def json_page_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    fields: JsonFields,
    ordre: Ordre,
    window: Window,
    where: Iterable[ColumnElement[bool]] = (),
    with_total: bool = True,
) -> dict[int, JsonItems]:
    """:func:`page_by_travailleur` as the JSON objects of ``fields`` the database writes,
    one row per worker; nothing tells whether more follow (for lists shown without
    ``pageInfo``). ``with_total``: the list's total is read too."""
    owner = _owner(model)
    if db.dialect != "postgresql":
        statement = select(json_object(fields, db.dialect).label("json_")).where(
            one_of(owner, travailleur_ids, db.dialect),
            is_visible(owner, principal, per_row=True),
            *where,
        )
        rows = await db.rows(keyset.joined_per_parent(statement, owner, ordre, window, db.dialect))
        return {
            parent: JsonItems(texts or "", count, total) for parent, total, count, texts in rows
        }
    # PostgreSQL: each worker's page read through the index of its list (ORDER BY …
    # LIMIT per worker), not the whole of each list numbered by a window: the instalments
    # of a page of 500 clients 44 → 9 ms.
    worker = _WORKER
    rows_of = [owner == worker.id, *where]
    page = (
        select(json_object(fields, db.dialect).label("json_"), *ordre.key_columns())
        .where(*rows_of, *ordre.bounds(window))
        .order_by(*ordre.order_by(window.backward))
        .limit(window.limit)
        .correlate(worker)
        .subquery()
    )
    items = (
        select(_array_of(aggregate_order_by(page.c.json_, *ordre.order_by_keys(page.c))))
        .correlate(worker)
        .scalar_subquery()
    )
    total = (
        select(func.count()).select_from(model).where(*rows_of).correlate(worker).scalar_subquery()
        if with_total
        else None
    )
    return await _per_worker(db, principal, worker, travailleur_ids, items, total)


async def rows_by_ids(
    db: RequestSession, principal: Principal | None, model: type[Any], ids: Sequence[int]
) -> dict[int, Any]:
    """Rows of a worker-owned table by primary key, only those of visible workers."""
    owner = _owner(model)
    pk: InstrumentedAttribute[int] = getattr(model, "id")  # noqa: B009  (M is any model)
    statement = select(*columns(model)).where(
        one_of(pk, ids, db.dialect), is_visible(owner, principal, per_row=True)
    )
    return {row.id: row for row in records(model, await db.rows(statement))}


async def plan_instalments(
    db: RequestSession, principal: Principal | None, delai_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Instalments of payment plans, visible through the plan's worker."""
    statement = (
        select(*columns(EcheanceDelai))
        .join(DelaiPaiement, DelaiPaiement.id == EcheanceDelai.delai_id)
        .where(
            one_of(EcheanceDelai.delai_id, delai_ids, db.dialect),
            is_visible(DelaiPaiement.travailleur_id, principal, per_row=True),
        )
        .order_by(EcheanceDelai.delai_id, EcheanceDelai.numero)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in records(EcheanceDelai, await db.rows(statement)):
        grouped[row.delai_id].append(row)
    return grouped
