"""Database-backed rate limits: at most ``maximum`` claims per key in any ``window``.

The guarantee holds whatever the concurrency and the number of processes sharing the
database (SQLite or PostgreSQL), because each claim is ONE conditional statement: the
check ("is a slot free?") and the claim ("it is mine") cannot be separated by another
request. The window slides: a claim counts for exactly ``window`` after it was made.

Usage, from a service (any ``AsyncSession`` or ``AsyncConnection`` on the database)::

    from gateway import limiter

    RESET_PER_IDENTIFIER = limiter.Limit("reset.identifiant", 3, timedelta(hours=1))

    claim = await limiter.claim(session, RESET_PER_IDENTIFIER, identifiant, now=clock.now())
    await session.commit()  # see "Transactions" below
    if not claim.allowed:
        ...  # refuse; claim.retry_after is the number of seconds to wait (>= 1)

API:

- ``Limit(name, maximum, window)``: one policy, declared once (a module constant).
  ``name`` (<= 60 characters) keeps policies apart; keys are free text (long keys are
  stored as their SHA-256 digest).
- ``await claim(db, limit, key, now=...) -> Claim``: take one of the key's slots if
  one is free. ``Claim.allowed``; ``Claim.retry_after``: 0 when allowed, else the
  seconds until the oldest claim of the window leaves it. A refused claim counts for
  nothing (a caller hammering a limit does not extend its own delay).
- ``await claim_all(db, [(limit, key), ...], now=...) -> Claim``: all or nothing (e.g.
  per identifier AND per address), in order: when one is refused, those before it are
  given back, those after it are not claimed, and ``retry_after`` is the longest wait.
- ``await release(db, claim)``: give a claim back, e.g. an attempt that must not count
  once its outcome is known (a successful login does not count against its address).
- ``await forget(db, limit, key)``: clear a key's claims (a successful login clears
  the failures of its identifier).

Transactions: the statements run in the caller's transaction. Commit right after the
claim, before the work it guards: on PostgreSQL the claimed row stays locked (other
claims on the same key wait) until then, and a rollback would give the claim back.
PostgreSQL must run at READ COMMITTED (its default), where a statement that loses a
race on a slot sees the winner's row and moves on to the next slot.

Storage: ``creneau_limite`` holds up to ``maximum`` rows per key, each the time its
slot was last claimed; a slot is free when that time has left the window, a missing
slot is free too. Slots are created when a key first needs them, and free slots of
the same policy unused for a while are deleted then, so the table stays the size of
the keys actually limited.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    not_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gateway.db.models_access import CreneauLimite
from gateway.db.upsert import dialect_insert, dialect_name, insert_on_conflict

KEY_MAX = 200
# Free slots untouched for this long beyond their window are deleted (never the ones
# just created, which other requests may be about to claim).
PURGE_AFTER = timedelta(minutes=1)
PURGE_BATCH = 500
RELEASED = datetime(2000, 1, 1, tzinfo=UTC)
# A slot claimed further than this in the future was claimed before the clock was set
# back (demos and tests move "today"): it counts as free. Beyond any skew between hosts.
CLOCK_SET_BACK = timedelta(minutes=5)

Db = AsyncSession | AsyncConnection
_TABLE: Table = CreneauLimite.__table__  # type: ignore[assignment]
_slot = _TABLE.c


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``maximum`` claims per key in any ``window``."""

    name: str
    maximum: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.maximum < 1 or self.window <= timedelta(0) or not 0 < len(self.name) <= 60:
            raise ValueError(f"invalid limit {self!r}")


@dataclass(frozen=True, slots=True)
class _Taken:
    politique: str
    cle: str
    rang: int
    pris_le: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to a claim: ``allowed``, else ``retry_after`` seconds (>= 1) to wait."""

    allowed: bool
    retry_after: int = 0
    taken: tuple[_Taken, ...] = ()


def stored_key(key: str) -> str:
    """The key as stored: itself, or its digest when too long for the column."""
    if len(key) <= KEY_MAX:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


async def claim(db: Db, limit: Limit, key: str, *, now: datetime) -> Claim:
    """Take one of ``key``'s slots under ``limit`` if one is free."""
    return await claim_all(db, [(limit, key)], now=now)


async def claim_all(db: Db, claims: Sequence[tuple[Limit, str]], *, now: datetime) -> Claim:
    """Take a slot under every ``(limit, key)``, in order, or none of them."""
    taken: list[_Taken] = []
    for index, (limit, key) in enumerate(claims):
        slot, wait = await _claim_one(db, limit, stored_key(key), now)
        if slot is None:
            # Give back what was taken; the later limits are only looked at, so that a
            # refused request never holds a slot another one might have needed.
            for earlier in taken:
                await _give_back(db, earlier)
            for later, later_key in claims[index + 1 :]:
                wait = max(wait, await _wait(db, later, stored_key(later_key), now))
            return Claim(False, wait)
        taken.append(slot)
    return Claim(True, 0, tuple(taken))


