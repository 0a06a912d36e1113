"""Test fixtures: the same API tests run on SQLite and on PostgreSQL.

PostgreSQL: the server at 127.0.0.1:5432, user postgres (override with
TEST_POSTGRES_URL, which names the server, e.g. ``postgresql://postgres@127.0.0.1:5432/``).
Each test session creates its own uniquely named database on that server and drops it
at the end: no existing database is ever touched. In CI (CI=true) the server must be
reachable; elsewhere its tests skip with a message saying why.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.config import Settings
from gateway.db.engine import create_engine
from gateway.db.migrate import upgrade_async
from gateway.db.models import Base

POSTGRES_SERVER_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _server_url(database: str) -> str:
    """The test server's URL with the asyncpg driver and the given database."""
    url = make_url(POSTGRES_SERVER_URL).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


# The maintenance database the server always has, used to create and drop ours.
POSTGRES_URL = _server_url("postgres")


async def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), 5)
    except Exception as error:  # any failure to connect means "not reachable"
        return f"{type(error).__name__}: {error}"
    finally:
        await engine.dispose()
    return None


@dataclass
class Database:
    name: str
    url: str
    engine: AsyncEngine


@pytest_asyncio.fixture(scope="session", params=["sqlite", "postgresql"])
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        reason = await _postgres_reachable()
        if reason is not None:
            message = f"PostgreSQL not reachable at {POSTGRES_URL} ({reason})"
            if IN_CI:
                pytest.fail(f"{message}: PostgreSQL tests are mandatory in CI", pytrace=False)
            pytest.skip(f"{message}: PostgreSQL tests skipped (they run in CI)")
        name = f"gateway_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        await _admin(f'CREATE DATABASE "{name}"')
        url = _server_url(name)
    await upgrade_async(url)
    engine = create_engine(url)
    yield Database(request.param, url, engine)
    await engine.dispose()
    if request.param == "postgresql":
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str) -> None:
    """CREATE/DROP DATABASE on the test server (outside any transaction)."""
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    """An empty database for each test (tables emptied after it)."""
    yield database
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with database.engine.begin() as connection:
        if database.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


TODAY = date(2026, 11, 23)


def test_settings(url: str, today: date = TODAY) -> Settings:
    return Settings(
        database_url=url,
        today=today,
        argon2_time_cost=1,
        argon2_memory_cost=1024,
        # The shared 2-core test machine is slow: only the deadline tests set a short one.
        request_timeout_seconds=120.0,
        # Off, so that statement counts stay those of the queries themselves; the
        # rate-limit tests (tests/api/test_http_conventions.py) turn it on.
        rate_limit_bucket=0,
    )
