"""Per-process leases of the rate-limit bucket (``gateway.limiter_lease``): most requests
pour nothing, and the shared limit holds within one lease per process, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from gateway import limiter
from gateway.limiter_lease import LEASE_SECONDS, BucketLeases
from tests.conftest import Database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# Leases of 10 points; restored so slowly that nothing drains during a test.
BUCKET = limiter.Bucket("test.bail", size=1000, restore_rate=0.001)


class Process:
    """One gateway process: its own leases, the shared bucket in the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.leases = BucketLeases()
        self.poured: list[int] = []

    async def pour_in_database(self, amount: int, at: datetime) -> limiter.Level:
        self.poured.append(amount)
        async with self.db.engine.connect() as connection:
            level = await limiter.pour(connection, BUCKET, "user:1", amount, now=at)
            await connection.commit()
        return level

    async def request(self, cost: int = 2, at: datetime = NOW) -> limiter.Level:
        async def pour(amount: int) -> limiter.Level:
            return await self.pour_in_database(amount, at)

        return await self.leases.pour(BUCKET, "user:1", cost, now=at, pour=pour)


async def test_a_lease_serves_the_next_requests_without_pouring(db: Database) -> None:
    process = Process(db)
    first = await process.request()
    assert first.allowed and first.available == 998  # 1000 - 10 leased + 8 unspent
    levels = [await process.request() for _ in range(4)]
    assert [level.available for level in levels] == [996, 994, 992, 990]
    assert process.poured == [10]
    # The lease is spent: the next request takes another one.
    assert (await process.request()).available == 988
    assert process.poured == [10, 10]


async def test_a_lease_ends_after_its_time_or_when_the_clock_is_set_back(db: Database) -> None:
    process = Process(db)
    await process.request()
    await process.request(at=NOW + timedelta(seconds=LEASE_SECONDS))
    await process.request(at=NOW - timedelta(seconds=1))
    assert process.poured == [10, 10, 10]


async def test_concurrent_requests_of_a_key_wait_for_one_refill(db: Database) -> None:
    process = Process(db)
    levels = await asyncio.gather(*(process.request() for _ in range(5)))
    assert all(level.allowed for level in levels)
    assert process.poured == [10]


async def test_a_cost_beyond_the_lease_is_poured_exactly(db: Database) -> None:
    process = Process(db)
    level = await process.request(cost=300)
    assert level.allowed and level.available == 700
    assert process.poured == [300]


async def test_near_the_limit_the_request_cost_is_poured_instead_of_a_lease(db: Database) -> None:
    process = Process(db)
    await process.request(cost=995)
    assert (await process.request(cost=3)).available == 2
    assert process.poured == [995, 10, 3]
    refused = await process.request(cost=3)
    assert not refused.allowed and refused.retry_after > 0
    assert process.poured == [995, 10, 3, 10, 3]


async def test_two_processes_keep_the_shared_limit_within_one_lease_each(db: Database) -> None:
    first, second = Process(db), Process(db)
    served = 0
    # Alternate requests until both are refused: never more than the bucket, and never
    # fewer than the bucket less one unspent lease per process.
    refusals = 0
    turn = 0
    while refusals < 2 and served <= BUCKET.size:
        process = (first, second)[turn % 2]
        turn += 1
        if (await process.request(cost=1)).allowed:
            served += 1
            refusals = 0
        else:
            refusals += 1
    lease = BUCKET.size // 100
    assert BUCKET.size - 2 * lease <= served <= BUCKET.size
    assert len(first.poured) + len(second.poured) < served / 5  # most requests poured nothing


async def test_a_bucket_smaller_than_a_hundred_points_is_counted_exactly(db: Database) -> None:
    small = limiter.Bucket("test.petit", size=7, restore_rate=0.001)
    leases = BucketLeases()
    poured: list[int] = []

    async def pour(amount: int) -> limiter.Level:
        poured.append(amount)
        async with db.engine.connect() as connection:
            level = await limiter.pour(connection, small, "k", amount, now=NOW)
            await connection.commit()
        return level

    levels = [await leases.pour(small, "k", 2, now=NOW, pour=pour) for _ in range(4)]
    assert [(level.allowed, int(level.available)) for level in levels] == [
        (True, 5),
        (True, 3),
        (True, 1),
        (False, 1),
    ]
    assert poured == [2, 2, 2, 2]
