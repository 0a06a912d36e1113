"""Limits on the HTTP request itself, before any parsing (issue 9, items 9 and 13).

* ``BodyLimit``: an ASGI middleware refusing a body larger than the configured size
  with HTTP 413 — at once when ``Content-Length`` says so, otherwise (chunked
  transfer) as soon as the bytes received pass the limit. Nothing downstream reads a
  byte beyond the limit: a 30 MB comment is refused, not tokenized.
* ``decode_json``: the JSON of a GraphQL request, where nesting too deep for the
  parser is a clean 400 instead of a ``RecursionError``.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.responses import JSONResponse

DEFAULT_MAX_BODY_BYTES = 1_048_576

Scope = dict[str, Any]


def too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": (f"Corps de requête trop volumineux : au plus {limit} octets."),
                    "extensions": {"code": "REQUEST_TOO_LARGE", "limit": limit},
                }
            ]
        },
        status_code=413,
        headers={"Connection": "close"},
    )


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, before the app starts.

    The body is read here (at most ``max_bytes`` of it) and replayed to the app, so a
    refusal comes before authentication, parsing or any database work.
    """

    def __init__(self, app: Any, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await too_large(self.max_bytes)(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await too_large(self.max_bytes)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return dict(await receive())

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value.decode("ascii"))
            except ValueError:
                return None
    return None


def decode_json(data: str | bytes) -> object:
    """``json.loads``, with too deep a nesting refused as HTTP 400."""
    try:
        return json.loads(data)
    except RecursionError:
        raise HTTPException(
            400, "Corps JSON trop imbriqué : réduisez la profondeur des valeurs."
        ) from None
