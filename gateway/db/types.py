"""Column types that keep the domain's value types exact across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, DateTime, Dialect, String, type_coerce
from sqlalchemy.types import TypeDecorator

from domain.money import from_cents, to_cents


class Cents(TypeDecorator[Decimal]):
    """Money stored as integer cents, seen as ``Decimal`` euros.

    SQLite has no decimal type: ``Numeric`` values and ``SUM()`` go through float.
    Integer cents keep sums exact on both databases (SPEC §9).
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_cents(int(value))


def raw_cents(column: Any) -> ColumnElement[int]:
    """A ``Cents`` column as the integer cents it stores, for sums and comparisons in
    SQL (no conversion to ``Decimal`` on the way)."""
    return type_coerce(column, BigInteger)


class ExactDecimal(TypeDecorator[Decimal]):
    """A rate or ratio kept exactly, as its decimal text (no float on either database)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on both databases (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
