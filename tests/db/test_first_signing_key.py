"""Processes starting together on a database without a signing key end with one key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from gateway.auth.keys import KeyRing
from gateway.db.engine import create_engine, session_factory
from gateway.db.models_keys import CleSignature
from tests.conftest import Database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_concurrent_first_loads_create_one_key_that_every_ring_signs_with(
    db: Database,
) -> None:
    # Separate engines, as separate processes have: each has its own connections.
    engines = [create_engine(db.url) for _ in range(4)]
    try:
        rings = [KeyRing(session_factory(engine), token_ttl_seconds=900) for engine in engines]
        await asyncio.gather(*(ring.reload(NOW) for ring in rings))
        async with db.engine.connect() as connection:
            keys = await connection.scalar(select(func.count()).select_from(CleSignature))
        assert keys == 1
        assert len({ring.signing_key.kid for ring in rings}) == 1
    finally:
        for engine in engines:
            await engine.dispose()
