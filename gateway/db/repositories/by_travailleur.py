"""Batched reads of a worker's rows: one statement for many workers.

Every function takes the principal and adds the visibility filter itself, so no
caller can forget it (SPEC §10: authorization where data is read). Rows come back as
read-only records (``gateway.db.records``), not ORM instances, or as the JSON
objects the API shows (``gateway.db.json_values``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.cursors import Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.json_values import JsonFields, json_object
from gateway.db.keyset import Ordre, Page
from gateway.db.models import DelaiPaiement, EcheanceDelai
from gateway.db.records import columns, one_of, record_type, records

M = TypeVar("M")


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
    as_json: JsonFields | None = None,
) -> dict[int, list[Any]]:
    """All rows of ``model`` for each worker, in ``order_by`` order, as read-only records
    (``as_json``: as the text of that JSON object, written by the database)."""
    owner = _owner(model)
    selected = _selected(model, as_json, db.dialect)
    statement = (
        select(*selected, owner.label("owner_"))
        .where(
            one_of(owner, travailleur_ids, db.dialect),
            is_visible(owner, principal, per_row=True),
            *where,
        )
        .order_by(owner, *order_by)
    )
    make = _maker(model, as_json)
    width = len(selected)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await db.rows(statement):
        grouped[row[width]].append(make(row[:width]))
    return grouped


def _selected(model: type[Any], as_json: JsonFields | None, dialect: str) -> list[Any]:
    if as_json is None:
        return columns(model)
    return [json_object(as_json, dialect).label("json_")]


def _maker(model: type[Any], as_json: JsonFields | None) -> Callable[[Sequence[Any]], Any]:
    if as_json is None:
        make = record_type(model)
        return lambda row: make(*row)
    return lambda row: row[0]


async def page_by_travailleur(
    db: RequestSession,
    principal: Principal | None,
    model: type[Any],
    travailleur_ids: Sequence[int],
    *,
    ordre: Ordre,
    window: Window,
    where: Iterable[ColumnElement[bool]] = (),
    as_json: JsonFields | None = None,
) -> dict[Hashable, Page[Any]]:
    """One keyset page of rows per worker and each worker's total, in a single
    statement (``keyset.per_parent``); ``as_json`` as in :func:`rows_by_travailleur`."""
    owner = _owner(model)
    selected = _selected(model, as_json, db.dialect)
    statement = select(*selected).where(
        one_of(owner, travailleur_ids, db.dialect),
        is_visible(owner, principal, per_row=True),
        *where,
    )
    rows = await db.rows(keyset.per_parent(statement, owner, ordre, window))
    return keyset.pages_by_parent(rows, len(selected), ordre, window, _maker(model, as_json))


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
