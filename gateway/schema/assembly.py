"""Schema assembly: the root types, the concrete types, extensions, scalars."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.http.rate_limit import RateLimitedCost
from gateway.observability.graphql import ObserveOperation
from gateway.schema import (
    access,
    attestations_batch,
    calendrier,
    declarations,
    delais,
    enums,  # noqa: F401  (gives the domain enums their descriptions)
    evenements,
    prevention,
    radiation,
    webhooks,
    workspace,
)
from gateway.schema.batched_lists import for_one_schema
from gateway.schema.compte import Attestation, Cotisation, DelaiPaiement, Echeance, Paiement, Revenu
from gateway.schema.document_cache import CachedNameConverter, DocumentCache, DocumentCaching
from gateway.schema.errors import should_mask, with_error_code
from gateway.schema.field_access import apply_field_access
from gateway.schema.lifecycle import AvisAppel
from gateway.schema.limits import QueryCostLimiter
from gateway.schema.micro import DeclarationMicro
from gateway.schema.references import Caisse, Etablissement
from gateway.schema.root import CoreMutation, CoreQuery
from gateway.schema.scalars import SCALAR_MAP
from gateway.schema.subscriptions import Subscription
from gateway.schema.travailleur import MicroEntrepreneur, TravailleurClassique


@strawberry.type(description="Read the accounts you may see; the simulators need no login.")
class Query(
    CoreQuery,
    access.AccessQuery,
    workspace.WorkspaceQuery,
    delais.DelaisQuery,
    declarations.DeclarationsQuery,
    prevention.PreventionQuery,
    evenements.EvenementsQuery,
    webhooks.WebhooksQuery,
    calendrier.CalendrierQuery,
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
    prevention.PreventionMutation,
    radiation.RadiationMutation,
    webhooks.WebhooksMutation,
    attestations_batch.AttestationsBatchMutation,
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


def build_schema(
    tracer_provider: Any = None, *, attribute_fields: bool = True
) -> strawberry.Schema:
    """``tracer_provider``: an OpenTelemetry provider when traces are exported;
    ``attribute_fields``: answer the fields that only read an attribute directly (off: every
    field through graphql-core, the reference the tests compare with)."""
    tracing = [] if tracer_provider is None else [OpenTelemetryTracing(tracer_provider)]
    documents = DocumentCache()
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=CONCRETE_TYPES
        + access.TYPES
        + workspace.TYPES
        + delais.TYPES
        + declarations.TYPES
        + prevention.TYPES
        + evenements.TYPES
        + webhooks.TYPES,
        extensions=[
            lambda: MaskErrors(should_mask_error=should_mask),
            # Who may run the operation at all, then the query limits; the cost limiter
            # also pours the cost into the principal's rate-limit bucket.
            *[RateLimitedCost if e is QueryCostLimiter else e for e in access.EXTENSIONS],
            ObserveOperation,
            *tracing,
            # Last: after the limits have set the parse options and added their rules.
            lambda: DocumentCaching(documents),
        ],
        execution_context_class=for_one_schema() if attribute_fields else None,
        config=StrawberryConfig(
            auto_camel_case=True, scalar_map=SCALAR_MAP, name_converter=CachedNameConverter()
        ),
    )
    # What a principal may read of the fields it reaches (payloads, provisional ``me``).
    apply_field_access(schema._schema)
    return schema


class OpenTelemetryTracing:
    """Builds strawberry's OpenTelemetry extension, per operation, on the given provider."""

    def __init__(self, tracer_provider: Any) -> None:
        self.tracer_provider = tracer_provider

    def __call__(self) -> Any:
        # Imported here: OpenTelemetry is loaded only when traces are on.
        from strawberry.extensions.tracing import OpenTelemetryExtension

        # No argument value reaches the traces: they carry personal (and, for the
        # prevention file, health) data that the trace backend's users may not see.
        return OpenTelemetryExtension(
            tracer_provider=self.tracer_provider, arg_filter=lambda _args, _info: {}
        )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
