"""The gateway's connection settings and the statistics a seed leaves behind."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import text

from gateway.config import Settings
from gateway.db.engine import create_engine
from gateway.seed.synthetic import seed_synthetic_command
from tests.conftest import Database


@pytest.mark.asyncio
async def test_jit_is_off_on_the_gateways_postgresql_connections(db: Database) -> None:
    if db.name != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    engine = create_engine(db.url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SHOW jit"))).scalar_one() == "off"
    finally:
        await engine.dispose()


@pytest.mark.asyncio
async def test_a_synthetic_seed_leaves_the_planner_statistics_fresh(db: Database) -> None:
    await seed_synthetic_command(
        Settings(
            database_url=db.url,
            today=date(2026, 11, 23),
            argon2_time_cost=1,
            argon2_memory_cost=1024,
        ),
        clients=3,
        seed=11,
    )
    async with db.engine.connect() as connection:
        if db.name == "postgresql":
            analysed = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'echeance' "
                    "AND last_analyze IS NOT NULL"
                )
            )
        else:
            analysed = await connection.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'echeance'")
            )
        assert analysed.scalar_one() == 1


@pytest.mark.asyncio
async def test_a_pooled_connection_the_server_ended_is_replaced_before_use(db: Database) -> None:
    """Without a ping for connections just given back, one the server terminated must
    still never reach a transaction (a write would fail: it is not read again)."""
    if db.name != "postgresql":
        pytest.skip("terminating a connection from outside is PostgreSQL's")
    engine = create_engine(db.url)
    try:
        async with engine.connect() as connection:
            first = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        async with db.engine.connect() as other:
            await other.execute(text(f"SELECT pg_terminate_backend({int(first)})"))
        await asyncio.sleep(0.2)  # the driver reads the end of the connection
        async with engine.begin() as connection:
            second = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert second != first
    finally:
        await engine.dispose()