async def release(db: Db, claim: Claim) -> None:
    """Give back the slots of an allowed claim: as if it had never been made."""
    for slot in claim.taken:
        await _give_back(db, slot)


async def forget(db: Db, limit: Limit, key: str) -> None:
    """Clear every claim of ``key`` under ``limit``."""
    await db.execute(
        delete(_TABLE).where(_slot.politique == limit.name, _slot.cle == stored_key(key))
    )


async def _claim_one(db: Db, limit: Limit, cle: str, now: datetime) -> tuple[_Taken | None, int]:
    """``(slot, 0)`` when claimed, ``(None, seconds to wait)`` when the key is full."""
    cutoff = now - limit.window
    # Each failed round means another request took or created a slot meanwhile, which
    # happens at most a few times per slot: the bound only guards against a bug.
    for _ in range(2 * limit.maximum + 4):
        rang = await _take_free_slot(db, limit, cle, now)
        if rang is not None:
            return _Taken(limit.name, cle, rang, now), 0
        slots, busy, oldest = await _slots(db, limit, cle, now)
        if slots < limit.maximum:
            await _purge(db, limit, cle, now)
            await _create_slots(db, limit, cle, cutoff)
            continue
        if busy < limit.maximum or oldest is None:
            continue  # a slot was freed since the claim was tried: try again
        return None, _seconds_until(oldest + limit.window, now)
    return None, 1


def _busy(limit: Limit, now: datetime) -> ColumnElement[bool]:
    """A slot is busy while its claim is in the window before ``now`` (see
    ``CLOCK_SET_BACK`` for claims from the future)."""
    return and_(_slot.pris_le > now - limit.window, _slot.pris_le <= now + CLOCK_SET_BACK)


async def _slots(db: Db, limit: Limit, cle: str, now: datetime) -> tuple[int, int, datetime | None]:
    """How many slots the key has, how many are busy, and when the oldest busy one
    was claimed."""
    busy = _busy(limit, now)
    count, busy_count, oldest = (
        await db.execute(
            select(
                func.count(),
                func.count().filter(busy),
                func.min(_slot.pris_le).filter(busy),
            ).where(_slot.politique == limit.name, _slot.cle == cle, _slot.rang < limit.maximum)
        )
    ).one()
    return int(count), int(busy_count), oldest


async def _wait(db: Db, limit: Limit, cle: str, now: datetime) -> int:
    """Seconds until the key has a free slot (0: it has one now), claiming nothing."""
    slots, busy, oldest = await _slots(db, limit, cle, now)
    if slots < limit.maximum or busy < limit.maximum or oldest is None:
        return 0
    return _seconds_until(oldest + limit.window, now)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


async def _take_free_slot(db: Db, limit: Limit, cle: str, now: datetime) -> int | None:
    """The one statement that checks and claims: the oldest free slot becomes ``now``."""
    mine = (_slot.politique == limit.name, _slot.cle == cle, _slot.rang < limit.maximum)
    free = not_(_busy(limit, now))
    oldest_free = (
        select(_slot.rang)
        .where(*mine, free)
        .order_by(_slot.pris_le, _slot.rang)
        .limit(1)
        .scalar_subquery()
    )
    # ``free`` is repeated on the row itself: on PostgreSQL, a statement that waited for
    # a concurrent claim of the same slot re-checks it on the updated row, finds it
    # taken, and updates nothing.
    result = await db.execute(
        update(_TABLE)
        .where(*mine, _slot.rang == oldest_free, free)
        .values(pris_le=now)
        .returning(_slot.rang)
    )
    rang: int | None = result.scalar_one_or_none()
    return rang


async def _create_slots(db: Db, limit: Limit, cle: str, free_since: datetime) -> None:
    """The key's missing slots, free (claimed exactly one window ago)."""
    rows = [
        {"politique": limit.name, "cle": cle, "rang": rang, "pris_le": free_since}
        for rang in range(limit.maximum)
    ]
    statement = insert_on_conflict(db, _TABLE).values(rows)
    await db.execute(statement.on_conflict_do_nothing(index_elements=["politique", "cle", "rang"]))


