"""Wakes the subscriptions of this process when events are written, by any process.

The broker carries no event: it only says "events up to sequence N exist". Each
subscription then reads, from the event table and through its principal's visibility,
the events after its own cursor. So a notification lost or coalesced costs nothing but
latency, and a subscription never sees an event it may not see.

- PostgreSQL: one dedicated connection per process LISTENs on ``CHANNEL``; a trigger on
  the event table (migration 0410) NOTIFYs the highest sequence a transaction wrote,
  delivered by PostgreSQL at commit, to every process and host on the database. The
  connection is reopened when lost, and everyone is woken then (events may have been
  written meanwhile).
- Both: the commits of this process wake it at once (``on_committed``).
- SQLite (one host, development): other processes (``gateway`` commands) are seen by a cheap
  poll of the highest sequence, only while someone is subscribed.
- Both: every subscription also wakes up every ``RECHECK_SECONDS`` to check that its
  token and its visibility still hold; at most ``MAX_CONCURRENT_CHECKS`` such checks
  run at once in a process, so they never take more of the pool than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

T = TypeVar("T")
log = logging.getLogger(__name__)

#: The PostgreSQL notification channel; its payload is a sequence number.
CHANNEL = "gateway_evenements"
#: How often SQLite looks for events written by other processes (seconds).
SQLITE_POLL_SECONDS = 0.5
#: Delay before reopening a lost LISTEN connection (seconds).
RECONNECT_SECONDS = 1.0
#: Subscriptions of this process running their own checks (token, worker still visible)
#: at once. Each check takes a pooled connection for a moment, and one event wakes every
#: subscription, whose periodic checks then fall due together: unbounded, a hundred
#: dashboards took the whole pool (5 + 10) at each event and starved the HTTP requests
#: (measured with the 100-dashboard benchmark). The others wait their turn holding none.
MAX_CONCURRENT_CHECKS = 2


class EventBroker:
    """The process's "something new" signal, one per application."""

    def __init__(self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._engine = engine
        self._sessions = sessions
        self.latest = 0
        #: Incremented at each wake-up: a subscription waits for it to change.
        self.generation = 0
        self.subscribers = 0
        #: Subscriptions held per principal (``Principal.key``) in this process.
        self.slots: dict[str, int] = {}
        self._unregister: Callable[[], None] | None = None
        #: Reads in flight or done since the last wake-up, shared by the subscriptions
        #: that would run the very same statement (see ``shared_read``).
        self._reads: dict[Hashable, asyncio.Task[Any]] = {}
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        #: Taken by a subscription for its checks (``MAX_CONCURRENT_CHECKS``).
        self.checks = asyncio.Semaphore(MAX_CONCURRENT_CHECKS)

    @property
    def postgres(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    async def start(self) -> None:
        from gateway.events.writing import on_committed

        # This process's commits wake it at once, on both databases.
        self._unregister = on_committed(self.notify)
        loop = self._listen if self.postgres else self._poll
        self._task = asyncio.create_task(loop(), name="event-broker")

    async def stop(self) -> None:
        if self._unregister is not None:
            self._unregister()
            self._unregister = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def notify(self, sequence: int | None = None) -> None:
        """Wake every waiting subscription (``sequence``: the highest one written)."""
        if sequence is not None and sequence > self.latest:
            self.latest = sequence
        self._reads = {}  # later reads may see more: never reuse one from before
        self.generation += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def shared_read(self, key: Hashable, read: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``read`` in a session of its own, run once for every caller passing an equal
        ``key`` until the next wake-up: subscriptions that see the same events (e.g.
        every dashboard of one cabinet's administrators) share one statement. A read
        begun before a wake-up is not reused after it, so nothing committed since is
        missed; the key must name everything the result depends on."""
        task = self._reads.get(key)
        if task is None:

            async def run() -> T:
                async with self._sessions() as session:
                    return await read(session)

            task = asyncio.create_task(run())
            self._reads[key] = task
        # Shielded: one subscriber going away does not cancel the others' read.
        result: T = await asyncio.shield(task)
        return result

    async def latest_sequence(self) -> int:
        from gateway.events.models import Evenement

        async with self._sessions() as session:
            found = await session.scalar(select(func.max(Evenement.sequence)))
        return int(found or 0)

    async def wait(self, generation: int, seconds: float) -> int:
        """Until a wake-up after ``generation``, or ``seconds``; the generation now."""
        if self.generation == generation:
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await changed.wait()
        return self.generation

    async def _listen(self) -> None:
        import asyncpg

        url = make_url(self._engine.url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)

        def received(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
            self.notify(int(payload) if payload.isdigit() else None)

        while True:
            connection = None
            try:
                connection = await asyncpg.connect(dsn)
                await connection.add_listener(CHANNEL, received)
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _c, lost=lost: lost.set())
                self.listening.set()
                self.notify()  # whatever was written while not listening
                await lost.wait()
                log.warning("event notifications: connection lost, reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: retry, subscriptions keep polling
                log.warning("event notifications unavailable: %s", error)
            finally:
                self.listening.clear()
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close(timeout=2))
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _poll(self) -> None:
        self.listening.set()
        while True:
            await asyncio.sleep(SQLITE_POLL_SECONDS)
            if not self.subscribers:
                continue
            try:
                latest = await self.latest_sequence()
            except Exception as error:  # the database may be briefly locked or gone
                log.debug("event poll failed: %s", error)
                continue
            if latest > self.latest:
                self.notify(latest)
