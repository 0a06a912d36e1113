"""Read-only records of table rows: the read path without the ORM.

The ORM builds an identity-mapped, change-tracked instance per row; a read request
never changes what it loaded, and that bookkeeping cost more CPU than the rest of a
portfolio page (``InstanceState`` alone an eighth of it). Reads therefore select the
mapped table's columns with Core and build one slotted dataclass per row, with the
ORM attributes' names, so code written against the models reads them alike. Writes
keep the ORM (they load their rows in their own transaction).

A JSON column (a contribution line's ``detail``) is fetched as its text and decoded
only when read: a page that shows amounts never pays for the lines' explanations.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Integer, Text, any_, bindparam, cast, inspect
from sqlalchemy.dialects.postgresql import ARRAY

_TYPES: dict[type[Any], type[Any]] = {}
_COLUMNS: dict[type[Any], list[ColumnElement[Any]]] = {}

#: Prefix of the field holding a JSON column's text.
RAW = "raw_"


def _json_property(key: str) -> property:
    raw = RAW + key

    def decoded(self: Any) -> Any:
        text = getattr(self, raw)
        return None if text is None else json.loads(text)

    return property(decoded, doc=f"``{key}`` decoded from its JSON text, when read.")


def record_type(model: type[Any]) -> type[Any]:
    """The slotted dataclass standing for ``model``'s rows (built once per model)."""
    found = _TYPES.get(model)
    if found is None:
        fields: list[str] = []
        namespace: dict[str, Any] = {"__doc__": f"A read-only row of {model.__tablename__}."}
        for attribute in inspect(model).column_attrs:
            if isinstance(attribute.columns[0].type, JSON):
                fields.append(RAW + attribute.key)
                namespace[attribute.key] = _json_property(attribute.key)
            else:
                fields.append(attribute.key)
        found = dataclasses.make_dataclass(
            f"{model.__name__}Record", fields, namespace=namespace, slots=True, eq=False
        )
        found.__module__ = __name__
        _TYPES[model] = found
    return found


def columns(model: type[Any]) -> list[ColumnElement[Any]]:
    """The columns to select for ``record_type(model)``, in its fields' order."""
    found = _COLUMNS.get(model)
    if found is None:
        found = []
        for attribute in inspect(model).column_attrs:
            column = attribute.columns[0]
            if isinstance(column.type, JSON):
                # The text as stored: no decoding by the driver or SQLAlchemy.
                found.append(cast(column, Text).label(RAW + attribute.key))
            else:
                found.append(column.label(attribute.key))
        _COLUMNS[model] = found
    return found


def records(model: type[Any], rows: Iterable[Sequence[Any]]) -> list[Any]:
    """Records of ``model`` from rows starting with ``columns(model)``."""
    make = record_type(model)
    width = len(columns(model))
    return [make(*row[:width]) for row in rows]


def one_of(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """``column`` among ``ids``: one array parameter on PostgreSQL (``= ANY(:ids)``, the
    same statement text whatever the number of ids, so one prepared statement), an
    expanding ``IN`` elsewhere."""
    return _among(column, dialect, None, {"value": list(ids)})


def among(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """``one_of`` in a statement built once: the ids are given at execution as the
    parameter ``name`` (a list)."""
    return _among(column, dialect, name, {})


def _among(
    column: Any, dialect: str, name: str | None, value: dict[str, Any]
) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer), **value))  # type: ignore[no-any-return]
    return column.in_(bindparam(name, expanding=True, **value))  # type: ignore[no-any-return]
