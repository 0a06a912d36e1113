"""Engine and session factory; statement counting for the batching tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Executable, Result, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class StatementCounter:
    """Counts the SQL statements an engine runs (tests assert constant counts)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.statements: list[str] = []
        self._engine = engine

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        self.statements.append(statement)

    @asynccontextmanager
    async def counting(self) -> AsyncIterator[StatementCounter]:
        self.count = 0
        self.statements = []
        event.listen(self._engine.sync_engine, "before_cursor_execute", self._on_execute)
        try:
            yield self
        finally:
            event.remove(self._engine.sync_engine, "before_cursor_execute", self._on_execute)


class RequestSession:
    """The request's one ``AsyncSession``, serialized.

    strawberry resolves sibling fields concurrently, so several DataLoaders may reach
    the session at once; an ``AsyncSession`` runs one statement at a time. The lock
    serializes them instead of opening extra sessions (STYLE, pitfalls).
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.lock = asyncio.Lock()

    async def execute(self, statement: Executable) -> Result[Any]:
        async with self.lock:
            return await self.session.execute(statement)

    async def scalars(self, statement: Executable) -> Sequence[Any]:
        async with self.lock:
            return (await self.session.scalars(statement)).all()

    async def scalar(self, statement: Executable) -> Any:
        async with self.lock:
            return await self.session.scalar(statement)
