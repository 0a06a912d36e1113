"""Webhooks in the schema: a cabinet's endpoints, their delivery log, redelivery."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.evenements import TypeEvenement
from gateway.context import Context
from gateway.events.models import WebhookEndpoint as EndpointRow
from gateway.events.models import WebhookLivraison
from gateway.schema.errors import UserError
from gateway.schema.evenements import Evenement
from gateway.schema.relay import Before, Connection, Last, Node, Pagination, encode_global_id

ContextInfo = Info[Context, None]
IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)


@strawberry.enum(description="Where a webhook delivery stands.")
class StatutLivraisonWebhook(Enum):
    A_LIVRER = strawberry.enum_value(
        "A_LIVRER", description="Not yet accepted by the endpoint: sent or retried when due."
    )
    LIVREE = strawberry.enum_value("LIVREE", description="Accepted (the endpoint answered 2xx).")
    ECARTEE = strawberry.enum_value(
        "ECARTEE", description="Not sent: the cabinet may no longer see the event."
    )


@strawberry.type(description="A URL that receives the cabinet's events, signed.")
class WebhookEndpoint(Node):
    url: str = strawberry.field(description="Where events are POSTed.")
    description: str = strawberry.field(description="Free label.")
    types: list[TypeEvenement] = strawberry.field(
        description="Kinds of event sent; empty means every kind."
    )
    actif: bool = strawberry.field(
        description="Receives events. Disabled after 3 days of failed deliveries."
    )
    courriel_contact: str | None = strawberry.field(
        description="Who is e-mailed when the endpoint is disabled (default: the admins)."
    )
    cree_le: datetime = strawberry.field(description="When it was registered.")
    cree_par: str = strawberry.field(description="Who registered it.")
    en_echec_depuis: datetime | None = strawberry.field(
        description="Start of the current run of failures (null after a success)."
    )
    desactive_le: datetime | None = strawberry.field(description="When it was disabled.")
    updated_at: datetime = strawberry.field(description="When its settings last changed.")

    @staticmethod
    def from_row(row: EndpointRow) -> WebhookEndpoint:
        return WebhookEndpoint(
            id=strawberry.ID(encode_global_id("WebhookEndpoint", row.id)),
            url=row.url,
            description=row.description,
            types=[TypeEvenement(t) for t in row.types],
            actif=row.actif,
            courriel_contact=row.courriel_contact,
            cree_le=row.cree_le,
            cree_par=row.cree_par,
            en_echec_depuis=row.en_echec_depuis,
            desactive_le=row.desactive_le,
            updated_at=row.modifie_le,
        )


@strawberry.type(description="One event sent (or to send) to one endpoint.")
class WebhookDelivery(Node):
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint.")
    evenement_id: strawberry.ID = strawberry.field(
        description="The event (its `webhook-id` header)."
    )
    sequence: int = strawberry.field(description="The event's sequence.")
    statut: StatutLivraisonWebhook = strawberry.field(description="Where it stands.")
    tentatives: int = strawberry.field(description="Attempts made so far.")
    dernier_code: int | None = strawberry.field(
        description="HTTP status of the last answer (null: no answer, e.g. a timeout)."
    )
    derniere_erreur: str | None = strawberry.field(description="Why the last attempt failed.")
    prochaine_tentative: datetime | None = strawberry.field(
        description="When it is tried next (null once delivered or discarded)."
    )
    cree_le: datetime = strawberry.field(description="When it was queued.")
    livree_le: datetime | None = strawberry.field(description="When it was accepted.")

    @strawberry.field(description="The event, if the cabinet may still see it.")
    async def evenement(self, info: ContextInfo) -> Evenement | None:
        from gateway.resolvers.evenements import evenement_node

        return await evenement_node(info.context, str(self.sequence))

    @staticmethod
    def from_row(row: WebhookLivraison) -> WebhookDelivery:
        pending = row.statut == "A_LIVRER"
        return WebhookDelivery(
            id=strawberry.ID(encode_global_id("WebhookDelivery", row.id)),
            endpoint_id=strawberry.ID(encode_global_id("WebhookEndpoint", row.endpoint_id)),
            evenement_id=strawberry.ID(encode_global_id("Evenement", row.sequence)),
            sequence=row.sequence,
            statut=StatutLivraisonWebhook[row.statut],
            tentatives=row.tentatives,
            dernier_code=row.dernier_code,
            derniere_erreur=row.derniere_erreur,
            prochaine_tentative=row.prochaine_tentative if pending else None,
            cree_le=row.cree_le,
            livree_le=row.livree_le,
        )


@strawberry.input(description="Register an endpoint for the cabinet's events.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description=(
            "https URL (http only in development). Private, loopback and link-local "
            "addresses are refused."
        )
    )
    types: list[TypeEvenement] | None = strawberry.field(
        default=None, description="Kinds of event to receive; omit or empty for every kind."
    )
    description: str = strawberry.field(default="", description="Free label, 200 characters.")
    courriel_contact: str | None = strawberry.field(
        default=None,
        description="Who to e-mail if it gets disabled (default: you; for a client: the admins).",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of `createWebhookEndpoint`.")
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(description="The new endpoint.")
    secret: str | None = strawberry.field(
        description=(
            "The signing secret (whsec_…), shown this once: store it to verify the "
            "`webhook-signature` header. Null on a replay with the same idempotency key."
        )
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was registered.")


@strawberry.input(description="Change an endpoint; omitted fields stay as they are.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint.")
    url: str | None = strawberry.field(default=None, description="New URL (same rules).")
    types: list[TypeEvenement] | None = strawberry.field(
        default=None, description="New kinds of event (empty: every kind)."
    )
    description: str | None = strawberry.field(default=None, description="New label.")
    actif: bool | None = strawberry.field(
        default=None,
        description="false pauses it; true re-enables it (pending events follow, in order).",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of changing or deleting an endpoint.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(
        description="The endpoint after the change (null once deleted)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.input(description="Delete an endpoint and its delivery log.")
class DeleteWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description="The endpoint.")


@strawberry.input(description="Send a delivery's event again.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID = strawberry.field(description="The delivery to repeat.")


@strawberry.type(description="Result of `redeliverWebhook`.")
class RedeliverWebhookPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        description="The new delivery (queued now, sent in the worker's sequence order)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was queued.")


@strawberry.type
class WebhooksQuery:
    @strawberry.field(
        description=(
            "Cabinet administrators and OAuth2 clients with `webhooks:write`: the cabinet's "
            "webhook endpoints (secrets are never shown again)."
        )
    )
    async def webhook_endpoints(self, info: ContextInfo) -> list[WebhookEndpoint]:
        from gateway.resolvers import webhooks

        return await webhooks.endpoints(info.context)

    @strawberry.field(description="The delivery log of the cabinet's endpoints, newest first.")
    async def webhook_deliveries(
        self,
        info: ContextInfo,
        endpoint_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this endpoint's deliveries."),
        ] = None,
        statut: Annotated[
            StatutLivraisonWebhook | None,
            strawberry.argument(description="Only deliveries in this state."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size (≤ 100).")] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the previous page.")
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[WebhookDelivery]:
        from gateway.resolvers import webhooks

        pages = Pagination(first, after, last, before)
        return await webhooks.deliveries(info.context, endpoint_id, statut, pages)


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description=(
            "Cabinet administrators and OAuth2 clients with `webhooks:write`: register an "
            "endpoint. Deliveries are signed (Standard Webhooks: webhook-id, "
            "webhook-timestamp, webhook-signature), retried with backoff, in sequence "
            "order per worker."
        )
    )
    async def create_webhook_endpoint(
        self,
        info: ContextInfo,
        input: Annotated[
            CreateWebhookEndpointInput,
            strawberry.argument(description="The URL, the event types and a contact."),
        ],
    ) -> CreateWebhookEndpointPayload:
        from gateway.resolvers import webhooks

        return await webhooks.create(info.context, input)

    @strawberry.mutation(description="Change, pause or re-enable one of the cabinet's endpoints.")
    async def update_webhook_endpoint(
        self,
        info: ContextInfo,
        input: Annotated[
            UpdateWebhookEndpointInput,
            strawberry.argument(description="The endpoint and what changes."),
        ],
    ) -> WebhookEndpointPayload:
        from gateway.resolvers import webhooks

        return await webhooks.update(info.context, input)

    @strawberry.mutation(description="Delete one of the cabinet's endpoints and its log.")
    async def delete_webhook_endpoint(
        self,
        info: ContextInfo,
        input: Annotated[
            DeleteWebhookEndpointInput, strawberry.argument(description="The endpoint to delete.")
        ],
    ) -> WebhookEndpointPayload:
        from gateway.resolvers import webhooks

        return await webhooks.delete(info.context, input)

    @strawberry.mutation(description="Queue a delivery's event again for its endpoint.")
    async def redeliver_webhook(
        self,
        info: ContextInfo,
        input: Annotated[
            RedeliverWebhookInput, strawberry.argument(description="The delivery to send again.")
        ],
    ) -> RedeliverWebhookPayload:
        from gateway.resolvers import webhooks

        return await webhooks.redeliver(info.context, input)


TYPES: list[type] = [WebhookEndpoint, WebhookDelivery]
