"""Root resolvers of access management: OAuth2 clients, account opening, passwords."""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.auth import records
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db.models_access import ClientOAuth
from gateway.resolvers.payloads import user_errors
from gateway.schema.auth import (
    ChangeMotDePasseInput,
    ChangeMotDePassePayload,
    CreateAccountInput,
    CreateAccountPayload,
    CreateOAuthClientInput,
    CreateOAuthClientPayload,
    OAuthClient,
    RequestPasswordResetInput,
    RequestPasswordResetPayload,
    ResetPasswordInput,
    ResetPasswordPayload,
    RevokeOAuthClientInput,
    RevokeOAuthClientPayload,
)
from gateway.schema.errors import forbidden
from gateway.schema.scopes import scope_enums, scope_values
from gateway.services import comptes, oauth
from gateway.services.unit_of_work import Outcome


def cabinet_admin(ctx: Context) -> Principal:
    """OAuth2 clients are managed by the cabinet's administrator in person (SPEC §10)."""
    principal = ctx.require_principal()
    if (
        principal.role is not Role.EXPERT_COMPTABLE
        or principal.is_oauth_client
        or not principal.administrateur_cabinet
    ):
        raise forbidden("Opération réservée à l'administrateur du cabinet (administrateurCabinet).")
    return principal


def client_type(row: ClientOAuth) -> OAuthClient:
    return OAuthClient(
        client_id=row.client_id,
        nom=row.nom,
        scopes=scope_enums(set(row.scopes.split())),
        cree_le=row.cree_le,
        revoque_le=row.revoque_le,
        actif=row.revoque_le is None,
    )


async def _client_of(ctx: Context, principal: Principal, outcome: Outcome) -> OAuthClient | None:
    client_id = outcome.reference.get("client_id")
    if not outcome.ok or client_id is None:
        return None
    row = await records.cabinet_client(ctx.db, principal.cabinet_id or -1, str(client_id))
    return None if row is None else client_type(row)


async def oauth_clients(ctx: Context, inclure_revoques: bool) -> list[OAuthClient]:
    principal = cabinet_admin(ctx)
    rows = await oauth.cabinet_clients(ctx, principal, include_revoked=inclure_revoques)
    return [client_type(r) for r in rows]


async def create_oauth_client(
    ctx: Context, data: CreateOAuthClientInput
) -> CreateOAuthClientPayload:
    principal = cabinet_admin(ctx)
    outcome, secret = await oauth.create_client(
        ctx,
        principal,
        nom=data.nom,
        scopes=scope_values(data.scopes),
        idempotency_key=data.idempotency_key,
    )
    return CreateOAuthClientPayload(
        client=await _client_of(ctx, principal, outcome),
        client_secret=secret,
        user_errors=user_errors(outcome),
    )


async def revoke_oauth_client(
    ctx: Context, data: RevokeOAuthClientInput
) -> RevokeOAuthClientPayload:
    principal = cabinet_admin(ctx)
    outcome = await oauth.revoke_client(
        ctx, principal, client_id=data.client_id, idempotency_key=data.idempotency_key
    )
    return RevokeOAuthClientPayload(
        client=await _client_of(ctx, principal, outcome), user_errors=user_errors(outcome)
    )


async def create_account(ctx: Context, data: CreateAccountInput) -> CreateAccountPayload:
    outcome, retry_after = await comptes.create_account(ctx, data.nir, data.courriel)
    return CreateAccountPayload(
        message=outcome.reference.get("message"),
        retry_after=retry_after,
        user_errors=user_errors(outcome),
    )


async def change_mot_de_passe(ctx: Context, data: ChangeMotDePasseInput) -> ChangeMotDePassePayload:
    principal = ctx.require_principal()
    if principal.is_oauth_client:
        raise forbidden("Un client OAuth2 n'a pas de mot de passe.")
    outcome, refresh = await comptes.change_password(
        ctx, data.ancien_mot_de_passe, data.nouveau_mot_de_passe
    )
    return ChangeMotDePassePayload(
        ok=outcome.ok, refresh_token=refresh, user_errors=user_errors(outcome)
    )


async def request_password_reset(
    ctx: Context, data: RequestPasswordResetInput
) -> RequestPasswordResetPayload:
    outcome, retry_after = await comptes.request_password_reset(ctx, data.identifiant)
    return RequestPasswordResetPayload(
        message=outcome.reference.get("message"),
        retry_after=retry_after,
        user_errors=user_errors(outcome),
    )


async def reset_password(ctx: Context, data: ResetPasswordInput) -> ResetPasswordPayload:
    outcome = await comptes.reset_password(
        ctx, data.identifiant, data.code, data.nouveau_mot_de_passe
    )
    return ResetPasswordPayload(ok=outcome.ok, user_errors=user_errors(outcome))
