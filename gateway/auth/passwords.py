"""Password hashing with argon2 (argon2-cffi), cost set by configuration.

argon2 is CPU- and memory-bound by design (65 MiB and ~0.1 s per hash by default): run
on the event loop, every hash would stall every other request of the process. Request
handlers therefore use the ``async`` methods, which run in a worker thread (argon2-cffi
releases the GIL while hashing), at most ``threads`` at a time: the bound caps both the
CPU taken from the other requests and the memory (``threads`` × memory cost).
The blocking ``hash``/``verify`` serve scripts (seeds) and code already in such a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


class Passwords:
    def __init__(self, time_cost: int = 3, memory_cost: int = 65536, threads: int = 2) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        self._threads = threads
        self._pool: anyio.CapacityLimiter | None = None
        # Verifying against this when the login is unknown takes as long as a real
        # check, so response time does not reveal which identifiers exist.
        self._decoy = self._hasher.hash("decoy-password-never-valid")

    def hash(self, password: str) -> str:
        """Blocking: not on the event loop."""
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Blocking: not on the event loop. None (unknown login) checks a decoy."""
        try:
            return (
                self._hasher.verify(stored_hash or self._decoy, password)
                and stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    async def hash_async(self, password: str) -> str:
        return await self.in_worker_thread(self.hash, password)

    async def verify_async(self, stored_hash: str | None, password: str) -> bool:
        return await self.in_worker_thread(self.verify, stored_hash, password)

    async def in_worker_thread(self, work: Callable[..., T], *args: object) -> T:
        """Run blocking ``work`` that hashes or verifies in the bounded worker pool."""
        if self._pool is None:
            # Created on first use: a CapacityLimiter belongs to the running event loop.
            self._pool = anyio.CapacityLimiter(self._threads)
        return await anyio.to_thread.run_sync(work, *args, limiter=self._pool)
