"""The gateway's connection settings and the statistics a seed leaves behind."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import event, text

from gateway.config import Settings
from gateway.db.engine import create_engine, session_factory
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


async def _connections_opened_over_rounds(url: str, pool_size: int | None) -> list[int]:
    """Connections opened, cumulated after each of three rounds of twelve requests at
    once, each holding its connection until all twelve hold one."""
    engine = create_engine(url, pool_size)
    opened = 0

    def count(*_: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", count)
    sessions = session_factory(engine)

    async def request(all_hold_one: asyncio.Barrier) -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            await all_hold_one.wait()
            await session.execute(text("SELECT 2"))

    after: list[int] = []
    try:
        for _ in range(3):
            barrier = asyncio.Barrier(12)
            await asyncio.gather(*(request(barrier) for _ in range(12)))
            after.append(opened)
    finally:
        await engine.dispose()
    return after


@pytest.mark.asyncio
async def test_concurrent_requests_reuse_the_pool_instead_of_opening_connections(
    db: Database,
) -> None:
    # Twelve at once fit the server's pool: opened in the first round, reused after.
    kept = await _connections_opened_over_rounds(db.url, Settings().db_pool_size)
    assert kept[0] == 12 and kept[1:] == [12, 12]
    # With SQLAlchemy's default of 5, the seven beyond it are opened again every round
    # (what the server did before the setting: a handshake per such request).
    churned = await _connections_opened_over_rounds(db.url, None)
    assert churned == [12, 19, 26]


@pytest.mark.parametrize("value", ["0", "201", "twenty"])
def test_a_bad_pool_size_is_refused_naming_it(value: str) -> None:
    from gateway.config import SettingsError

    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"GATEWAY_DB_POOL_SIZE": value})
    assert str(refused.value) == (
        f"GATEWAY_DB_POOL_SIZE={value!r} is invalid: expected a whole number of "
        "connections between 1 and 200, e.g. 20"
    )
