"""Root resolvers of login, refresh, logout and ``me``."""

from __future__ import annotations

from gateway.auth.authenticate import principal_for
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.resolvers.payloads import user_errors
from gateway.schema.auth import (
    LoginInput,
    LoginPayload,
    LogoutInput,
    LogoutPayload,
    Me,
    RefreshTokenInput,
    RefreshTokenPayload,
)
from gateway.schema.scopes import scope_enums
from gateway.services import authentication


def me_from(principal: Principal) -> Me:
    return Me(
        role=principal.role,
        identifiant=principal.identifiant,
        nom_affiche=principal.label,
        administrateur_cabinet=principal.administrateur_cabinet,
        mot_de_passe_a_changer=principal.mot_de_passe_a_changer,
        scopes=scope_enums(principal.scopes) if principal.scopes is not None else None,
        travailleur_id=principal.travailleur_id,
        cabinet_id=principal.cabinet_id,
        caisse_id=principal.caisse_id,
    )


def me(ctx: Context) -> Me:
    return me_from(ctx.require_principal())


async def login(ctx: Context, data: LoginInput) -> LoginPayload:
    result = await authentication.login(ctx, data.identifiant, data.mot_de_passe)
    user = result.user
    return LoginPayload(
        access_token=result.access_token,
        expires_in=result.expires_in,
        refresh_token=result.refresh_token,
        mot_de_passe_a_changer=user.mot_de_passe_a_changer if user is not None else False,
        retry_after=result.retry_after,
        me=me_from(principal_for(user)) if user is not None else None,
        user_errors=user_errors(result.outcome),
    )


async def refresh_token(ctx: Context, data: RefreshTokenInput) -> RefreshTokenPayload:
    result = await authentication.refresh(ctx, data.refresh_token)
    user = result.user
    return RefreshTokenPayload(
        access_token=result.access_token,
        expires_in=result.expires_in,
        refresh_token=result.refresh_token,
        me=me_from(principal_for(user)) if user is not None else None,
        user_errors=user_errors(result.outcome),
    )


async def logout(ctx: Context, data: LogoutInput) -> LogoutPayload:
    outcome = await authentication.logout(ctx, data.refresh_token)
    return LogoutPayload(ok=outcome.ok, user_errors=user_errors(outcome))
