"""Prometheus metrics, served at /metrics (text exposition format).

Operation names come from clients: only the first ``MAX_OPERATION_NAMES`` distinct
well-formed names get their own label value, the rest are counted as "autre", so a
client cannot blow up the number of series.
"""

from __future__ import annotations

import re
import threading

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "gateway_requests",
    "HTTP requests by GraphQL operation (or path) and outcome.",
    ["operation", "outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "gateway_request_duration_seconds",
    "Time from request to response, by GraphQL operation (or path).",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
SQL_STATEMENTS = Histogram(
    "gateway_sql_statements_per_request",
    "SQL statements a request ran.",
    buckets=(0, 1, 2, 5, 10, 20, 50, 100),
    registry=REGISTRY,
)
THROTTLED = Counter(
    "gateway_throttled",
    "Requests or attempts refused by a rate limit, by limit.",
    ["limit"],
    registry=REGISTRY,
)
OUTBOX_BACKLOG = Gauge(
    "gateway_outbox_backlog",
    "E-mails waiting in the outbox (not yet accepted by the mail server).",
    registry=REGISTRY,
)
WEBHOOK_BACKLOG = Gauge(
    "gateway_webhook_backlog",
    "Webhook deliveries waiting to be sent or retried.",
    registry=REGISTRY,
)

MAX_OPERATION_NAMES = 200
_WELL_FORMED = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_known: set[str] = set()
_lock = threading.Lock()


# Label of a request that is not a named GraphQL operation: the route it reached.
ROUTES = (
    "/graphql",
    "/oauth/",
    "/documents/",
    "/.well-known/",
    "/verification",
    "/health",
    "/ready",
    "/metrics",
)


def operation_label(name: str | None, path: str) -> str:
    if name is None:
        if path.startswith("/graphql"):
            return "/graphql"
        return next((route for route in ROUTES if path.startswith(route)), "autre")
    if not _WELL_FORMED.fullmatch(name):
        return "autre"
    with _lock:
        if name in _known:
            return name
        if len(_known) < MAX_OPERATION_NAMES:
            _known.add(name)
            return name
    return "autre"
