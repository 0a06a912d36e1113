"""Batched reads of a worker's rows: one statement for many workers.

Every function takes the principal and adds the visibility filter itself, so no
caller can forget it (SPEC §10: authorization where data is read). Rows come back as
read-only records (``gateway.db.records``), not ORM instances.
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.types import NullType

from gateway.auth.principal import Principal
from gateway.auth.visibility import (
    VisibilityKind,
    is_visible,
    visibility_kind,
    visibility_parameters,
    visible_to_kind,
)
from gateway.cursors import Window
from gateway.db import keyset
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.json_values import JsonFields, JsonItems, json_object
from gateway.db.keyset import Ordre, Page
from gateway.db.models import DelaiPaiement, EcheanceDelai, Travailleur
from gateway.db.records import among, columns, one_of, record_type, records

M = TypeVar("M")


# The worker each JSON row of a list is read for (its columns built once, not per read).
_WORKER = aliased(Travailleur, name="worker_")


def _owner(model: type[Any]) -> InstrumentedAttribute[int]:
    column: InstrumentedAttribute[int] = model.travailleur_id
    return column


def given_visible(column: Any, kind: VisibilityKind | None, dialect: str) -> list[Any]:
    """The conditions of a statement built once on given workers: ``column`` among the
    parameter ``worker_ids``, those visible to principals of ``kind`` (their values:
    :func:`given_values`)."""
    return [among(column, "worker_ids", dialect), visible_to_kind(column, kind, per_row=True)]


def given_values(principal: Principal | None, travailleur_ids: Sequence[int]) -> dict[str, Any]:
    """The values of :func:`given_visible`'s parameters."""
    return {**visibility_parameters(principal), "worker_ids": list(travailleur_ids)}


@dataclass(frozen=True, eq=False)
class RowsOf:
    """A list of one table's rows read per worker: fixed conditions (their values named
    parameters) and order. Declared once, as a constant: its statement is built once
    per kind of principal and database (``eq=False``: the declaration is the shape)."""

    model: type[Any]
    where: tuple[ColumnElement[bool], ...] = ()
    order_by: tuple[Any, ...] = ()


#: ``read_rows``' statements, by list, kind of principal and database.
_ROWS: BuiltOnce[Any] = BuiltOnce()


async def read_rows(
    db: RequestSession,
    principal: Principal | None,
    rows: RowsOf,
    travailleur_ids: Sequence[int],
    parameters: Mapping[str, Any] | None = None,
) -> dict[int, list[Any]]:
    """Each worker's rows of ``rows`` (the values of its parameters given), in its
    order, as read-only records."""
    model, kind, dialect = rows.model, visibility_kind(principal), db.dialect

    def build() -> Any:
        owner = _owner(model)
        return (
            select(*columns(model))
            .where(*given_visible(owner, kind, dialect), *rows.where)
            .order_by(owner, *rows.order_by)
        )

    statement = _ROWS.get((rows, kind, dialect), build)
    values = {**(parameters or {}), **given_values(principal, travailleur_ids)}
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in records(model, await db.rows(statement, values)):
        grouped[row.travailleur_id].append(row)
    return grouped


@functools.cache
def every_row(model: type[Any]) -> RowsOf:
    """All of a table's rows of a worker, in no particular order."""
    return RowsOf(model)


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


# -- lists as the JSON objects the database writes (``gateway.db.json_values``) ------
#
# One row per worker: its items' JSON texts joined in the list's order, read through the
# list's index by a subquery correlated to the worker (``ORDER BY … LIMIT`` per worker:
# the instalments of a 500-client page take 9 ms on PostgreSQL and 4 ms on SQLite, where
# numbering each whole list with window functions took 44 ms and 117 ms). PostgreSQL
# aggregates in the order it is given (``array_agg(… ORDER BY …)``); SQLite's
# ``group_concat`` takes no ORDER BY before 3.44 and reads an ordered subquery of its
# FROM as a co-routine, in that subquery's order.


#: The columns of each list read as JSON, by shape (see ``gateway.db.built_once``).
_JSON_LISTS: BuiltOnce[list[Any]] = BuiltOnce()


async def json_rows_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    rows: RowsOf,
    travailleur_ids: Sequence[int],
    *,
    fields: JsonFields,
    parameters: Mapping[str, Any] | None = None,
) -> dict[int, JsonItems]:
    """:func:`read_rows` as the JSON objects of ``fields`` (``JsonItems``), the values
    of the list's parameters given."""
    shape = ("rows", rows, fields, db.dialect)
    items = _JSON_LISTS.get(shape, lambda: _json_rows(rows, fields, db.dialect))
    return await _per_worker(db, principal, travailleur_ids, shape, items, parameters)


