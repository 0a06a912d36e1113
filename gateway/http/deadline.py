"""The request deadline: a GraphQL operation running longer than the configured time
ends with a REQUEST_TIMEOUT error (issue 9, item 8).

The operation is cancelled at its next ``await`` (a loader, a statement: PostgreSQL
cancels the running statement). A statement cancelled midway leaves its connection in
an unknown state: ``on_timeout`` then ends it (``discard_session``); nothing
uncommitted survives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError
from sqlalchemy.exc import IllegalStateChangeError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

T = TypeVar("T")
log = logging.getLogger(__name__)


async def discard_session(session: AsyncSession) -> None:
    """End the session of an operation cut off midway. On PostgreSQL its connection may
    be mid-statement: it is discarded (a rollback there can fail). On SQLite the
    statement cannot be interrupted (it runs in the driver's thread) and invalidating
    the connection under it hangs: the session is closed, which rolls back once the
    statement ends."""
    end = session.close if session.get_bind().dialect.name == "sqlite" else session.invalidate
    # Sibling resolvers cancelled with the operation may still be unwinding (one of them
    # inside a connection checkout): wait for them rather than break the session under them.
    for _ in range(CLEANUP_ATTEMPTS - 1):
        try:
            await end()
            return
        except IllegalStateChangeError:
            await asyncio.sleep(CLEANUP_PAUSE_SECONDS)
    await end()


#: How often, and how far apart, ending a cut-off session is tried (about 1 s in all).
CLEANUP_ATTEMPTS = 20
CLEANUP_PAUSE_SECONDS = 0.05


def timed_out(seconds: float) -> ExecutionResult:
    error = GraphQLError(
        f"Requête interrompue : plus de {seconds:g} s d'exécution. "
        "Demandez moins de données à la fois (paginez).",
        extensions={"code": "REQUEST_TIMEOUT", "seconds": seconds},
    )
    return ExecutionResult(data=None, errors=[error])


async def within_deadline(
    seconds: float, work: Awaitable[T], on_timeout: Callable[[], Awaitable[None]]
) -> T | ExecutionResult:
    try:
        async with asyncio.timeout(seconds):
            return await work
    except TimeoutError:
        try:
            await on_timeout()
        except Exception:  # a session cancelled midway may refuse even this
            log.warning("cleanup after the request deadline failed", exc_info=True)
        return timed_out(seconds)
