"""Schema assembly: the root types, the concrete types, extensions, scalars."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.schema import (
    access,
    declarations,
    delais,
    enums,  # noqa: F401  (gives the domain enums their descriptions)
    workspace,
)
from gateway.schema.compte import Attestation, Cotisation, DelaiPaiement, Echeance, Paiement, Revenu
from gateway.schema.errors import should_mask, with_error_code
from gateway.schema.field_access import apply_field_access
from gateway.schema.lifecycle import AvisAppel
from gateway.schema.micro import DeclarationMicro
from gateway.schema.references import Caisse, Etablissement
from gateway.schema.root import CoreMutation, CoreQuery
from gateway.schema.scalars import SCALAR_MAP
from gateway.schema.travailleur import MicroEntrepreneur, TravailleurClassique


@strawberry.type(description="Read the accounts you may see; the simulators need no login.")
class Query(
    CoreQuery,
    access.AccessQuery,
    workspace.WorkspaceQuery,
    delais.DelaisQuery,
    declarations.DeclarationsQuery,
):
    pass


@strawberry.type(
    description=(
        "Act on accounts. Every mutation runs in one transaction, is audited, and accepts an "
        "idempotencyKey where it changes data."
    )
)
class Mutation(
    CoreMutation,
    access.AccessMutation,
    workspace.WorkspaceMutation,
    delais.DelaisMutation,
    declarations.DeclarationsMutation,
):
    pass


# Types reachable only through interfaces must be listed for the schema to know them.
CONCRETE_TYPES = [
    TravailleurClassique,
    MicroEntrepreneur,
    Etablissement,
    Caisse,
    Revenu,
    Cotisation,
    Echeance,
    Paiement,
    DelaiPaiement,
    Attestation,
    DeclarationMicro,
    AvisAppel,
]


class GatewaySchema(strawberry.Schema):
    """Logs only unexpected errors: refusals (auth, bad input) are the client's business."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            with_error_code(error)
        unexpected = [e for e in errors if should_mask(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema() -> strawberry.Schema:
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        types=CONCRETE_TYPES + access.TYPES + workspace.TYPES + delais.TYPES + declarations.TYPES,
        extensions=[
            lambda: MaskErrors(should_mask_error=should_mask),
            # Who may run the operation at all, then the query limits.
            *access.EXTENSIONS,
        ],
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALAR_MAP),
    )
    # What a principal may read of the fields it reaches (payloads, provisional ``me``).
    apply_field_access(schema._schema)
    return schema


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
