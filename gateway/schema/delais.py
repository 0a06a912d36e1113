"""Payment plans (SPEC §5), attestations and their public verification (SPEC §6).

Root fields of this area, merged into Query and Mutation by schema/assembly.py; the
relevé de carrière is a field of ``TravailleurClassique``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.nomenclatures import TypeAttestation
from gateway.context import Context
from gateway.resolvers import delais as resolvers
from gateway.schema.attestations import Attestation, VerificationAttestation
from gateway.schema.compte import DelaiPaiement
from gateway.schema.described_enum import described_enum
from gateway.schema.errors import UserError
from gateway.services.delais import Decision

if TYPE_CHECKING:
    from gateway.schema.travailleur import Travailleur

TravailleurType = Annotated["Travailleur", strawberry.lazy("gateway.schema.travailleur")]
ContextInfo = Info[Context, None]

IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)

DecisionEnum = described_enum(
    Decision,
    description="An agent's decision on a pending payment-plan request.",
    values={
        "ACCEPTER": "Accept the plan: it is followed from now on (a reason is optional).",
        "REFUSER": "Refuse the plan (a reason is required); the instalments stay as they were.",
    },
)


@strawberry.input(
    description=(
        "A payment plan over overdue instalments: up to 12 monthly instalments it is "
        "accepted at once; 13 to 24 it waits for an agent's decision; more is refused."
    )
)
class RequestDelaiPaiementInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    echeance_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the overdue, unpaid instalments the plan covers."
    )
    nombre_echeances: int = strawberry.field(description="Monthly instalments, 1 to 24.")
    premiere_echeance: date = strawberry.field(
        description="Due date of the first instalment: from today to 60 days ahead."
    )
    motif: str = strawberry.field(description="Why the worker needs the plan (required).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(
    description=(
        "A new count or first date for an accepted plan: a new request over what the plan "
        "still covers, with the same limits; the old plan becomes RENEGOCIE once the new "
        "one is accepted (and stays in force until then)."
    )
)
class RenegotiateDelaiPaiementInput:
    delai_id: strawberry.ID = strawberry.field(description="Global ID of the accepted plan.")
    nombre_echeances: int = strawberry.field(description="Monthly instalments, 1 to 24.")
    premiere_echeance: date = strawberry.field(
        description="Due date of the first instalment: from today to 60 days ahead."
    )
    motif: str = strawberry.field(description="Why the plan must change (required).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="An agent's decision on a pending request (13 to 24 instalments).")
class DecideDelaiPaiementInput:
    delai_id: strawberry.ID = strawberry.field(description="Global ID of the pending request.")
    decision: Decision = strawberry.field(description="ACCEPTER or REFUSER.")
    motif: str | None = strawberry.field(
        default=None, description="Reason, sent to the worker; required to refuse."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a payment-plan request, renegotiation or decision.")
class DelaiPaiementPayload:
    travailleur: TravailleurType | None = strawberry.field(description="The worker.")
    delai_paiement: DelaiPaiement | None = strawberry.field(
        description="The plan requested, renegotiated (the new request) or decided."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="Ask for an attestation.")
class GenerateAttestationInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    type: TypeAttestation = strawberry.field(
        description=(
            "VIGILANCE (every past income declared and nothing overdue, or an accepted plan "
            "respected; valid 6 months), MARCHE_PUBLIC (the same at 31 December of the "
            "previous year), CSG_CRDS (definitive CSG-CRDS of a closed year), "
            "FORMATION_PROFESSIONNELLE (CFP paid for a year, from 1 January of the next)."
        )
    )
    annee: int | None = strawberry.field(
        default=None,
        description=(
            "CSG_CRDS and FORMATION_PROFESSIONNELLE: the closed year (required). Omit it "
            "for VIGILANCE (or give the current year) and MARCHE_PUBLIC (or the previous year)."
        ),
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of an attestation request.")
class GenerateAttestationPayload:
    travailleur: TravailleurType | None = strawberry.field(description="The worker.")
    attestation: Attestation | None = strawberry.field(
        description="The attestation issued, with its PDF link."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused (conditions not met, year not available…)."
    )


@strawberry.type
class DelaisQuery:
    @strawberry.field(
        description=(
            "Public (no login), for programs; people use the `/verification` page. Check "
            "an attestation's verification code (case, spaces and dashes ignored). Gives "
            "its type, the business and the entrepreneur's name, SIREN and SIRET, the issue "
            "and validity dates and whether it is still valid — nothing else; null for a "
            "code that matches no attestation."
        )
    )
    async def verify_attestation(
        self,
        info: ContextInfo,
        code: Annotated[
            str, strawberry.argument(description="The code printed on the attestation.")
        ],
    ) -> VerificationAttestation | None:
        return await resolvers.verify_attestation(info.context, code)


@strawberry.type
class DelaisMutation:
    @strawberry.mutation(
        description=(
            "Ask for a payment plan over overdue instalments (the worker or a mandated "
            "accountant; OAuth scope delais:write). Conditions: every past income declared, "
            "no plan denounced in the last 24 months, no other plan in progress. Up to 12 "
            "instalments: accepted at once; 13 to 24: DEMANDE until an agent decides; more: "
            "refused. While the plan is respected, the instalments it covers carry no "
            "majorations. The worker is told by e-mail."
        )
    )
    async def request_delai_paiement(
        self, info: ContextInfo, input: RequestDelaiPaiementInput
    ) -> DelaiPaiementPayload:
        return DelaiPaiementPayload(**await resolvers.request_delai(info.context, input))

    @strawberry.mutation(
        description=(
            "Renegotiate an accepted plan still respected: a new request over what it still "
            "covers, linked to it (`remplace`); the old plan becomes RENEGOCIE when the new "
            "one is accepted."
        )
    )
    async def renegotiate_delai_paiement(
        self, info: ContextInfo, input: RenegotiateDelaiPaiementInput
    ) -> DelaiPaiementPayload:
        return DelaiPaiementPayload(**await resolvers.renegotiate_delai(info.context, input))

    @strawberry.mutation(
        description=(
            "Accept or refuse (with a reason) a pending payment-plan request: caisse agents "
            "only, for workers of their caisse. The worker is told by e-mail."
        )
    )
    async def decide_delai_paiement(
        self, info: ContextInfo, input: DecideDelaiPaiementInput
    ) -> DelaiPaiementPayload:
        return DelaiPaiementPayload(**await resolvers.decide_delai(info.context, input))

    @strawberry.mutation(
        description=(
            "Issue an attestation as a PDF (anyone who may see the worker; OAuth scope "
            "attestations:write). Refused, with the reason, when its conditions are not met. "
            "Vigilance and formation professionnelle carry a verification code for the "
            "`/verification` page and `verifyAttestation`."
        )
    )
    async def generate_attestation(
        self, info: ContextInfo, input: GenerateAttestationInput
    ) -> GenerateAttestationPayload:
        return GenerateAttestationPayload(
            **await resolvers.generate_attestation(info.context, input)
        )


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = []
