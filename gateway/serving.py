"""``gateway serve --workers N``: the application as each uvicorn worker process builds it.

uvicorn starts its workers as new interpreters (spawn), so they cannot inherit the
parent's app object or logging: each one reads the same environment and builds its
own. The processes share nothing but the database, which is what makes them one
server: signing keys are stored there (``gateway.auth.keys``), rate limits are counted
there (``gateway.limiter``), the outbox is claimed row by row with SKIP LOCKED
(``gateway.mail.sender``), and subscriptions learn of events written by any process
through PostgreSQL LISTEN/NOTIFY (``gateway.live.broker``).
"""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import Settings
from gateway.observability.logs import configure_logging


def worker_app() -> Starlette:
    """uvicorn's application factory for each worker process."""
    settings = Settings.from_environment()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
