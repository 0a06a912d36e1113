"""Engine and session factory; statement counting for the batching tests."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Executable, Result, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")
log = logging.getLogger(__name__)


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # JIT compilation costs more than the gateway's short statements save (issue 11:
    # 258 ms per portfolio page at 1 000 clients): off on every connection.
    connect_args = {"server_settings": {"jit": "off"}} if url.drivername.endswith("asyncpg") else {}
    return create_async_engine(url, pool_pre_ping=True, connect_args=connect_args)


#: Execution option naming how SQLite begins a transaction ("DEFERRED", "IMMEDIATE").
SQLITE_BEGIN = "gateway_sqlite_begin"
#: Options of a connection that will write: on SQLite it takes the write lock at BEGIN,
#: before its first read (PostgreSQL ignores it: row locks do that job there).
WRITE_TRANSACTION: dict[str, Any] = {SQLITE_BEGIN: "IMMEDIATE"}


_WRITERS: weakref.WeakKeyDictionary[Any, dict[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def writer_queue(bind: Any) -> asyncio.Lock | None:
    """On SQLite, the lock this process's write transactions take in turn, first come
    first served, before BEGIN IMMEDIATE: the database has one write lock, and waiting
    for it in SQLite's busy handler blocks a driver thread and polls (up to 100 ms late
    each time) instead of queueing. Other processes still meet the busy timeout. None on
    PostgreSQL, whose writers on different rows run at the same time."""
    if bind.dialect.name != "sqlite":
        return None
    per_loop = _WRITERS.setdefault(bind, {})
    return per_loop.setdefault(asyncio.get_running_loop(), asyncio.Lock())


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 driver's own transaction handling is off: it began a transaction only
    # before an INSERT/UPDATE/DELETE, so SELECTs ran outside any transaction and a unit of
    # work took the write lock only at its first write, after its reads; when another
    # writer had committed meanwhile SQLite refused it at once ("database is locked", the
    # busy timeout does not apply). SQLAlchemy emits BEGIN itself instead (its SQLite
    # dialect documentation, "Enabling Non-Legacy SQLite Transactional Modes").
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class StatementCounter:
    """Counts the SQL statements an engine runs (tests assert constant counts)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.statements: list[str] = []
        self._engine = engine

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith(TRANSACTION_CONTROL):
            return  # not a query (and SQLite's BEGIN is a statement where asyncpg's is not)
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

    A read whose connection was lost (the server killed it, or restarted) is run once
    more on a new connection: a read has nothing to undo. Not inside a unit of work
    (``writing``) nor with unflushed changes, whose transaction died with the connection.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.lock = asyncio.Lock()
        self.writing = False

    async def execute(self, statement: Executable) -> Result[Any]:
        return await self._read(lambda: self.session.execute(statement))

    async def scalars(self, statement: Executable) -> Sequence[Any]:
        async def run() -> Sequence[Any]:
            return (await self.session.scalars(statement)).all()

        return await self._read(run)

    async def scalar(self, statement: Executable) -> Any:
        return await self._read(lambda: self.session.scalar(statement))

    async def _read(self, run: Callable[[], Awaitable[T]]) -> T:
        async with self.lock:
            try:
                return await run()
            except DBAPIError as error:
                if not error.connection_invalidated or not self._may_read_again():
                    raise
                log.warning("connection lost during a read, reading again: %s", error.args[0])
                await self.session.rollback()
                return await run()

    def _may_read_again(self) -> bool:
        session = self.session
        return not (self.writing or session.new or session.dirty or session.deleted)
