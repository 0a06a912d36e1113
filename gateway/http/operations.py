"""Endpoints for operators and tools: readiness, Prometheus metrics, the SDL."""

from __future__ import annotations

import logging
from functools import cache

from alembic.script import ScriptDirectory
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from gateway.context import AppServices
from gateway.db.migrate import alembic_config
from gateway.db.models import CourrielSortant
from gateway.events.delivery import A_LIVRER
from gateway.events.models import WebhookLivraison
from gateway.observability import metrics
from gateway.schema.assembly import export_sdl

log = logging.getLogger(__name__)


@cache
def migration_heads() -> frozenset[str]:
    """The revisions a current database has applied (the heads of every branch)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def readiness(request: Request) -> Response:
    """200 when the database answers and has every migration applied, else 503: a load
    balancer should send no traffic before then."""
    services: AppServices = request.app.state.services
    try:
        async with services.engine.connect() as connection:
            applied = {
                row[0]
                for row in await connection.execute(text("SELECT version_num FROM alembic_version"))
            }
    except Exception as error:  # unreachable, or never migrated
        log.warning("readiness check failed: %s", error)
        return JSONResponse({"status": "indisponible", "database": "injoignable"}, 503)
    missing = sorted(migration_heads() - applied)
    if missing:
        return JSONResponse(
            {"status": "indisponible", "database": "ok", "migrationsManquantes": missing}, 503
        )
    return JSONResponse({"status": "ok", "database": "ok", "migrations": "à jour"})


async def metrics_endpoint(request: Request) -> Response:
    services: AppServices = request.app.state.services
    try:
        async with services.sessions() as session:
            backlog = await session.scalar(
                select(func.count())
                .select_from(CourrielSortant)
                .where(CourrielSortant.envoye_le.is_(None))
            )
            webhooks = await session.scalar(
                select(func.count())
                .select_from(WebhookLivraison)
                .where(WebhookLivraison.statut == A_LIVRER)
            )
        metrics.OUTBOX_BACKLOG.set(backlog or 0)
        metrics.WEBHOOK_BACKLOG.set(webhooks or 0)
    except Exception as error:  # metrics must answer even when the database does not
        log.warning("outbox and webhook backlogs unavailable: %s", error)
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)


@cache
def _sdl() -> str:
    return export_sdl()


async def schema_sdl(_request: Request) -> Response:
    """The schema in SDL, for code generators and linters."""
    return PlainTextResponse(_sdl(), headers={"Cache-Control": "max-age=300"})
