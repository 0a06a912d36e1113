"""Access management: OAuth2 clients, sessions, account opening, passwords (SPEC §9–§10),
and the gate that applies, before execution, what a principal may run at all.

The gate (``AccessGate``) refuses, with a top-level FORBIDDEN and nothing executed:
- anything but ``me``, ``changeMotDePasse`` and ``logout`` while the caller's password
  is provisional (a new account, an invited collaborator);
- any query of account data by an OAuth2 client without the ``read`` scope (the public
  simulators stay open). Write scopes are checked by each service (``require_scope``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

import strawberry
from graphql import ExecutionResult, GraphQLError, OperationType
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from gateway.auth.principal import Principal, Scope
from gateway.context import Context
from gateway.resolvers import access, auth
from gateway.schema.auth import (
    ChangeMotDePasseInput,
    ChangeMotDePassePayload,
    CreateAccountInput,
    CreateAccountPayload,
    CreateOAuthClientInput,
    CreateOAuthClientPayload,
    LogoutInput,
    LogoutPayload,
    OAuthClient,
    RefreshTokenInput,
    RefreshTokenPayload,
    RequestPasswordResetInput,
    RequestPasswordResetPayload,
    ResetPasswordInput,
    ResetPasswordPayload,
    RevokeOAuthClientInput,
    RevokeOAuthClientPayload,
)
from gateway.schema.errors import forbidden
from gateway.schema.limits import (
    DocumentFields,
    limit_extensions,
    operation_of,
    variables_with_defaults,
)

ContextInfo = Info[Context, None]

#: What a user with a provisional password may still run.
PROVISIONAL_PASSWORD_ALLOWED = frozenset({"me", "changeMotDePasse", "logout"})
#: Queries that need no login, hence no ``read`` scope.
PUBLIC_QUERIES = frozenset({"simulateCotisations", "simulateCotisationsMicro", "verifyAttestation"})
ADMIN = "Cabinet admins only (administrateurCabinet); anyone else gets FORBIDDEN."


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description=(
            "The OAuth2 clients of your cabinet, oldest first (revoked ones with "
            f"`inclureRevoques`). {ADMIN}"
        )
    )
    async def oauth_clients(
        self,
        info: ContextInfo,
        inclure_revoques: Annotated[
            bool, strawberry.argument(description="Also list revoked clients.")
        ] = False,
    ) -> list[OAuthClient]:
        return await access.oauth_clients(info.context, inclure_revoques)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(
        name="createOAuthClient",
        description=(
            "Register an OAuth2 client (a practice-management tool) for your cabinet, with "
            "its scopes. Returns the client_id and the secret, shown this once (only its "
            "argon2 hash is kept). The tool then calls `POST /oauth/token` "
            "(grant_type=client_credentials, client_secret_basic or client_secret_post, "
            f"optional `scope` to narrow) and acts as the cabinet within its scopes. {ADMIN}"
        ),
    )
    async def create_oauth_client(
        self,
        info: ContextInfo,
        input: Annotated[
            CreateOAuthClientInput,
            strawberry.argument(description="The tool's name and the scopes to grant."),
        ],
    ) -> CreateOAuthClientPayload:
        return await access.create_oauth_client(info.context, input)

    @strawberry.mutation(
        name="revokeOAuthClient",
        description=(
            "Revoke an OAuth2 client of your cabinet: it cannot get tokens any more and "
            f"the tokens it holds stop working at once. {ADMIN}"
        ),
    )
    async def revoke_oauth_client(
        self,
        info: ContextInfo,
        input: Annotated[
            RevokeOAuthClientInput, strawberry.argument(description="The client_id to revoke.")
        ],
    ) -> RevokeOAuthClientPayload:
        return await access.revoke_oauth_client(info.context, input)

    @strawberry.mutation(
        description=(
            "Exchange a refresh token for a new access token and the next refresh token "
            "(rotation: the one used is revoked; a revoked token presented again revokes "
            "every token of that login). Refused with INVALID_REFRESH_TOKEN."
        )
    )
    async def refresh_token(
        self,
        info: ContextInfo,
        input: Annotated[
            RefreshTokenInput,
            strawberry.argument(description="The refresh token to exchange (it is spent)."),
        ],
    ) -> RefreshTokenPayload:
        return await auth.refresh_token(info.context, input)

    @strawberry.mutation(description="Log out: revoke the refresh token of this login.")
    async def logout(
        self,
        info: ContextInfo,
        input: Annotated[
            LogoutInput, strawberry.argument(description="The refresh token of the session to end.")
        ],
    ) -> LogoutPayload:
        return await auth.logout(info.context, input)

    @strawberry.mutation(
        description=(
            "Open the online account of a worker known to the caisse (no login needed): if "
            "the NIR is known, has no account yet and the e-mail is the one on file, a "
            "provisional password is e-mailed to it, to be changed at the first login. The "
            "answer is the same in every case (no account enumeration)."
        )
    )
    async def create_account(
        self,
        info: ContextInfo,
        input: Annotated[
            CreateAccountInput,
            strawberry.argument(description="The worker's NIR, e-mail address and password."),
        ],
    ) -> CreateAccountPayload:
        return await access.create_account(info.context, input)

    @strawberry.mutation(
        description=(
            "Change your password (users; not OAuth2 clients). Required after a provisional "
            "password: until then only `me` and `logout` are allowed besides. Your other "
            "logins are ended (their refresh tokens revoked)."
        )
    )
    async def change_mot_de_passe(
        self,
        info: ContextInfo,
        input: Annotated[
            ChangeMotDePasseInput,
            strawberry.argument(description="The current and the new password."),
        ],
    ) -> ChangeMotDePassePayload:
        return await access.change_mot_de_passe(info.context, input)

    @strawberry.mutation(
        description=(
            "Forgotten password (no login needed): e-mails a single-use code valid one hour "
            "to the account's address. The answer is the same whether or not the identifier "
            "exists."
        )
    )
    async def request_password_reset(
        self,
        info: ContextInfo,
        input: Annotated[
            RequestPasswordResetInput,
            strawberry.argument(description="The identifiant whose password is forgotten."),
        ],
    ) -> RequestPasswordResetPayload:
        return await access.request_password_reset(info.context, input)

    @strawberry.mutation(
        description=(
            "Set a new password with the code received by e-mail (no login needed); the "
            "code then stops working and every login of the account is ended."
        )
    )
    async def reset_password(
        self,
        info: ContextInfo,
        input: Annotated[
            ResetPasswordInput,
            strawberry.argument(
                description="The identifiant, the code received by e-mail and the new password."
            ),
        ],
    ) -> ResetPasswordPayload:
        return await access.reset_password(info.context, input)


def gate_refusal(
    principal: Principal | None, operation: OperationType, root_fields: set[str]
) -> GraphQLError | None:
    """Why the principal may not run this operation at all, or None."""
    if principal is None:
        return None
    fields = {f for f in root_fields if not f.startswith("__")}
    if principal.mot_de_passe_a_changer and fields - PROVISIONAL_PASSWORD_ALLOWED:
        return forbidden(
            "Changez d'abord votre mot de passe provisoire (changeMotDePasse) : seuls me, "
            "changeMotDePasse et logout sont permis jusque-là."
        )
    if (
        operation is OperationType.QUERY
        and not principal.has_scope(Scope.READ)
        and fields - PUBLIC_QUERIES
    ):
        return forbidden(f"Ce client OAuth2 n'a pas le scope « {Scope.READ} ».", scope=Scope.READ)
    return None


class AccessGate(SchemaExtension):
    """Applies ``gate_refusal`` to the operation's root fields (fragments expanded)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        ctx = context.context
        document = context.graphql_document
        if isinstance(ctx, Context) and ctx.principal is not None and document is not None:
            operation = operation_of(document, context.operation_name)
            schema = context.schema._schema
            root = schema.get_root_type(operation.operation)
            fields = DocumentFields(
                schema, document, variables_with_defaults(operation, context.variables)
            ).collect(root, [operation.selection_set])
            names = {nodes[0].name.value for nodes in fields.values()}
            refusal = gate_refusal(ctx.principal, operation.operation, names)
            if refusal is not None:
                context.result = ExecutionResult(None, [refusal])
        yield


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = []

#: Schema extensions of this area, in order: the gate, then the query limits.
EXTENSIONS: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
    AccessGate,
    *limit_extensions(),
]