def _json_rows(rows: RowsOf, fields: JsonFields, dialect: str) -> list[Any]:
    owner = _owner(rows.model)
    json_ = json_object(fields, dialect)
    if dialect == "postgresql":
        return [
            literal_column("0"),
            select(_array_of(aggregate_order_by(json_, *rows.order_by)))
            .where(owner == _WORKER.id, *rows.where)
            .correlate(_WORKER)
            .scalar_subquery(),
        ]
    ordered = (
        select(json_.label("json_"))
        .where(owner == _WORKER.id, *rows.where)
        .order_by(*rows.order_by)
        .correlate(_WORKER)
        .subquery()
    )
    return [literal_column("0"), *_joined_in_order(ordered)]


#: The conditions on a list's rows for the filters of its query.
Where = Callable[[tuple[Hashable, ...]], Sequence[ColumnElement[bool]]]


async def json_page_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    fields: JsonFields,
    ordre: Ordre,
    window: Window,
    filters_to_where: Where,
    filters: tuple[Hashable, ...],
    with_total: bool = True,
    parameters: Mapping[str, Any] | None = None,
) -> dict[int, JsonItems]:
    """:func:`page_by_travailleur` as the JSON objects of ``fields`` (``JsonItems``);
    nothing tells whether more follow (for lists shown without ``pageInfo``).
    ``filters_to_where(filters)``: the conditions on the rows (the statement is built
    once per window and filters). ``with_total``: the list's total is read too.
    ``parameters``: the values of the statement parameters that ``fields`` read
    (``gateway.db.echeance_sql``)."""
    shape = (
        "page",
        model,
        fields,
        ordre.kind,
        window,
        filters_to_where,
        filters,
        with_total,
        db.dialect,
    )
    items = _JSON_LISTS.get(
        shape,
        lambda: _json_page(
            model, fields, ordre, window, filters_to_where(filters), with_total, db.dialect
        ),
    )
    return await _per_worker(db, principal, travailleur_ids, shape, items, parameters)


def _json_page(
    model: type[Any],
    fields: JsonFields,
    ordre: Ordre,
    window: Window,
    where: Sequence[ColumnElement[bool]],
    with_total: bool,
    dialect: str,
) -> list[Any]:
    """The list's total (or 0) and its page's JSON texts, correlated to the worker."""
    owner = _owner(model)
    rows_of = [owner == _WORKER.id, *where]
    page = (
        select(json_object(fields, dialect).label("json_"), *ordre.key_columns())
        .where(*rows_of, *ordre.bounds(window))
        .order_by(*ordre.order_by(window.backward))
        .limit(window.limit)
        .correlate(_WORKER)
        .subquery()
    )
    if dialect == "postgresql":
        in_order = aggregate_order_by(page.c.json_, *ordre.order_by_keys(page.c))
        items = [select(_array_of(in_order)).correlate(_WORKER).scalar_subquery()]
    elif window.backward:  # read from the end: put back in the list's order first
        forward = select(page.c.json_).order_by(*ordre.order_by_keys(page.c)).subquery()
        items = _joined_in_order(forward)
    else:
        items = _joined_in_order(page)
    total = (
        select(func.count()).select_from(model).where(*rows_of).correlate(_WORKER).scalar_subquery()
        if with_total
        else literal_column("0")
    )
    return [total, *items]


def _array_of(texts: Any) -> Any:
    """``array_agg`` of texts, as the driver gives it (a list: no per-item processing)."""
    return func.array_agg(texts, type_=NullType())


def _joined_in_order(rows: Any) -> list[Any]:
    """SQLite: the ``json_`` texts of an ordered subquery joined with commas, and how
    many (two subqueries correlated to the worker)."""
    return [
        select(func.group_concat(rows.c.json_, literal_column("','")))
        .correlate(_WORKER)
        .scalar_subquery(),
        select(func.count()).select_from(rows).correlate(_WORKER).scalar_subquery(),
    ]


async def _per_worker(
    db: RequestSession,
    principal: Principal | None,
    travailleur_ids: Sequence[int],
    shape: Hashable,
    asked: list[Any],
    parameters: Mapping[str, Any] | None = None,
) -> dict[int, JsonItems]:
    """One row per visible worker: the columns ``asked`` of a list of that ``shape``
    (its total, then on PostgreSQL an array of JSON texts, on SQLite the texts joined
    and their number), read together with the other lists asked for in the same turn
    (:class:`WorkerColumns`)."""
    rows = await WorkerColumns.of(db, principal).read(travailleur_ids, shape, asked, parameters)
    if db.dialect == "postgresql":
        return {
            parent: JsonItems(",".join(texts or ()), len(texts or ()), total)
            for parent, (total, texts) in rows.items()
        }
    return {
        parent: JsonItems(texts or "", number, total)
        for parent, (total, texts, number) in rows.items()
    }


