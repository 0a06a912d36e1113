"""The request deadline: a GraphQL operation running longer than the configured time
ends with a REQUEST_TIMEOUT error (issue 9, item 8).

The operation is cancelled at its next ``await`` (a loader, a statement: PostgreSQL
cancels the running statement). A statement cancelled midway leaves its connection in
an unknown state: ``on_timeout`` then discards it (``AsyncSession.invalidate``) rather
than trying a rollback on it; nothing uncommitted survives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError
from strawberry.types import ExecutionResult

T = TypeVar("T")
log = logging.getLogger(__name__)


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
