"""Per-process leases of a leaky bucket, so that most requests pour nothing in the database.

``limiter.pour`` is one statement, but a statement on a connection of its own, committed:
about a third of the CPU of a small query (``me``). Instead, a process pours a *lease*
into the shared bucket, ``1/LEASE_SHARE`` of its size (at least the request's cost), in
that same one statement, and spends it on the key's next requests without a round trip,
for at most ``LEASE_SECONDS``. Requests of one key that find no lease wait for the one
refill under way in their process rather than each pouring its own.

Bound, whatever the number of processes: points are always poured into the shared
bucket before they are spent, so in any interval a key is served at most what the exact
bucket allows plus the leases poured before the interval and spent in it, at most one
per process (each process holds one lease per key). Conversely, a key may be refused
early by at most the unspent part of its leases, one per process. With the defaults
(800 000 points): 8 000 points per process, 4 000 ``me`` queries. When a lease does not
fit, the request's own cost is poured instead, so a key near its limit is counted
exactly; a bucket smaller than ``LEASE_SHARE`` points is always counted exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from gateway import limiter

LEASE_SHARE = 100
LEASE_SECONDS = 1.0
#: Keys remembered at most; beyond, those without a live lease are forgotten.
MAX_KEYS = 10_000

Pour = Callable[[int], Awaitable[limiter.Level]]


@dataclass(slots=True)
class _Lease:
    poured: limiter.Level  # the shared bucket just after the lease was poured
    taken_at: float  # POSIX seconds, from the request's clock
    remaining: int


@dataclass(slots=True)
class _KeyState:
    refill: asyncio.Lock = field(default_factory=asyncio.Lock)
    lease: _Lease | None = None


class BucketLeases:
    """This process's leases, one per ``(bucket, key)``."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], _KeyState] = {}

    async def pour(
        self, bucket: limiter.Bucket, key: str, cost: int, *, now: datetime, pour: Pour
    ) -> limiter.Level:
        """Spend ``cost`` from the key's lease, or take a new one with ``pour(amount)``
        (which pours ``amount`` into the shared bucket, in one statement)."""
        instant = now.timestamp()
        state = self._keys.get((bucket.name, key))
        if state is None:
            self._forget_idle_keys(instant)
            state = self._keys.setdefault((bucket.name, key), _KeyState())
        spent = _spend(state, bucket, cost, instant)
        if spent is not None:
            return spent
        async with state.refill:
            spent = _spend(state, bucket, cost, instant)  # refilled while we waited
            if spent is not None:
                return spent
            amount = max(cost, bucket.size // LEASE_SHARE)
            level = await pour(amount)
            if not level.allowed and amount > cost:
                amount = cost
                level = await pour(cost)
            if not level.allowed:
                state.lease = None
                return level
            state.lease = _Lease(level, instant, amount - cost)
            return _report(state.lease, bucket, instant)

    def _forget_idle_keys(self, instant: float) -> None:
        if len(self._keys) < MAX_KEYS:
            return
        for name, state in list(self._keys.items()):
            if not state.refill.locked() and not _live(state.lease, instant):
                del self._keys[name]
        while len(self._keys) >= MAX_KEYS:  # every key busy: forget the oldest
            del self._keys[next(iter(self._keys))]


def _live(lease: _Lease | None, instant: float) -> bool:
    """A lease serves for ``LEASE_SECONDS`` (not at all once the clock was set back)."""
    return lease is not None and 0 <= instant - lease.taken_at < LEASE_SECONDS


def _spend(
    state: _KeyState, bucket: limiter.Bucket, cost: int, instant: float
) -> limiter.Level | None:
    lease = state.lease
    if lease is None or not _live(lease, instant) or lease.remaining < cost:
        return None
    lease.remaining -= cost
    return _report(lease, bucket, instant)


def _report(lease: _Lease, bucket: limiter.Bucket, instant: float) -> limiter.Level:
    """The key's level as this process sees it: the bucket as poured, drained since,
    plus the lease's unspent points (poured, but still the key's to spend)."""
    drained = (instant - lease.taken_at) * bucket.restore_rate
    available = min(float(bucket.size), lease.poured.available + drained + lease.remaining)
    return limiter.Level(True, available, bucket.size, bucket.restore_rate)
