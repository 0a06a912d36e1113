"""Thin resolvers of the webhook fields: check the caller, call the service, build payloads."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select

from gateway.context import Context
from gateway.cursors import Part
from gateway.db import keyset
from gateway.db.keyset import Cle, Ordre
from gateway.events import endpoints as service
from gateway.events.models import WebhookEndpoint as EndpointRow
from gateway.events.models import WebhookLivraison
from gateway.global_ids import decode_int_id
from gateway.resolvers.payloads import user_errors
from gateway.schema.errors import bad_user_input
from gateway.schema.relay import Connection, Pagination, connection, window_from
from gateway.schema.webhooks import (
    CreateWebhookEndpointInput,
    CreateWebhookEndpointPayload,
    DeleteWebhookEndpointInput,
    RedeliverWebhookInput,
    RedeliverWebhookPayload,
    StatutLivraisonWebhook,
    UpdateWebhookEndpointInput,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointPayload,
)

#: Newest first.
ORDRE_LIVRAISONS = Ordre(
    "webhook.livraisons", (Cle(WebhookLivraison.id, Part.ID, descending=True),)
)


async def endpoints(ctx: Context) -> list[WebhookEndpoint]:
    principal = service.require_webhook_manager(ctx)
    rows = await ctx.db.scalars(
        select(EndpointRow)
        .where(EndpointRow.cabinet_id == principal.cabinet_id)
        .order_by(EndpointRow.id)
    )
    return [WebhookEndpoint.from_row(r) for r in rows]


async def _endpoint(ctx: Context, ident: int | None) -> WebhookEndpoint | None:
    if ident is None or ctx.principal is None:
        return None
    row = await ctx.db.scalar(
        select(EndpointRow).where(
            EndpointRow.id == ident, EndpointRow.cabinet_id == ctx.principal.cabinet_id
        )
    )
    return None if row is None else WebhookEndpoint.from_row(row)


async def deliveries(
    ctx: Context,
    endpoint_id: str | None,
    statut: StatutLivraisonWebhook | None,
    pagination: Pagination,
) -> Connection[WebhookDelivery]:
    principal = service.require_webhook_manager(ctx)
    window = window_from(ORDRE_LIVRAISONS, pagination)
    where: list[ColumnElement[bool]] = [
        WebhookLivraison.endpoint_id.in_(
            select(EndpointRow.id).where(EndpointRow.cabinet_id == principal.cabinet_id)
        )
    ]
    if endpoint_id is not None:
        ident = decode_int_id(endpoint_id, "WebhookEndpoint")
        if ident is None:
            raise bad_user_input("endpointId : identifiant invalide.", "endpointId")
        where.append(WebhookLivraison.endpoint_id == ident)
    if statut is not None:
        where.append(WebhookLivraison.statut == statut.name)
    total = await ctx.db.scalar(select(func.count()).select_from(WebhookLivraison).where(*where))
    statement = select(WebhookLivraison).where(*where)
    page: keyset.Page[WebhookLivraison] = await keyset.page(
        ctx.db, statement, ORDRE_LIVRAISONS, window, total=int(total or 0)
    )
    items = [WebhookDelivery.from_row(r) for r in page.items]
    return connection(items, page, window, ORDRE_LIVRAISONS)


async def create(ctx: Context, data: CreateWebhookEndpointInput) -> CreateWebhookEndpointPayload:
    created = await service.create_endpoint(
        ctx,
        url=data.url,
        types=data.types,
        description=data.description,
        courriel_contact=data.courriel_contact,
        idempotency_key=data.idempotency_key,
    )
    ident = created.outcome.reference.get("endpoint_id")
    return CreateWebhookEndpointPayload(
        endpoint=await _endpoint(ctx, ident) if created.outcome.ok else None,
        secret=created.secret,
        user_errors=user_errors(created.outcome),
    )


async def update(ctx: Context, data: UpdateWebhookEndpointInput) -> WebhookEndpointPayload:
    outcome = await service.update_endpoint(
        ctx,
        endpoint_id=data.id,
        url=data.url,
        types=data.types,
        description=data.description,
        actif=data.actif,
        idempotency_key=data.idempotency_key,
    )
    ident = outcome.reference.get("endpoint_id")
    return WebhookEndpointPayload(
        endpoint=await _endpoint(ctx, ident) if outcome.ok else None,
        user_errors=user_errors(outcome),
    )


async def delete(ctx: Context, data: DeleteWebhookEndpointInput) -> WebhookEndpointPayload:
    outcome = await service.delete_endpoint(ctx, endpoint_id=data.id)
    return WebhookEndpointPayload(endpoint=None, user_errors=user_errors(outcome))


async def redeliver(ctx: Context, data: RedeliverWebhookInput) -> RedeliverWebhookPayload:
    outcome = await service.redeliver(ctx, delivery_id=data.delivery_id)
    delivery = None
    ident = outcome.reference.get("delivery_id")
    if outcome.ok and ident is not None:
        row = await ctx.db.scalar(select(WebhookLivraison).where(WebhookLivraison.id == ident))
        delivery = None if row is None else WebhookDelivery.from_row(row)
    return RedeliverWebhookPayload(delivery=delivery, user_errors=user_errors(outcome))
