"""Radiation of a worker by a caisse agent (recordRadiation)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.resolvers import radiation as resolvers
from gateway.schema.compte import Echeance
from gateway.schema.errors import UserError
from gateway.schema.lifecycle import IDEMPOTENCY

if TYPE_CHECKING:
    from gateway.schema.travailleur import Travailleur

TravailleurType = Annotated["Travailleur", strawberry.lazy("gateway.schema.travailleur")]
ContextInfo = Info[Context, None]


@strawberry.input(description="The radiation (end of activity) of a worker (caisse agents only).")
class RecordRadiationInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    date_radiation: date = strawberry.field(
        description="Last day of activity: not before the start of activity nor after today."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of recording a radiation.")
class RecordRadiationPayload:
    travailleur: TravailleurType | None = strawberry.field(
        description="The worker, now RADIE with the radiation date as end of activity."
    )
    echeances_annulees: list[Echeance] | None = strawberry.field(
        description=(
            "The provisional instalments due after the radiation date, now cancelled "
            "(null with FORBIDDEN for an OAuth2 client without the read scope)."
        )
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused (date out of range, worker already radié)."
    )


@strawberry.type
class RadiationMutation:
    @strawberry.mutation(
        description=(
            "Caisse agents, for workers of their caisse: record a radiation. The provisional "
            "instalments due after its date are cancelled; régularisations of earlier years "
            "and instalments covered by a payment plan in progress stay due. A "
            "micro-entrepreneur declares the periods up to the date and none after. The "
            "worker becomes RADIE, keeps read access, payments, attestations and the relevé "
            "de carrière, and is told by e-mail."
        )
    )
    async def record_radiation(
        self,
        info: ContextInfo,
        input: Annotated[
            RecordRadiationInput,
            strawberry.argument(description="The worker and the date the activity ended."),
        ],
    ) -> RecordRadiationPayload:
        return RecordRadiationPayload(**await resolvers.record_radiation(info.context, input))
