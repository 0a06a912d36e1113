"""Engine and session factory; statement counting for the batching tests."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Executable, Result, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from gateway.db.json_values import register_sqlite_functions

T = TypeVar("T")

log = logging.getLogger(__name__)


def create_engine(database_url: str, pool_size: int | None = None) -> AsyncEngine:
    """``pool_size``: connections kept open (the server's setting); None for SQLAlchemy's
    default of 5, which suits the one-off commands."""
    url = make_url(database_url)
    pooling = {} if pool_size is None else {"pool_size": pool_size}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            pooling = {}  # one shared in-memory connection: nothing to size
        engine = create_async_engine(url, **pooling)
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    engine = create_async_engine(url, connect_args=_postgres_connect_args(url), **pooling)
    event.listen(engine.sync_engine, "checkin", _mark_idle)
    dialect = engine.dialect

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        _ping_if_idle(dialect, dbapi_connection, record)

    event.listen(engine.sync_engine, "checkout", ping_if_idle)
    return engine


#: A pooled connection idle longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 1.0


def _mark_idle(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Any, dbapi_connection: Any, record: Any) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but only for a connection that sat in the pool:
    the ping costs three round trips on asyncpg (BEGIN, a query, ROLLBACK), a fifth of
    the CPU of a small request, while a connection just given back is as alive as it
    was a millisecond ago, unless the driver already knows the server closed it (checked
    every time, without a round trip). One that dies anyway is caught by
    ``RequestSession``, which reads again on a new connection. A failed check makes the
    pool open a new one (SQLAlchemy documentation, "Disconnect Handling - Pessimistic",
    custom ping)."""
    driver = record.driver_connection
    is_closed = getattr(driver, "is_closed", None)
    if is_closed is not None and is_closed():
        # asyncpg saw the server end it (terminated, restarted): free to know.
        raise DisconnectionError()
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as error:  # any failure of the ping means "reconnect"
        raise DisconnectionError() from error


def _postgres_connect_args(url: Any) -> dict[str, Any]:
    """PostgreSQL's JIT compiles a statement whose estimated cost passes
    ``jit_above_cost``: the portfolio's page statements pass it on a cabinet of a few
    hundred clients and then spend most of their time compiling (258 ms a page at
    1 000 clients, 5.5 of 5.9 s at 5 000), at every execution since asyncpg's prepared
    statements keep a generic plan. The gateway's statements are short OLTP reads, for
    which JIT never pays (PostgreSQL documentation, "JIT Accelerated Operations"), so
    it is off for the gateway's sessions only, whatever the server's default."""
    if url.get_driver_name() != "asyncpg":
        return {}
    return {"server_settings": {"jit": "off"}}


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
    register_sqlite_functions(dbapi_connection)


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


class RequestFinished(RuntimeError):
    """A read asked for after its request ended (a batch nobody awaits any more)."""


class RequestSession:
    """The request's one ``AsyncSession``, serialized.

    strawberry resolves sibling fields concurrently, so several DataLoaders may reach
    the session at once; an ``AsyncSession`` runs one statement at a time. The lock
    serializes them instead of opening extra sessions (STYLE, pitfalls).

    A read whose connection was lost (the server killed it, or restarted) is run once
    more on a new connection: a read has nothing to undo. Not inside a unit of work
    (``writing``) nor with unflushed changes, whose transaction died with the connection.

    A request can end while a loader's statement still runs: a field's error that nulls
    the whole answer leaves its siblings' batches in flight. :meth:`finish` waits for
    that statement before the session is closed (closing under it fails, "another
    operation is in progress"), and refuses the reads queued after it.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.lock = asyncio.Lock()
        self.writing = False
        self.finished = False
        # Request-scoped helpers of the repositories, by name (e.g. reads combined
        # into one statement).
        self.shared: dict[str, Any] = {}

    async def finish(self) -> None:
        """The request is over: wait for the statement in flight, read nothing more."""
        async with self.lock:
            self.finished = True

    @property
    def dialect(self) -> str:
        """The database's dialect name ("sqlite", "postgresql")."""
        bind = self.session.bind
        return "sqlite" if bind is None else bind.dialect.name

    async def rows(
        self, statement: Executable, params: dict[str, Any] | None = None
    ) -> Sequence[Any]:
        """Every row of a Core statement, as tuples (the read path, no ORM entity)."""

        async def run() -> Sequence[Any]:
            # Through the session's connection: the rows as the driver gives them,
            # without the ORM's result machinery (an eighth of a large page's CPU).
            # Pending ORM changes are flushed first, as the session itself would.
            session = self.session
            if session.new or session.dirty or session.deleted:
                await session.flush()
            connection = await session.connection()
            return (await connection.execute(statement, params)).all()

        return await self._read(run)

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
            if self.finished:
                raise RequestFinished("la requête est terminée : plus aucune lecture")
            try:
                return await run()
            except DBAPIError as error:
                if not error.connection_invalidated or not self._may_read_again():
                    raise
                log.warning("connection lost during a read, reading again: %s", error.args[0])
                await self.session.rollback()
                return await run()

    async def release(self) -> None:
        """End the read transaction and give the connection back to the pool (the next
        read takes one again). A request about to need a second connection (its
        rate-limit bucket) calls this first: a request holding one connection while it
        waits for another starves the pool once as many requests do it at once."""
        async with self.lock:
            if self._may_read_again() and self.session.in_transaction():
                await self.session.commit()  # a read: nothing to write, nothing expired

    def _may_read_again(self) -> bool:
        session = self.session
        return not (self.writing or session.new or session.dirty or session.deleted)
