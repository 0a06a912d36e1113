"""Webhook delivery: fan-out of events to endpoints, then signed POSTs with retries.

*Fan-out.* Each active endpoint has a cursor (``derniere_sequence``). A pass reads the
events after it that the endpoint's cabinet may see *now* (``events_for``, the feed's
own filter) and of the wanted types, adds one delivery row per event and moves the
cursor, in one transaction; on PostgreSQL endpoints are locked ``FOR UPDATE SKIP
LOCKED`` so two processes never fan out one endpoint twice. Sequences are gap-free as
read, so the cursor never passes an event still to commit.

*Order and claims.* Deliveries go out in sequence order per (endpoint, worker): a
delivery is due only when no earlier delivery of its worker to that endpoint is still
to deliver, so a failing one holds back the later ones (they are not lost: they
follow once it succeeds). A sender claims due rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite's single write lock serialises claims) by reserving them for
``LEASE``; the HTTP request runs outside any transaction; the outcome is then written
in a transaction of its own. A sender that dies mid-way leaves a reservation that
expires: the delivery is sent again (at least once; receivers de-duplicate on
``webhook-id``, which is the event's id and the same at every attempt).

*Retries.* A non-2xx answer, a timeout or a refused connection schedules the next try
after ``first_retry * 2^(n-1)`` (at most 4 h) times a random factor in [0.5, 1]
(jitter, so that receivers coming back are not hit by every sender at once). Retries
go on as long as the endpoint is active; an endpoint whose deliveries have failed for
3 days without one success is disabled and its contacts are e-mailed (outbox). Its
pending deliveries stay: re-enabling it delivers them, in order.

*Time.* Leases, retries and the 3-day limit are transport matters: the senders use
the real time (``TRANSPORT_CLOCK``), never a demo server's fixed date, so that every
process agrees on when a reservation expires.

*Visibility.* Checked again when a delivery is claimed: an event the cabinet may no
longer see (revoked mandate) is not sent (status ``ECARTEE``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.clock import Clock, utc_now
from gateway.db.engine import WRITE_TRANSACTION, writer_queue
from gateway.db.models import Utilisateur
from gateway.events import signature
from gateway.events.models import CompteurEvenement, Evenement, WebhookEndpoint, WebhookLivraison
from gateway.events.reading import events_for, visible_to
from gateway.events.urls import UrlPolicy, check_destination
from gateway.global_ids import encode_global_id
from gateway.services.outbox import queue_email

log = logging.getLogger(__name__)

A_LIVRER = "A_LIVRER"
LIVREE = "LIVREE"
ECARTEE = "ECARTEE"

LEASE = timedelta(seconds=60)
#: The real time, whatever date the server's business clock is fixed at.
TRANSPORT_CLOCK = Clock()
REQUEST_TIMEOUT_SECONDS = 10.0
MAX_RETRY_DELAY = timedelta(hours=4)
DISABLE_AFTER = timedelta(days=3)
FAN_OUT_BATCH = 500
MAX_RESPONSE_TEXT = 500


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    policy: UrlPolicy = field(default_factory=UrlPolicy)
    first_retry: timedelta = timedelta(seconds=30)
    concurrency: int = 10


@dataclass(slots=True)
class DeliveryReport:
    queued: int = 0
    delivered: int = 0
    failed: int = 0
    skipped: int = 0
    disabled: int = 0

    @property
    def busy(self) -> bool:
        return bool(self.queued or self.delivered or self.failed or self.skipped)


def endpoint_principal(endpoint: WebhookEndpoint) -> Principal:
    """Whose eyes an endpoint sees with: its cabinet's, whole portfolio."""
    return Principal(
        role=Role.EXPERT_COMPTABLE,
        label=f"webhook:{endpoint.id}",
        cabinet_id=endpoint.cabinet_id,
        administrateur_cabinet=True,
    )


