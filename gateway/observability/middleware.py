"""One log line and the metrics of every HTTP request; ``X-Request-Id`` echoed.

A pure ASGI middleware (outermost), so it also times what the GraphQL view does not see
(body reading, documents, OAuth endpoints) and sees the real status code.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from gateway.observability import metrics
from gateway.observability.requests import CURRENT, RequestObservation

log = logging.getLogger("gateway.request")

# A client's request id is echoed only if it is short and printable (it reaches logs).
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,100}")
SERVER_ERRORS = {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"}


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _ACCEPTABLE_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


def outcome(status: int, error_codes: list[str]) -> str:
    if status >= 500 or SERVER_ERRORS & set(error_codes):
        return "server_error"
    if status >= 400 or error_codes:
        return "client_error"
    return "ok"


class ObservabilityMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        observation = RequestObservation(
            request_id=_request_id(scope.get("headers", [])),
            method=scope["method"],
            path=scope["path"],
        )
        status = 500
        started = time.perf_counter()
        token = CURRENT.set(observation)

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", observation.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            CURRENT.reset(token)
            self._record(observation, status, time.perf_counter() - started)

    @staticmethod
    def _record(observation: RequestObservation, status: int, seconds: float) -> None:
        label = metrics.operation_label(observation.operation, observation.path)
        result = outcome(status, observation.error_codes)
        metrics.REQUESTS.labels(label, result).inc()
        metrics.LATENCY.labels(label).observe(seconds)
        metrics.SQL_STATEMENTS.observe(observation.sql_statements)
        log.info(
            "%s %s %s",
            observation.method,
            observation.path,
            status,
            extra={
                "request_id": observation.request_id,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "principal": observation.principal,
                "operation": observation.operation,
                "operation_type": observation.operation_type,
                "sql_statements": observation.sql_statements,
                "cost": observation.cost,
                "error_codes": observation.error_codes,
                "outcome": result,
            },
        )