class WorkerColumns:
    """Columns correlated to a worker (``_WORKER``), asked for by several lists in the
    same turn of the event loop, read in one statement for all their workers: a page's
    établissements, payments and instalments as JSON cost one round trip, not three.

    One per request session and principal (:meth:`of`). A list that asks in a later turn
    gets a statement of its own: the answers are the same either way."""

    _KEY = "worker_columns"

    def __init__(self, db: RequestSession, principal: Principal | None) -> None:
        self._db = db
        self._principal = principal
        self._pending: list[_Asked] = []
        self._running: set[asyncio.Task[None]] = set()

    @classmethod
    def of(cls, db: RequestSession, principal: Principal | None) -> WorkerColumns:
        found: WorkerColumns | None = db.shared.get(cls._KEY)
        if found is None or found._principal is not principal:
            found = db.shared[cls._KEY] = cls(db, principal)
        return found

    async def read(
        self,
        travailleur_ids: Sequence[int],
        shape: Hashable,
        asked: list[Any],
        parameters: Mapping[str, Any] | None = None,
    ) -> dict[int, tuple[Any, ...]]:
        """Each visible worker's values of the columns ``asked`` (the same objects for
        every list of that ``shape``), which read the statement ``parameters`` (lists
        whose parameters disagree get their own statement)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[int, tuple[Any, ...]]] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._dispatch)
        self._pending.append(
            _Asked(list(travailleur_ids), shape, asked, dict(parameters or {}), future)
        )
        return await future

    def _dispatch(self) -> None:
        pending, self._pending = self._pending, []
        for batch in _agreeing(pending):
            task = asyncio.ensure_future(self._run(batch))
            self._running.add(task)  # kept until done: the loop holds tasks weakly
            task.add_done_callback(self._running.discard)

    async def _run(self, batch: list[_Asked]) -> None:
        ids = list(dict.fromkeys(i for one in batch for i in one.wanted))
        kind = visibility_kind(self._principal)
        dialect = self._db.dialect
        statement = _WORKER_COLUMNS.get(
            (tuple(one.shape for one in batch), kind, dialect),
            lambda: select(_WORKER.id, *(c for one in batch for c in one.columns)).where(
                *given_visible(_WORKER.id, kind, dialect)
            ),
        )
        parameters = {k: v for one in batch for k, v in one.parameters.items()}
        parameters.update(given_values(self._principal, ids))
        try:
            rows = await self._db.rows(statement, parameters)
        except asyncio.CancelledError:
            for one in batch:
                one.future.cancel()
            raise
        except Exception as error:  # every list that asked reports it
            for one in batch:
                if not one.future.done():
                    one.future.set_exception(error)
            return
        start = 1
        for one in batch:
            end = start + len(one.columns)
            if not one.future.done():
                keep = set(one.wanted)
                one.future.set_result({r[0]: tuple(r[start:end]) for r in rows if r[0] in keep})
            start = end


#: ``WorkerColumns``' statements, by the shapes of the lists read together.
_WORKER_COLUMNS: BuiltOnce[Any] = BuiltOnce()


@dataclass(slots=True)
class _Asked:
    """One list's columns (and their shape), for its workers, with the parameters they
    read."""

    wanted: list[int]
    shape: Hashable
    columns: list[Any]
    parameters: dict[str, Any]
    future: asyncio.Future[Any]


def _agreeing(pending: list[_Asked]) -> list[list[_Asked]]:
    """The lists asked in one turn, in groups read by one statement each: a list joins
    the first group whose parameters agree with its own (same value for a shared name)."""
    groups: list[tuple[dict[str, Any], list[_Asked]]] = []
    for one in pending:
        for parameters, members in groups:
            if all(parameters[k] == v for k, v in one.parameters.items() if k in parameters):
                parameters.update(one.parameters)
                members.append(one)
                break
        else:
            groups.append((dict(one.parameters), [one]))
    return [members for _, members in groups]


async def rows_by_ids(
    db: RequestSession, principal: Principal | None, model: type[Any], ids: Sequence[int]
) -> dict[int, Any]:
    """Rows of a worker-owned table (or workers themselves) by primary key, only those of
    visible workers."""
    statement = _visible_rows_by_ids(model, db.dialect, visibility_kind(principal))
    parameters = {"by_ids": list(ids), **visibility_parameters(principal)}
    return {row.id: row for row in records(model, await db.rows(statement, parameters))}


#: ``_visible_rows_by_ids``'s statements, by table, database and kind of principal.
_BY_IDS: BuiltOnce[Any] = BuiltOnce()


def _visible_rows_by_ids(model: type[Any], dialect: str, kind: VisibilityKind | None) -> Any:
    """Built once per table, database and kind of principal: every small request reads
    a row by id (``me``'s worker), and building the statement cost more than running it."""

    def build() -> Any:
        pk: InstrumentedAttribute[int] = getattr(model, "id")  # noqa: B009  (any model)
        owner = pk if model is Travailleur else _owner(model)
        return select(*columns(model)).where(
            among(pk, "by_ids", dialect), visible_to_kind(owner, kind, per_row=True)
        )

    return _BY_IDS.get((model, dialect, kind), build)


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