def retry_delay(tentatives: int, first: timedelta, rng: random.Random | None = None) -> timedelta:
    """Wait after the ``tentatives``-th failure: exponential, capped, with jitter."""
    doublings = min(max(tentatives - 1, 0), 20)
    ceiling = min(first * (1 << doublings), MAX_RETRY_DELAY)
    return ceiling * (rng or random).uniform(0.5, 1.0)


def body_of(row: Evenement) -> bytes:
    """The delivery's JSON: the ``Evenement`` fields the feed shows."""
    payload: dict[str, Any] = {
        "id": encode_global_id("Evenement", row.sequence),
        "sequence": row.sequence,
        "type": str(row.type),
        "horodatage": row.horodatage.isoformat(),
        "travailleurId": encode_global_id("Travailleur", row.travailleur_id),
        "objetIds": [encode_global_id(str(kind), int(key)) for kind, key in row.objets],
        "donnees": row.donnees,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@contextlib.asynccontextmanager
async def _writing(sessions: async_sessionmaker[AsyncSession]) -> Any:
    async with sessions() as session:
        queue = writer_queue(session.get_bind())
        async with queue or contextlib.nullcontext(), session.begin():
            await session.connection(execution_options=WRITE_TRANSACTION)
            yield session


async def fan_out(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Queue the new events of every active endpoint; the number of deliveries added."""
    added = 0
    async with _writing(sessions) as session:
        endpoints = list(
            await session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.actif.is_(True))
                .order_by(WebhookEndpoint.id)
                .with_for_update(skip_locked=True)
            )
        )
        now = clock.now()
        for endpoint in endpoints:
            # Read before the events: every sequence up to it is committed (gap-free).
            last = await session.scalar(
                select(CompteurEvenement.valeur).where(CompteurEvenement.id == 1)
            )
            rows = await events_for(
                session,
                endpoint_principal(endpoint),
                after=endpoint.derniere_sequence,
                types=endpoint.types or None,
                limit=FAN_OUT_BATCH,
            )
            for row in rows:
                session.add(
                    WebhookLivraison(
                        endpoint_id=endpoint.id,
                        evenement_id=row.id,
                        sequence=row.sequence,
                        travailleur_id=row.travailleur_id,
                        statut=A_LIVRER,
                        tentatives=0,
                        prochaine_tentative=now,
                        cree_le=now,
                    )
                )
            added += len(rows)
            if len(rows) == FAN_OUT_BATCH:
                endpoint.derniere_sequence = rows[-1].sequence
            else:
                endpoint.derniere_sequence = max(endpoint.derniere_sequence, int(last or 0))
    return added


@dataclass(slots=True)
class _Claimed:
    livraison_id: int
    endpoint_id: int
    url: str
    secret: str
    message_id: str
    body: bytes


def _due(now: datetime) -> Any:
    earlier = aliased(WebhookLivraison)
    held_back = exists().where(
        earlier.endpoint_id == WebhookLivraison.endpoint_id,
        earlier.travailleur_id == WebhookLivraison.travailleur_id,
        earlier.sequence < WebhookLivraison.sequence,
        earlier.statut == A_LIVRER,
    )
    return and_(
        WebhookLivraison.statut == A_LIVRER,
        WebhookLivraison.prochaine_tentative <= now,
        or_(WebhookLivraison.reservee_jusqu_a.is_(None), WebhookLivraison.reservee_jusqu_a < now),
        ~held_back,
    )


async def _claim(
    session: AsyncSession,
    now: datetime,
    limit: int,
    extra: Any = None,
    report: DeliveryReport | None = None,
) -> list[_Claimed]:
    """Reserve up to ``limit`` due deliveries; those no longer visible are discarded,
    which may free the next one of their worker (hence the loop)."""
    claimed: list[_Claimed] = []
    while len(claimed) < limit:
        discarded = 0
        query = (
            select(WebhookLivraison, WebhookEndpoint, Evenement)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookLivraison.endpoint_id)
            .join(Evenement, Evenement.id == WebhookLivraison.evenement_id)
            .where(_due(now), WebhookEndpoint.actif.is_(True))
            .order_by(WebhookLivraison.sequence, WebhookLivraison.id)
            .limit(limit - len(claimed))
            .with_for_update(of=WebhookLivraison, skip_locked=True)
        )
        if extra is not None:
            query = query.where(extra)
        for livraison, endpoint, row in (await session.execute(query)).all():
            still_visible = await session.scalar(
                select(Evenement.id).where(
                    Evenement.id == row.id, visible_to(endpoint_principal(endpoint))
                )
            )
            if still_visible is None:
                livraison.statut, livraison.reservee_jusqu_a = ECARTEE, None
                livraison.derniere_erreur = "Événement plus visible du cabinet : non envoyé."
                discarded += 1
                continue
            livraison.reservee_jusqu_a = now + LEASE
            claimed.append(
                _Claimed(
                    livraison.id,
                    endpoint.id,
                    endpoint.url,
                    endpoint.secret,
                    encode_global_id("Evenement", row.sequence),
                    body_of(row),
                )
            )
        if report is not None:
            report.skipped += discarded
        if not discarded:
            break
        await session.flush()
    return claimed


async def _post(
    client: httpx.AsyncClient, item: _Claimed, policy: UrlPolicy
) -> tuple[int | None, str | None]:
    """(status code, error text): the error is None exactly on a 2xx answer."""
    try:
        await check_destination(item.url, policy)
    except Exception as refused:  # a DomainError: the name now points somewhere refused
        return None, str(refused)
    # Transport time, not the business date: receivers reject stale timestamps (replay
    # protection) and a demo server runs on a fixed date.
    sent_at = int(utc_now().timestamp())
    headers = signature.headers(item.secret, item.message_id, sent_at, item.body)
    try:
        response = await client.post(
            item.url, content=item.body, headers=headers, follow_redirects=False
        )
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:MAX_RESPONSE_TEXT]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    item: _Claimed,
    code: int | None,
    error: str | None,
    options: DeliveryOptions,
    report: DeliveryReport,
) -> _Claimed | None:
    """Write one attempt's outcome; after a success, claim the worker's next delivery
    to that endpoint (so one worker's events flow without waiting for a new pass)."""
    async with _writing(sessions) as session:
        now = clock.now()
        livraison = await session.get(WebhookLivraison, item.livraison_id, with_for_update=True)
        endpoint = await session.get(WebhookEndpoint, item.endpoint_id, with_for_update=True)
        if livraison is None or endpoint is None:
            return None
        livraison.tentatives += 1
        livraison.dernier_code = code
        livraison.reservee_jusqu_a = None
        if error is None:
            livraison.statut, livraison.livree_le, livraison.derniere_erreur = LIVREE, now, None
            endpoint.en_echec_depuis = None
            report.delivered += 1
            await session.flush()  # the next one is held back until this one shows delivered
            following = await _claim(
                session,
                now,
                1,
                and_(
                    WebhookLivraison.endpoint_id == livraison.endpoint_id,
                    WebhookLivraison.travailleur_id == livraison.travailleur_id,
                ),
                report,
            )
            return following[0] if following else None
        livraison.derniere_erreur = error[:MAX_RESPONSE_TEXT]
        livraison.prochaine_tentative = now + retry_delay(livraison.tentatives, options.first_retry)
        report.failed += 1
        if endpoint.en_echec_depuis is None:
            endpoint.en_echec_depuis = now
        elif endpoint.actif and now - endpoint.en_echec_depuis >= DISABLE_AFTER:
            await _disable(session, clock, endpoint, now)
            report.disabled += 1
        return None


async def _disable(
    session: AsyncSession, clock: Clock, endpoint: WebhookEndpoint, now: datetime
) -> None:
    endpoint.actif, endpoint.desactive_le, endpoint.modifie_le = False, now, now
    recipients = [endpoint.courriel_contact] if endpoint.courriel_contact else []
    if not recipients:
        recipients = list(
            await session.scalars(
                select(Utilisateur.identifiant).where(
                    Utilisateur.cabinet_id == endpoint.cabinet_id,
                    Utilisateur.administrateur_cabinet.is_(True),
                    Utilisateur.actif.is_(True),
                )
            )
        )
    for recipient in recipients:
        queue_email(
            session,
            clock,
            destinataire=recipient,
            sujet="Webhook désactivé après 3 jours d'échecs",
            corps=(
                f"Les envois vers {endpoint.url} échouent depuis le "
                f"{endpoint.en_echec_depuis:%d/%m/%Y %H:%M} UTC. Le point de terminaison a "
                "été désactivé ; les événements en attente lui seront envoyés dans l'ordre "
                "dès que vous le réactiverez (updateWebhookEndpoint, actif: true)."
            ),
        )
    log.warning("webhook endpoint %s disabled after 3 days of failures", endpoint.id)


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    client: httpx.AsyncClient,
    options: DeliveryOptions,
    *,
    batch_size: int = 100,
) -> DeliveryReport:
    """One pass: fan out, then send what is due (each worker's chain in order)."""
    report = DeliveryReport(queued=await fan_out(sessions, clock))
    async with _writing(sessions) as session:
        claimed = await _claim(session, clock.now(), batch_size, report=report)
    limit = asyncio.Semaphore(options.concurrency)

    async def chain(item: _Claimed | None) -> None:
        while item is not None:
            async with limit:
                code, error = await _post(client, item, options.policy)
            item = await _record(sessions, clock, item, code, error, options, report)

    await asyncio.gather(*(chain(item) for item in claimed))
    return report


def options_for(settings: Any) -> DeliveryOptions:
    return DeliveryOptions(
        policy=UrlPolicy(
            allow_http=settings.environment == "development",
            allow_private=settings.webhooks_allow_private,
        ),
        first_retry=timedelta(seconds=settings.webhooks_first_retry_seconds),
    )


def http_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=REQUEST_TIMEOUT_SECONDS,
        headers={"user-agent": "moncompte-gateway-webhooks/1"},
        trust_env=False,  # never through a proxy taken from the environment
    )


async def run_delivery_loop(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    options: DeliveryOptions,
    *,
    stop_event: asyncio.Event,
    interval_seconds: float = 1.0,
    wake: asyncio.Event | None = None,
) -> None:
    """Deliver until ``stop_event``: at once again while there is work, else after
    ``interval_seconds`` or when ``wake`` is set (a commit in this process)."""
    async with http_client() as client:
        while not stop_event.is_set():
            try:
                report = await deliver_due(sessions, clock, client, options)
            except Exception:  # a database outage: keep the loop, try again later
                log.exception("webhook delivery pass failed")
                report = DeliveryReport()
            if report.busy:
                continue
            waiters = [asyncio.ensure_future(stop_event.wait())]
            if wake is not None:
                wake.clear()
                waiters.append(asyncio.ensure_future(wake.wait()))
            done, pending = await asyncio.wait(
                waiters, timeout=interval_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            del done


async def deliver_all(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, options: DeliveryOptions
) -> DeliveryReport:
    """Passes until nothing is due (the CLI without ``--watch``)."""
    total = DeliveryReport()
    async with http_client() as client:
        while True:
            report = await deliver_due(sessions, clock, client, options)
            for name in ("queued", "delivered", "failed", "skipped", "disabled"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if not (report.queued or report.delivered):
                return total


__all__: Sequence[str] = [
    "A_LIVRER",
    "ECARTEE",
    "LIVREE",
    "DeliveryOptions",
    "DeliveryReport",
    "deliver_all",
    "deliver_due",
    "fan_out",
    "run_delivery_loop",
]
