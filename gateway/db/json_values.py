"""Values written as JSON by the database, exactly as the API shows them.

A list of stored rows (a page of a client's payments) can be answered as JSON the
database builds — ``json_build_object`` on PostgreSQL, ``json_object`` on SQLite — instead
of rows turned into Python objects and then into JSON again. Each value here renders
one field the way the API serializes it: money as a string with two decimals from the
integer cents, dates as ``YYYY-MM-DD``, booleans as ``true``/``false``, enums by name,
global IDs as ``base64url("Type:id")`` without padding (``gateway.global_ids``). A test
compares each with the Python serialization on both databases.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    case,
    cast,
    func,
    literal_column,
)

from gateway.db.types import raw_cents
from gateway.global_ids import encode_global_id

#: Renders one value for a dialect ("postgresql" or "sqlite").
JsonValue = Callable[[str], ColumnElement[Any]]
#: The keys of one JSON object and their values, in order.
JsonFields = tuple[tuple[str, JsonValue], ...]


@dataclass(frozen=True, slots=True)
class JsonItems:
    """One list's items as the JSON texts the database wrote, joined with commas (the
    inside of a JSON array), how many there are, and the list's total (a connection's
    ``totalCount``)."""

    texts: str
    count: int
    total: int = 0


NO_ITEMS = JsonItems("", 0, 0)


@dataclass(frozen=True, slots=True)
class JsonShape:
    """The fields of the JSON objects of a list, whether the list's total is read too,
    and a text naming both (``key``): the request's loaders keep one loader per list and
    shape."""

    key: str
    fields: JsonFields
    total: bool = False

    @property
    def parameters(self) -> frozenset[str]:
        """The statement parameters its values read (see :class:`Reading`)."""
        found: frozenset[str] = frozenset()
        for _key, value in self.fields:
            if isinstance(value, Reading):
                found |= value.parameters
        return found


# Keys and type names are GraphQL names: they go into the SQL text as literals (a bound
# parameter of unknown type is refused inside PostgreSQL's variadic json_build_object).
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def _checked(name: str) -> str:
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"not a GraphQL name: {name!r}")
    return name


def _quoted(name: str) -> ColumnElement[str]:
    return literal_column(f"'{_checked(name)}'", Text)


def plain(column: Any) -> JsonValue:
    """Text, integers, dates and enums stored by name: the column as it is."""
    return lambda _dialect: column


def boolean(column: Any) -> JsonValue:
    """SQLite keeps booleans as 0/1: written as JSON ``true``/``false`` there."""

    def render(dialect: str) -> ColumnElement[Any]:
        if dialect == "postgresql":
            kept: ColumnElement[Any] = column
            return kept
        return func.json(case((column.is_(None), None), (column, "true"), else_="false"))

    return render


def money(*cents_columns: Any) -> JsonValue:
    """The sum of columns of integer cents as the ``Decimal`` scalar shows it: "-12.05"."""

    def render(_dialect: str) -> ColumnElement[Any]:
        cents = raw_cents(cents_columns[0])
        for more in cents_columns[1:]:
            cents = cents + raw_cents(more)
        return _money_text(cents)

    return render


def money_of_cents(cents: Callable[[], ColumnElement[int]]) -> JsonValue:
    """An expression of integer cents (``cents()``) as the ``Decimal`` scalar shows it."""
    return lambda _dialect: _money_text(cents())


def _money_text(cents: ColumnElement[Any]) -> ColumnElement[Any]:
    magnitude = func.abs(cents)
    remainder = magnitude % _sql("100")
    # The SQL operator, integer division on both databases (SQLAlchemy's ``/`` is a
    # true division, its ``//`` a FLOOR() that SQLite may lack).
    euros = magnitude.op("/")(_sql("100"))
    return case(
        (cents.is_(None), None),
        else_=case((cents < _sql("0"), _sql("'-'")), else_=_sql("''"))
        + cast(euros, Text)
        + _sql("'.'")
        + case((remainder < _sql("10"), _sql("'0'")), else_=_sql("''"))
        + cast(remainder, Text),
    )


@dataclass(frozen=True, slots=True)
class Reading:
    """A value that reads statement parameters (the day, say): their values are given
    with each statement of a shape that holds it (``JsonShape.parameters``)."""

    value: JsonValue
    parameters: frozenset[str]

    def __call__(self, dialect: str) -> ColumnElement[Any]:
        return self.value(dialect)


def reading(*parameters: str) -> Callable[[JsonValue], Reading]:
    """``reading(TODAY)(value)``: ``value`` reads the statement parameter ``TODAY``."""
    return lambda value: Reading(value, frozenset(parameters))


def _sql(constant: str) -> ColumnElement[Any]:
    """A constant written into the statement's text, not a parameter: the text of a
    shape's statement stays the same, and PostgreSQL knows each constant's type."""
    return literal_column(constant)


def global_id(type_name: str, id_column: Any) -> JsonValue:
    """The object's global ID, as ``gateway.global_ids.encode_global_id`` writes it."""
    prefix = literal_column(f"'{_checked(type_name)}:'", Text)

    def render(dialect: str) -> ColumnElement[Any]:
        if dialect == "postgresql":
            encoded = func.encode(
                func.convert_to(prefix.op("||")(cast(id_column, Text)), literal_column("'UTF8'")),
                literal_column("'base64'"),
            )
            # base64 → base64url; PostgreSQL breaks lines every 76 characters.
            urlsafe = func.translate(
                encoded, literal_column("'+/' || chr(10)"), literal_column("'-_'")
            )
            return func.rtrim(urlsafe, literal_column("'='"))
        return func.gateway_global_id(_quoted(type_name), id_column)

    return render


@functools.cache
def literal_text(text: str) -> JsonValue:
    """A constant string (``__typename``)."""
    return lambda _dialect: _quoted(text)


def json_object(pairs: JsonFields, dialect: str) -> ColumnElement[str]:
    """One JSON object, its keys in the given order, as text."""
    return _json_object(pairs, dialect)


@functools.lru_cache(maxsize=256)
def _json_object(pairs: JsonFields, dialect: str) -> ColumnElement[str]:
    # Built once per shape (fields are declared once per schema): building a page's
    # expression again on each request was a fifth of a small page's time.
    arguments: list[Any] = []
    for key, value in pairs:
        arguments += [_quoted(key), value(dialect)]
    if dialect == "postgresql":
        # As text: the driver would decode a json value into a dict.
        return cast(func.json_build_object(*arguments), Text)
    return func.json_object(*arguments, type_=Text)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """SQLite has no base64: the global IDs of JSON rows come from this function."""
    dbapi_connection.create_function("gateway_global_id", 2, encode_global_id, deterministic=True)
