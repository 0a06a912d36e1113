"""gateway.limiter: at most N claims per key in any window, on SQLite and PostgreSQL,
whatever the concurrency and the number of engines (processes) sharing the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gateway import limiter
from gateway.db.engine import create_engine, session_factory
from gateway.db.models_access import CreneauLimite
from tests.conftest import Database

FIVE = limiter.Limit("test.cinq", 5, timedelta(minutes=15))
TWO = limiter.Limit("test.deux", 2, timedelta(minutes=1))
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def claim(db: Database, limit: limiter.Limit, key: str, now: datetime) -> limiter.Claim:
    async with session_factory(db.engine)() as session:
        result = await limiter.claim(session, limit, key, now=now)
        await session.commit()
        return result


async def slot_rows(db: Database) -> list[tuple[str, str, int]]:
    async with session_factory(db.engine)() as session:
        rows = await session.execute(
            select(CreneauLimite.politique, CreneauLimite.cle, CreneauLimite.rang).order_by(
                CreneauLimite.politique, CreneauLimite.cle, CreneauLimite.rang
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_the_window_slides_and_the_wait_is_exact_to_the_second(db: Database) -> None:
    for minute in range(5):
        taken = await claim(db, FIVE, "k", T0 + timedelta(minutes=minute))
        assert (taken.allowed, taken.retry_after, len(taken.taken)) == (True, 0, 1)
    # Claims at 10:00…10:04; at 10:05 the first one leaves the window at 10:15.
    refused = await claim(db, FIVE, "k", T0 + timedelta(minutes=5))
    assert (refused.allowed, refused.retry_after, refused.taken) == (False, 600, ())
    almost = T0 + timedelta(minutes=14, seconds=59, microseconds=500000)
    assert (await claim(db, FIVE, "k", almost)).retry_after == 1
    assert (await claim(db, FIVE, "k", T0 + timedelta(minutes=15))).allowed
    # 10:01…10:04 and 10:15 are in the window: the next slot frees at 10:16.
    assert (await claim(db, FIVE, "k", T0 + timedelta(minutes=15))).retry_after == 60
    # Other keys and other policies are independent.
    assert (await claim(db, FIVE, "other", T0 + timedelta(minutes=5))).allowed
    assert (await claim(db, TWO, "k", T0 + timedelta(minutes=5))).allowed


async def test_refused_claims_do_not_extend_the_wait(db: Database) -> None:
    for _ in range(2):
        assert (await claim(db, TWO, "k", T0)).allowed
    for second in range(0, 60, 5):
        assert (await claim(db, TWO, "k", T0 + timedelta(seconds=second))).retry_after == (
            60 - second
        )
    assert (await claim(db, TWO, "k", T0 + timedelta(minutes=1))).allowed


async def test_claim_all_takes_every_limit_or_none(db: Database) -> None:
    for _ in range(2):
        assert (await claim(db, TWO, "full", T0)).allowed
    async with session_factory(db.engine)() as session:
        both = await limiter.claim_all(
            session, [(FIVE, "room"), (TWO, "full")], now=T0 + timedelta(seconds=20)
        )
        await session.commit()
    assert (both.allowed, both.retry_after) == (False, 40)
    # "room" was given back: its five claims are all still there.
    async with session_factory(db.engine)() as session:
        # Refused on the first limit: the second is not even claimed, its wait counts.
        for _ in range(5):
            assert (await limiter.claim(session, FIVE, "later", now=T0)).allowed
        later = await limiter.claim_all(
            session, [(TWO, "full"), (FIVE, "later")], now=T0 + timedelta(seconds=20)
        )
        await limiter.forget(session, FIVE, "later")
        await session.commit()
    assert (later.allowed, later.retry_after) == (False, 15 * 60 - 20)
    for _ in range(5):
        assert (await claim(db, FIVE, "room", T0 + timedelta(seconds=20))).allowed
    assert not (await claim(db, FIVE, "room", T0 + timedelta(seconds=20))).allowed


async def test_a_released_claim_counts_for_nothing_and_forget_clears_a_key(db: Database) -> None:
    for _ in range(5):
        taken = await claim(db, FIVE, "k", T0)
        async with session_factory(db.engine)() as session:
            await limiter.release(session, taken)
            await session.commit()
    for _ in range(5):
        assert (await claim(db, FIVE, "k", T0)).allowed
    assert not (await claim(db, FIVE, "k", T0)).allowed
    async with session_factory(db.engine)() as session:
        await limiter.forget(session, FIVE, "k")
        await session.commit()
    assert (await claim(db, FIVE, "k", T0)).allowed


async def test_concurrent_claims_from_two_engines_never_exceed_the_limit(db: Database) -> None:
    # Two engines stand for two processes; 30 claims at the same instant.
    other = create_engine(db.url)
    try:

        async def one(n: int) -> bool:
            engine = db.engine if n % 2 else other
            async with session_factory(engine)() as session:
                result = await limiter.claim(session, FIVE, "shared", now=T0)
                await session.commit()
                return result.allowed

        results = await asyncio.gather(*(one(n) for n in range(30)))
    finally:
        await other.dispose()
    assert results.count(True) == 5
    assert (await claim(db, FIVE, "shared", T0 + timedelta(minutes=1))).retry_after == 840


async def test_long_keys_are_stored_as_their_digest(db: Database) -> None:
    key = "x" * 5000
    assert (await claim(db, TWO, key, T0)).allowed
    assert (await claim(db, TWO, key, T0)).allowed
    assert not (await claim(db, TWO, key, T0)).allowed
    assert (await claim(db, TWO, key + "y", T0)).allowed
    keys = {cle for _, cle, _ in await slot_rows(db)}
    assert keys == {limiter.stored_key(key), limiter.stored_key(key + "y")}
    assert all(len(k) <= limiter.KEY_MAX for k in keys)


async def test_unused_free_slots_of_a_policy_are_deleted_when_new_keys_come(db: Database) -> None:
    assert (await claim(db, TWO, "old", T0)).allowed
    assert (await claim(db, FIVE, "other-policy", T0)).allowed
    assert len(await slot_rows(db)) == 2 + 5
    # Within the window and the grace minute after it, "old" keeps its slots.
    assert (await claim(db, TWO, "new", T0 + timedelta(minutes=2))).allowed
    assert {cle for p, cle, _ in await slot_rows(db) if p == TWO.name} == {"old", "new"}
    later = T0 + timedelta(minutes=2, seconds=1)
    assert (await claim(db, TWO, "newer", later)).allowed
    rows = await slot_rows(db)
    assert {cle for p, cle, _ in rows if p == TWO.name} == {"new", "newer"}
    # Another policy's slots are its own business.
    assert [cle for p, cle, _ in rows if p == FIVE.name] == ["other-policy"] * 5
    async with session_factory(db.engine)() as session:
        assert await session.scalar(select(func.count()).select_from(CreneauLimite)) == 9


async def test_claims_made_before_the_clock_was_set_back_count_as_free(db: Database) -> None:
    later = T0 + timedelta(days=90)
    for _ in range(2):
        assert (await claim(db, TWO, "k", later)).allowed
    assert not (await claim(db, TWO, "k", later)).allowed
    # The clock goes back (a demo or a test choosing "today"): those claims are in its
    # future, beyond any skew between hosts, and no longer hold the slots.
    assert (await claim(db, TWO, "k", T0)).allowed
    assert (await claim(db, TWO, "k", T0)).allowed
    assert (await claim(db, TWO, "k", T0)).retry_after == 60
    # A claim a little ahead (another host's clock) still counts.
    assert (await claim(db, TWO, "ahead", T0 + timedelta(minutes=2))).allowed
    assert (await claim(db, TWO, "ahead", T0 + timedelta(minutes=2))).allowed
    assert not (await claim(db, TWO, "ahead", T0)).allowed
