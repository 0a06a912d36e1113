"""The observation of one HTTP request, filled in as it goes through the gateway.

A context variable carries it, so the GraphQL layer (operation, cost, error codes),
the authentication (principal kind) and the SQL engine (statement count) each add
what they know without being passed the object; the request middleware then writes
the log line and the metrics from it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(slots=True)
class RequestObservation:
    request_id: str
    method: str
    path: str
    principal: str = "anonyme"
    operation: str | None = None
    operation_type: str | None = None
    sql_statements: int = 0
    cost: int | None = None
    error_codes: list[str] = field(default_factory=list)


CURRENT: ContextVar[RequestObservation | None] = ContextVar("request_observation", default=None)


def current() -> RequestObservation | None:
    return CURRENT.get()


def count_sql_statement(*_args: object) -> None:
    """SQLAlchemy ``before_cursor_execute`` listener."""
    observation = CURRENT.get()
    if observation is not None:
        observation.sql_statements += 1
