"""Registering and managing a cabinet's webhook endpoints, and redelivery.

Who: a cabinet administrator (a person), or an OAuth2 client of the cabinet with the
``webhooks:write`` scope. Endpoints belong to the cabinet: every such principal of the
cabinet sees and manages them; another cabinet's endpoint looks like none at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.evenements import TypeEvenement
from domain.identifiants import check_courriel
from domain.nomenclatures import Role
from gateway.auth.principal import Principal, Scope
from gateway.context import Context
from gateway.events import signature
from gateway.events.delivery import A_LIVRER, options_for
from gateway.events.models import CompteurEvenement, WebhookEndpoint, WebhookLivraison
from gateway.events.urls import check_destination
from gateway.global_ids import decode_int_id
from gateway.schema.errors import forbidden
from gateway.services.unit_of_work import NotFound, Outcome, run_mutation

MAX_ENDPOINTS_PER_CABINET = 20
MAX_DESCRIPTION = 200

REFUSED = (
    "Opération réservée aux administrateurs du cabinet et aux clients OAuth2 ayant le "
    f"scope « {Scope.WEBHOOKS_WRITE} »."
)


def require_webhook_manager(ctx: Context) -> Principal:
    principal = ctx.require_principal()
    if principal.role is not Role.EXPERT_COMPTABLE or principal.cabinet_id is None:
        raise forbidden(REFUSED)
    if principal.is_oauth_client:
        if not principal.has_scope(Scope.WEBHOOKS_WRITE):
            raise forbidden(
                f"Ce client OAuth2 n'a pas le scope « {Scope.WEBHOOKS_WRITE} ».",
                scope=Scope.WEBHOOKS_WRITE,
            )
    elif not principal.administrateur_cabinet:
        raise forbidden(REFUSED)
    return principal


async def owned_endpoint(
    session: AsyncSession, principal: Principal, endpoint_id: str, *, lock: bool = False
) -> WebhookEndpoint:
    ident = decode_int_id(endpoint_id, "WebhookEndpoint")
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.id == (ident if ident is not None else -1),
        WebhookEndpoint.cabinet_id == principal.cabinet_id,
    )
    if lock:
        query = query.with_for_update()
    found = await session.scalar(query)
    if found is None:
        raise NotFound("Point de terminaison introuvable.", field="id")
    return found


def _description(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_DESCRIPTION:
        raise DomainError(
            f"La description fait au plus {MAX_DESCRIPTION} caractères.",
            field="description",
            code="DESCRIPTION_TROP_LONGUE",
        )
    return cleaned


def _types(types: Sequence[TypeEvenement] | None) -> list[str]:
    return sorted({str(t) for t in types or ()})


@dataclass(slots=True)
class Created:
    """The outcome, and the secret to show once (None on an idempotent replay)."""

    outcome: Outcome
    secret: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


async def _checked_url(ctx: Context, url: str) -> DomainError | str:
    """The cleaned URL, or why it is refused (DNS is asked before the transaction)."""
    try:
        await check_destination(url, options_for(ctx.services.settings).policy)
    except DomainError as refusal:
        return refusal
    return url.strip()


async def create_endpoint(
    ctx: Context,
    *,
    url: str,
    types: Sequence[TypeEvenement] | None,
    description: str,
    courriel_contact: str | None,
    idempotency_key: str | None,
) -> Created:
    principal = require_webhook_manager(ctx)
    checked = await _checked_url(ctx, url)
    created = Created(Outcome())

    async def action(session: AsyncSession) -> Outcome:
        if isinstance(checked, DomainError):
            raise checked
        contact = None
        if courriel_contact is not None and courriel_contact.strip():
            contact = check_courriel(courriel_contact.strip(), field="courrielContact").lower()
        elif not principal.is_oauth_client:
            contact = principal.identifiant
        count = await session.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.cabinet_id == principal.cabinet_id)
        )
        if (count or 0) >= MAX_ENDPOINTS_PER_CABINET:
            raise DomainError(
                f"Au plus {MAX_ENDPOINTS_PER_CABINET} points de terminaison par cabinet.",
                field="url",
                code="TROP_DE_WEBHOOKS",
            )
        secret = signature.new_secret()
        now = ctx.clock.now()
        # Start at the current end of the feed: an endpoint receives what happens after
        # its registration (the feed gives the history).
        last = await session.scalar(
            select(CompteurEvenement.valeur).where(CompteurEvenement.id == 1)
        )
        endpoint = WebhookEndpoint(
            cabinet_id=principal.cabinet_id,
            url=checked,
            description=_description(description),
            types=_types(types),
            secret=secret,
            actif=True,
            cree_le=now,
            cree_par=principal.label,
            courriel_contact=contact,
            derniere_sequence=int(last or 0),
            modifie_le=now,
        )
        session.add(endpoint)
        await session.flush()
        created.secret = secret
        return Outcome(reference={"endpoint_id": endpoint.id})

    created.outcome = await run_mutation(
        ctx,
        "createWebhookEndpoint",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"url={url.strip()[:200]}",
    )
    if not created.outcome.ok:
        created.secret = None
    return created


async def update_endpoint(
    ctx: Context,
    *,
    endpoint_id: str,
    url: str | None,
    types: Sequence[TypeEvenement] | None,
    description: str | None,
    actif: bool | None,
    idempotency_key: str | None,
) -> Outcome:
    principal = require_webhook_manager(ctx)
    checked = None if url is None else await _checked_url(ctx, url)

    async def action(session: AsyncSession) -> Outcome:
        endpoint = await owned_endpoint(session, principal, endpoint_id, lock=True)
        if isinstance(checked, DomainError):
            raise checked
        now = ctx.clock.now()
        if checked is not None:
            endpoint.url = checked
        if types is not None:
            endpoint.types = _types(types)
        if description is not None:
            endpoint.description = _description(description)
        if actif is not None and actif != endpoint.actif:
            endpoint.actif = actif
            if actif:
                # A fresh start: the failure clock restarts, pending deliveries follow.
                endpoint.en_echec_depuis, endpoint.desactive_le = None, None
            else:
                endpoint.desactive_le = now
        endpoint.modifie_le = now
        return Outcome(reference={"endpoint_id": endpoint.id})

    return await run_mutation(ctx, "updateWebhookEndpoint", action, idempotency_key=idempotency_key)


async def delete_endpoint(ctx: Context, *, endpoint_id: str) -> Outcome:
    principal = require_webhook_manager(ctx)

    async def action(session: AsyncSession) -> Outcome:
        endpoint = await owned_endpoint(session, principal, endpoint_id, lock=True)
        await session.execute(
            delete(WebhookLivraison).where(WebhookLivraison.endpoint_id == endpoint.id)
        )
        await session.delete(endpoint)
        return Outcome(reference={"deleted_id": endpoint.id})

    return await run_mutation(ctx, "deleteWebhookEndpoint", action)


async def redeliver(ctx: Context, *, delivery_id: str) -> Outcome:
    """Send a delivery again (whatever its state), as soon as its turn comes."""
    principal = require_webhook_manager(ctx)

    async def action(session: AsyncSession) -> Outcome:
        ident = decode_int_id(delivery_id, "WebhookDelivery")
        row = await session.scalar(
            select(WebhookLivraison)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookLivraison.endpoint_id)
            .where(
                WebhookLivraison.id == (ident if ident is not None else -1),
                WebhookEndpoint.cabinet_id == principal.cabinet_id,
            )
            .with_for_update(of=WebhookLivraison)
        )
        if row is None:
            raise NotFound("Livraison introuvable.", field="deliveryId")
        # A new delivery row: the log keeps the first one's history; the copy goes out
        # in the worker's sequence order like any delivery.
        copy = WebhookLivraison(
            endpoint_id=row.endpoint_id,
            evenement_id=row.evenement_id,
            sequence=row.sequence,
            travailleur_id=row.travailleur_id,
            statut=A_LIVRER,
            tentatives=0,
            prochaine_tentative=ctx.clock.now(),
            cree_le=ctx.clock.now(),
        )
        session.add(copy)
        await session.flush()
        return Outcome(reference={"delivery_id": copy.id})

    return await run_mutation(ctx, "redeliverWebhook", action)
