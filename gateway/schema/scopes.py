"""OAuth2 scopes as the schema shows them: one enum value per scope string."""

from __future__ import annotations

from enum import Enum

import strawberry

from gateway.auth.principal import Scope


@strawberry.enum(
    name="OAuthScope",
    description=(
        "What an OAuth2 client may do, as the cabinet it acts for. On the token endpoint "
        "(`POST /oauth/token`, `scope` parameter) the same scopes are written in their "
        "OAuth form: `read`, `revenus:write`, `prelevement:write`, `delais:write`, "
        "`attestations:write`, `webhooks:write`."
    ),
)
class OAuthScope(Enum):
    READ = strawberry.enum_value(
        Scope.READ, description="`read`: every query of the accounts the cabinet sees."
    )
    REVENUS_WRITE = strawberry.enum_value(
        Scope.REVENUS_WRITE,
        description="`revenus:write`: estimate and declare incomes, declare turnover.",
    )
    PRELEVEMENT_WRITE = strawberry.enum_value(
        Scope.PRELEVEMENT_WRITE,
        description="`prelevement:write`: bank details, direct debit and its periodicity.",
    )
    DELAIS_WRITE = strawberry.enum_value(
        Scope.DELAIS_WRITE,
        description="`delais:write`: request and renegotiate payment plans.",
    )
    ATTESTATIONS_WRITE = strawberry.enum_value(
        Scope.ATTESTATIONS_WRITE, description="`attestations:write`: issue attestations."
    )
    WEBHOOKS_WRITE = strawberry.enum_value(
        Scope.WEBHOOKS_WRITE,
        description="`webhooks:write`: register and manage the cabinet's webhook endpoints.",
    )


def scope_values(scopes: list[OAuthScope]) -> list[str]:
    """The OAuth form of the scopes (``revenus:write``), as tokens and clients store them."""
    return [str(scope.value) for scope in scopes]


def scope_enums(scopes: list[str] | set[str] | frozenset[str]) -> list[OAuthScope]:
    """The schema's values of stored scopes, in the enum's order."""
    return [scope for scope in OAuthScope if str(scope.value) in scopes]
