"""``INSERT … ON CONFLICT`` on either database, in one statement.

PostgreSQL's and SQLite's insert constructs offer the same ``on_conflict_do_nothing`` /
``on_conflict_do_update`` API; this picks the one of the connection's dialect, so that
a "create or update" is one statement instead of a read and a write that a concurrent
request could interleave.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def dialect_name(db: AsyncSession | AsyncConnection) -> str:
    if isinstance(db, AsyncSession):
        return db.get_bind().dialect.name
    return db.dialect.name


def insert_on_conflict(db: AsyncSession | AsyncConnection, table: Any) -> Any:
    """The dialect's ``insert(table)``, which supports ``on_conflict_do_…``."""
    return dialect_insert(dialect_name(db), table)


def dialect_insert(dialect: str, table: Any) -> Any:
    """``insert(table)`` of the dialect named (for a statement built once per database)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)
