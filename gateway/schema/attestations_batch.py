"""`generateAttestations`: attestations for a selection of clients, one result per
item, like the other portfolio-wide batch mutations (issue 15)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.nomenclatures import TypeAttestation
from gateway.context import Context
from gateway.schema.attestations import Attestation
from gateway.schema.errors import UserError
from gateway.schema.lifecycle import IDEMPOTENCY
from gateway.schema.travailleur import Travailleur

ContextInfo = Info[Context, None]


@strawberry.input(description="One client's attestation request.")
class GenerateAttestationItem:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the client.")
    type: TypeAttestation = strawberry.field(
        description="VIGILANCE, MARCHE_PUBLIC, CSG_CRDS or FORMATION_PROFESSIONNELLE."
    )
    annee: int | None = strawberry.field(
        default=None,
        description=(
            "CSG_CRDS and FORMATION_PROFESSIONNELLE: the closed year (required); omit it "
            "for VIGILANCE and MARCHE_PUBLIC."
        ),
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=f"This item's own key. {IDEMPOTENCY}"
    )


@strawberry.input(description="Attestations for many clients (at most 500).")
class GenerateAttestationsInput:
    items: list[GenerateAttestationItem] = strawberry.field(
        description="One attestation per item; each is issued, or refused, on its own."
    )


@strawberry.type(description="The outcome of one item of `generateAttestations`.")
class GenerateAttestationResult:
    index: int = strawberry.field(description="Position of the item in the input (from 0).")
    travailleur_id: strawberry.ID = strawberry.field(description="The item's travailleurId.")
    travailleur: Travailleur | None = strawberry.field(description="The client, when issued.")
    attestation: Attestation | None = strawberry.field(
        description="The attestation issued, with its PDF link."
    )
    user_errors: list[UserError] = strawberry.field(
        description='This item\'s refusals; `field` starts with ["input", "items", "<index>"].'
    )


@strawberry.type(description="One result per item, in input order.")
class GenerateAttestationsPayload:
    results: list[GenerateAttestationResult] = strawberry.field(description="Per item, in order.")
    nombre_succes: int = strawberry.field(description="Attestations issued.")
    nombre_echecs: int = strawberry.field(description="Items refused.")


@strawberry.type
class AttestationsBatchMutation:
    @strawberry.mutation(
        description=(
            "Experts-comptables (OAuth scope attestations:write): issue an attestation for "
            "each of up to 500 clients, one result per item in input order. Each item is "
            "issued on its own — its own transaction, audit event and idempotency key — so "
            "one refusal (conditions not met, a client you may not see: NOT_FOUND) leaves "
            "the other items as they are."
        )
    )
    async def generate_attestations(
        self,
        info: ContextInfo,
        input: Annotated[
            GenerateAttestationsInput,
            strawberry.argument(description="One attestation to issue per item (up to 500)."),
        ],
    ) -> GenerateAttestationsPayload:
        # Imported here: the resolver imports this module's types.
        from gateway.resolvers import batch_attestations

        return await batch_attestations.generate_attestations(info.context, input)
