"""Root resolvers of login and ``me``."""

from __future__ import annotations

from gateway.auth.authenticate import principal_for
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.resolvers.payloads import user_errors
from gateway.schema.auth import LoginInput, LoginPayload, Me
from gateway.services import authentication


def me_from(principal: Principal) -> Me:
    return Me(
        role=principal.role,
        nom_affiche=principal.label,
        administrateur_cabinet=principal.administrateur_cabinet,
        travailleur_id=principal.travailleur_id,
        cabinet_id=principal.cabinet_id,
        caisse_id=principal.caisse_id,
    )


def me(ctx: Context) -> Me:
    return me_from(ctx.require_principal())


async def login(ctx: Context, data: LoginInput) -> LoginPayload:
    result = await authentication.login(ctx, data.identifiant, data.mot_de_passe)
    errors = user_errors(result.outcome)
    if result.user is None:
        return LoginPayload(access_token=None, expires_in=None, me=None, user_errors=errors)
    return LoginPayload(
        access_token=result.access_token,
        expires_in=result.expires_in,
        me=me_from(principal_for(result.user)),
        user_errors=errors,
    )
