"""Lists of stored rows answered with the JSON the database writes.

A portfolio page of 500 clients shows some 8 000 payments and instalments. Read as rows,
each became a record, then a GraphQL object, then a dict of serialized leaves, then
JSON. When a relation's selection reaches only *stored fields* of its items (values the
database holds as they are shown: dates, amounts in cents, names, global IDs), the
database writes each item's JSON object itself (``gateway.db.json_values``) and the
list goes into the response as that text.

Declared next to each type: its stored fields (:func:`stored_fields`), and for a
relation its JSON form (:func:`as_json`): given the objects of a list, the shape of the
items and the field's arguments, each object's items as the JSON texts the database
joined (``JsonItems``, one row per object), read with the same filters, order and
visibility filter as the relation's batch form.

The column-wise completion (``gateway.schema.batched_lists``) takes this path only for a
response sent as JSON (an HTTP answer), when the selection is a list of stored fields
(and ``__typename``), or a connection's ``nodes`` of them with ``totalCount`` and
``__typename``; anything else (``edges``, ``pageInfo``, a computed field such as an
instalment's ``statut``) goes the usual way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from gateway.db.json_values import JsonItems, JsonShape, JsonValue

JsonResolver = Callable[..., Awaitable[Sequence[Any] | None]]
F = TypeVar("F", bound=JsonResolver)

#: (GraphQL type name, field name) → the value as the database writes it.
_STORED: dict[tuple[str, str], JsonValue] = {}
#: (GraphQL type or interface name, field name) → the relation's JSON form.
_AS_JSON: dict[tuple[str, str], JsonResolver] = {}


def stored_fields(type_name: str, fields: dict[str, JsonValue]) -> None:
    """Declare fields of ``type_name`` (GraphQL names) whose value the database can
    write as the API shows it."""
    for name, value in fields.items():
        _STORED[(type_name, name)] = value


def stored_value(type_name: str, field_name: str) -> JsonValue | None:
    return _STORED.get((type_name, field_name))


def as_json(type_name: str, field_name: str) -> Callable[[F], F]:
    """Declare ``resolver(context, objects, shape, **arguments)`` as the JSON form of
    ``type_name.field_name``: each object's items as the JSON texts of ``shape``, or
    None when these objects' items are better answered by the batch form."""

    def register(resolver: F) -> F:
        _AS_JSON[(type_name, field_name)] = resolver
        return resolver

    return register


def json_form(type_name: str, field_name: str) -> JsonResolver | None:
    return _AS_JSON.get((type_name, field_name))


def spliced(items: JsonItems) -> orjson.Fragment:
    """A list of JSON texts, put into the response as it is."""
    return orjson.Fragment("[" + items.texts + "]")


@dataclass(frozen=True, slots=True)
class JsonPlan:
    """How one relation of a list is answered with JSON texts.

    ``connection``: for a connection, the response keys of its selection in order, each
    with the field it answers (``nodes``, ``totalCount``, ``__typename``); None for a
    plain list. ``per_parent`` and ``per_item``: the fields each counts in the actual
    query cost, as the general execution counts them.
    """

    resolver: JsonResolver
    shape: JsonShape
    connection: tuple[tuple[str, str], ...] | None
    connection_type: str
    per_parent: int
    per_item: int

    def answers(self, values: Sequence[JsonItems]) -> tuple[list[Any], int]:
        """The completed value of each parent, and the fields they count."""
        items = sum(value.count for value in values) * self.per_item
        if self.connection is None:
            return [spliced(value) for value in values], items
        answers = []
        for page in values:
            answer: dict[str, Any] = {}
            for key, name in self.connection:
                if name == "nodes":
                    answer[key] = spliced(page)
                elif name == "totalCount":
                    answer[key] = page.total
                else:
                    answer[key] = self.connection_type
            answers.append(answer)
        return answers, len(values) * self.per_parent + items
