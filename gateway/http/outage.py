"""Answer 503 with Retry-After when the database cannot serve a request.

Without this an unreachable database surfaced as HTTP 500 text/plain (the failure came
out of the request's first query, before GraphQL could answer) or as a masked
"Unexpected error." with HTTP 200: neither tells a client that trying again later is
the right move.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import JSONResponse

from gateway.db.failures import is_unavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
MESSAGE = (
    "Service momentanément indisponible (base de données injoignable) : "
    f"réessayez dans {RETRY_AFTER_SECONDS} secondes."
)


class DatabaseUnavailable(Exception):
    """Raised where an unavailable database was met but already reported as an error."""


def graphql_body() -> dict[str, Any]:
    return {
        "data": None,
        "errors": [{"message": MESSAGE, "extensions": {"code": SERVICE_UNAVAILABLE}}],
    }


def plain_body() -> dict[str, Any]:
    return {"error": SERVICE_UNAVAILABLE, "message": MESSAGE}


class OutageGuard:
    """Wraps an ASGI app: a database outage escaping it becomes a 503 answer with
    ``body`` (when nothing was sent yet; otherwise the connection just ends)."""

    def __init__(self, app: Any, body: Any = plain_body) -> None:
        self.app = app
        self.body = body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started or not (isinstance(error, DatabaseUnavailable) or is_unavailable(error)):
                raise
            cause = error.__cause__ if isinstance(error, DatabaseUnavailable) else error
            log.warning(
                "database unavailable for %s: %r %s", scope.get("path"), cause, str(cause)[:600]
            )
            response = JSONResponse(
                self.body(), 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
            await response(scope, receive, send)
