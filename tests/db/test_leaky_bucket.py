"""The database-backed leaky bucket (``limiter.pour``) on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway import limiter
from tests.conftest import Database

BUCKET = limiter.Bucket("test.seau", size=100, restore_rate=10)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def pour(db: Database, cost: int, at: datetime, key: str = "k") -> limiter.Level:
    async with db.engine.connect() as connection:
        level = await limiter.pour(connection, BUCKET, key, cost, now=at)
        await connection.commit()
    return level


async def test_pours_until_full_then_refuses_with_the_wait(db: Database) -> None:
    assert (await pour(db, 60, NOW)).available == 40
    assert (await pour(db, 40, NOW)).available == 0
    refused = await pour(db, 30, NOW)
    assert not refused.allowed
    assert refused.retry_after == 3  # 30 points at 10 per second
    # A refusal pours nothing: two seconds later 20 points have drained.
    later = await pour(db, 20, NOW + timedelta(seconds=2))
    assert later.allowed and later.available == 0
    # Other keys have their own bucket.
    assert (await pour(db, 100, NOW, key="autre")).available == 0


async def test_the_bucket_drains_at_the_restore_rate_and_never_below_empty(db: Database) -> None:
    await pour(db, 100, NOW)
    assert (await pour(db, 0, NOW + timedelta(seconds=5))).available == 50
    assert (await pour(db, 0, NOW + timedelta(hours=1))).available == 100
    full = await pour(db, 100, NOW + timedelta(hours=1))
    assert full.allowed and full.seconds_to_full == 10


async def test_a_cost_beyond_the_size_never_fits(db: Database) -> None:
    refused = await pour(db, 101, NOW)
    assert not refused.allowed and refused.available == 100


async def test_a_clock_set_back_finds_the_bucket_empty(db: Database) -> None:
    await pour(db, 100, NOW)
    # Demos and tests move "today" back: the future pour does not block the past.
    assert (await pour(db, 10, NOW - timedelta(days=1))).available == 90
