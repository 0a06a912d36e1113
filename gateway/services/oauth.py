"""OAuth2 clients of a cabinet: registration, listing, revocation (SPEC §10).

A cabinet admin registers a practice-management tool with the scopes it needs. The
secret is shown once, in the registration's answer, and stored only as an argon2 hash.
Revoking a client stops its tokens at once (they are checked against this table on
every request, see ``gateway.auth.authenticate``).
"""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from gateway.auth import records
from gateway.auth.principal import Principal, Scope
from gateway.context import Context
from gateway.db.models_access import ClientOAuth
from gateway.services.unit_of_work import NotFound, Outcome, run_mutation

NOM_MAX = 100
SCOPES_ORDER = (
    Scope.READ,
    Scope.REVENUS_WRITE,
    Scope.PRELEVEMENT_WRITE,
    Scope.DELAIS_WRITE,
    Scope.ATTESTATIONS_WRITE,
    Scope.WEBHOOKS_WRITE,
)


def check_scopes(scopes: list[str]) -> list[str]:
    """Known scopes, without repeats, in the canonical order."""
    cleaned = {s.strip() for s in scopes}
    unknown = sorted(cleaned - Scope.ALL)
    if unknown:
        raise DomainError(
            f"Scope inconnu : {', '.join(unknown)} (possibles : {', '.join(SCOPES_ORDER)}).",
            field="scopes",
            code="SCOPE_INCONNU",
        )
    if not cleaned:
        raise DomainError("Choisissez au moins un scope.", field="scopes", code="SCOPES_MANQUANTS")
    return [s for s in SCOPES_ORDER if s in cleaned]


def check_nom(nom: str) -> str:
    cleaned = " ".join(nom.split())
    if not cleaned or len(cleaned) > NOM_MAX:
        raise DomainError(
            f"Nommez le client (1 à {NOM_MAX} caractères), par exemple le logiciel du cabinet.",
            field="nom",
            code="NOM_INVALIDE",
        )
    return cleaned


async def create_client(
    ctx: Context,
    principal: Principal,
    *,
    nom: str,
    scopes: list[str],
    idempotency_key: str | None,
) -> tuple[Outcome, str | None]:
    """Register a client for the principal's cabinet: the outcome and the clear secret
    (None on an idempotent replay: the secret is never stored)."""
    issued: dict[str, str] = {}

    async def action(session: AsyncSession) -> Outcome:
        name = check_nom(nom)
        granted = check_scopes(scopes)
        secret = secrets.token_urlsafe(32)
        client = ClientOAuth(
            client_id=f"cli_{secrets.token_hex(12)}",
            cabinet_id=principal.cabinet_id,
            nom=name,
            secret_hash=await ctx.services.passwords.hash_async(secret),
            scopes=" ".join(granted),
            cree_le=ctx.clock.now(),
            cree_par_id=principal.utilisateur_id,
        )
        session.add(client)
        await session.flush()
        issued["secret"] = secret
        return Outcome(reference={"client_id": client.client_id})

    outcome = await run_mutation(
        ctx,
        "createOAuthClient",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"nom={nom}; scopes={' '.join(scopes)}",
    )
    return outcome, issued.get("secret") if outcome.ok else None


async def revoke_client(
    ctx: Context, principal: Principal, *, client_id: str, idempotency_key: str | None
) -> Outcome:
    async def action(session: AsyncSession) -> Outcome:
        client = await records.cabinet_client_for_update(
            session, principal.cabinet_id or -1, client_id.strip()
        )
        if client is None:
            raise NotFound("Client OAuth2 introuvable.", field="clientId")
        if client.revoque_le is not None:
            raise DomainError(
                "Ce client OAuth2 est déjà révoqué.", field="clientId", code="CLIENT_DEJA_REVOQUE"
            )
        client.revoque_le = ctx.clock.now()
        client.revoque_par_id = principal.utilisateur_id
        return Outcome(reference={"client_id": client.client_id})

    return await run_mutation(
        ctx,
        "revokeOAuthClient",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"client_id={client_id}",
    )


async def cabinet_clients(
    ctx: Context, principal: Principal, *, include_revoked: bool
) -> list[ClientOAuth]:
    return await records.cabinet_clients(
        ctx.db, principal.cabinet_id or -1, include_revoked=include_revoked
    )