async def _purge(db: Db, limit: Limit, cle: str, now: datetime) -> None:
    """Delete free slots of other keys of the policy, long unused. Rows another
    transaction holds are skipped (PostgreSQL), so a purge never waits or deadlocks."""
    stale = (
        select(_slot.politique, _slot.cle, _slot.rang)
        .where(
            _slot.politique == limit.name,
            _slot.cle != cle,
            _slot.pris_le < now - limit.window - PURGE_AFTER,
        )
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    await db.execute(
        delete(_TABLE).where(tuple_(_slot.politique, _slot.cle, _slot.rang).in_(stale))
    )


async def _give_back(db: Db, slot: _Taken) -> None:
    """Free a slot claimed at ``slot.pris_le`` (unless claimed again since). Freed for
    good (long ago), not just one window back, so that a clock set back (demos, tests
    moving "today") still finds it free; the purge deletes it in due course."""
    await db.execute(
        update(_TABLE)
        .where(
            _slot.politique == slot.politique,
            _slot.cle == slot.cle,
            _slot.rang == slot.rang,
            _slot.pris_le == slot.pris_le,
        )
        .values(pris_le=RELEASED)
    )


# --- Leaky buckets ------------------------------------------------------------------
#
# A second kind of limit, for amounts rather than counts (the cost of GraphQL queries,
# Shopify's model): each key has a bucket of ``size`` points that drains at
# ``restore_rate`` points per second; a request pours its cost in, and is refused
# (pouring nothing) when that would overflow. ``pour`` is ONE statement (an upsert that
# drains, checks, pours and reads the level back), so the guarantee holds across
# processes sharing the database, and costs a request a single round trip.
#
#     bucket = limiter.Bucket("graphql.cout", size=800_000, restore_rate=100_000)
#     level = await limiter.pour(connection, bucket, "user:42", cost, now=clock.now())
#     await connection.commit()
#     if not level.allowed: ...  # level.retry_after seconds until the cost fits


@dataclass(frozen=True, slots=True)
class Bucket:
    """``size`` points per key, restored at ``restore_rate`` points per second."""

    name: str
    size: int
    restore_rate: float

    def __post_init__(self) -> None:
        if self.size < 1 or self.restore_rate <= 0 or not 0 < len(self.name) <= 60:
            raise ValueError(f"invalid bucket {self!r}")


@dataclass(frozen=True, slots=True)
class Level:
    """A bucket after a pour: ``allowed``, the points ``available`` now, and when
    refused the whole seconds until the cost would fit (``retry_after`` >= 1)."""

    allowed: bool
    available: float
    size: int
    restore_rate: float
    retry_after: int = 0

    @property
    def seconds_to_full(self) -> int:
        """Whole seconds until the bucket has drained entirely (0: it is empty)."""
        return math.ceil(max(0.0, self.size - self.available) / self.restore_rate)


@functools.cache
def _pour_statement(dialect: str) -> Any:
    """The pour as one statement, built once per database with its values as named
    parameters: every request pours, and building the statement and its cache key anew
    cost as much as running it."""
    seau = _bucket_table().c
    # Not named like a column: an INSERT keeps those names for its own values.
    instant = bindparam("seau_instant", type_=Float)
    cost = bindparam("cout", type_=Float)
    rate = bindparam("debit", type_=Float)
    # The level drained since the last pour; a pour dated in the future (the clock was
    # set back, see CLOCK_SET_BACK) finds the bucket empty.
    elapsed = instant - seau.instant
    drained = case(
        (seau.instant > bindparam("futur_apres", type_=Float), literal(0.0)),
        (seau.niveau - elapsed * rate > 0, seau.niveau - elapsed * rate),
        else_=literal(0.0),
    )
    fits = drained + cost <= bindparam("taille", type_=Float)
    return (
        dialect_insert(dialect, _bucket_table())
        .values(
            politique=bindparam("seau_politique", type_=String),
            cle=bindparam("seau_cle", type_=String),
            niveau=bindparam("niveau_initial", type_=Float),
            instant=instant,
            accepte=bindparam("accepte_initial", type_=Boolean),
        )
        .on_conflict_do_update(
            index_elements=["politique", "cle"],
            set_={
                "niveau": case((fits, drained + cost), else_=drained),
                "instant": instant,
                "accepte": case((fits, literal(True)), else_=literal(False)),
            },
        )
        .returning(seau.niveau, seau.accepte)
    )


def _bucket_table() -> Table:
    from gateway.db.models_http import SeauCout

    table: Table = SeauCout.__table__  # type: ignore[assignment]
    return table


async def pour(db: Db, bucket: Bucket, key: str, cost: int, *, now: datetime) -> Level:
    """Pour ``cost`` points into ``key``'s bucket if they fit (nothing otherwise)."""
    instant = now.timestamp()
    first = cost <= bucket.size
    parameters = {
        "seau_politique": bucket.name,
        "seau_cle": stored_key(key),
        "seau_instant": instant,
        # A pour dated after this finds the bucket empty (see CLOCK_SET_BACK).
        "futur_apres": instant + CLOCK_SET_BACK.total_seconds(),
        "cout": float(cost),
        "taille": float(bucket.size),
        "debit": bucket.restore_rate,
        "niveau_initial": float(cost if first else 0),
        "accepte_initial": first,
    }
    statement = _pour_statement(dialect_name(db))
    niveau, accepte = (await db.execute(statement, parameters)).one()
    available = max(0.0, bucket.size - float(niveau))
    if accepte:
        return Level(True, available, bucket.size, bucket.restore_rate)
    wait = math.ceil((cost - available) / bucket.restore_rate)
    return Level(False, available, bucket.size, bucket.restore_rate, max(1, wait))
