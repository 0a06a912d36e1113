"""GraphQL root fields of « Ma prévention santé » (merged by schema/assembly.py).

The file is the worker's alone: ``maPrevention`` and the mutations on ayants droit and
records refuse every other role (FORBIDDEN, whatever the ID given), and no other field
of the schema leads to these objects.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.resolvers import prevention
from gateway.schema.prevention_types import (
    AddAyantDroitInput,
    AyantDroit,
    AyantDroitPayload,
    ConseilPrevention,
    ConseilPreventionPayload,
    MaPrevention,
    PublishConseilPreventionInput,
    RecordDepistageInput,
    RecordPreventionPayload,
    RecordVaccinationInput,
    RemoveAyantDroitInput,
    RemoveAyantDroitPayload,
    SetRappelsPreventionInput,
    SetRappelsPreventionPayload,
    UpdateAyantDroitInput,
    WithdrawConseilPreventionInput,
)
from gateway.schema.relay import Before, Connection, Last, Pagination

ContextInfo = Info[Context, None]

_OWNER_ONLY = (
    " Workers only, for their own file: refused (FORBIDDEN) for accountants, OAuth "
    "clients and agents; an ayant droit of someone else is NOT_FOUND, like an unknown ID."
)


@strawberry.type
class PreventionQuery:
    @strawberry.field(
        description=(
            "« Ma prévention santé »: your prevention and screening file and your family's "
            "(ayants droit), with each recommended action's status and next due date today."
            + _OWNER_ONLY
        )
    )
    async def ma_prevention(self, info: ContextInfo) -> MaPrevention:
        return await prevention.ma_prevention(info.context)

    @strawberry.field(
        description=(
            "Prevention advice of your caisse, most recent first. A worker sees the advice "
            "online today for their profession, age and sex; an agent every item of their "
            "caisse with its `etat`. Refused (FORBIDDEN) for accountants and OAuth clients."
        )
    )
    async def conseils_prevention(
        self,
        info: ContextInfo,
        first: Annotated[
            int | None, strawberry.argument(description="Page size, 0 to 100 (default 20).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the item to continue after.")
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ConseilPrevention]:
        pages = Pagination(first, after, last, before)
        return await prevention.conseils_page(info.context, pages)


@strawberry.type
class PreventionMutation:
    @strawberry.mutation(
        description=(
            "Declare a family member (spouse or partner, child) for « Ma prévention santé ». "
            "Refused without a first name, for a birth date in the future, beyond 20 "
            "members." + _OWNER_ONLY
        )
    )
    async def add_ayant_droit(
        self,
        info: ContextInfo,
        input: Annotated[AddAyantDroitInput, strawberry.argument(description="The member.")],
    ) -> AyantDroitPayload:
        return await prevention.add_ayant_droit(info.context, input)

    @strawberry.mutation(
        description=(
            "Change a family member's first name, birth date, sex or link. Refused for a "
            "birth date after one of their records, or a sex a recorded screening does not "
            "fit." + _OWNER_ONLY
        )
    )
    async def update_ayant_droit(
        self,
        info: ContextInfo,
        input: Annotated[UpdateAyantDroitInput, strawberry.argument(description="The change.")],
    ) -> AyantDroitPayload:
        return await prevention.update_ayant_droit(info.context, input)

    @strawberry.mutation(
        description="Remove a family member with their whole prevention file." + _OWNER_ONLY
    )
    async def remove_ayant_droit(
        self,
        info: ContextInfo,
        input: Annotated[RemoveAyantDroitInput, strawberry.argument(description="The member.")],
    ) -> RemoveAyantDroitPayload:
        return await prevention.remove_ayant_droit(info.context, input)

    @strawberry.mutation(
        description=(
            "Record a vaccine dose for yourself or a family member (vaccine, date, optional "
            "batch number). Refused for a screening programme, a vaccine the person's sex "
            "does not fit, a date in the future or before their birth." + _OWNER_ONLY
        )
    )
    async def record_vaccination(
        self,
        info: ContextInfo,
        input: Annotated[RecordVaccinationInput, strawberry.argument(description="The dose.")],
    ) -> RecordPreventionPayload:
        return await prevention.record_vaccination(info.context, input)

    @strawberry.mutation(
        description=(
            "Record a screening done by yourself or a family member (programme, date). "
            "Refused for a vaccination programme, a screening the person's sex does not "
            "fit, a date in the future or before their birth." + _OWNER_ONLY
        )
    )
    async def record_depistage(
        self,
        info: ContextInfo,
        input: Annotated[RecordDepistageInput, strawberry.argument(description="The screening.")],
    ) -> RecordPreventionPayload:
        return await prevention.record_depistage(info.context, input)

    @strawberry.mutation(
        description=(
            "Turn on or off the reminder e-mails of your prevention file: 30 days before an "
            "action is due, one e-mail without any health detail." + _OWNER_ONLY
        )
    )
    async def set_rappels_prevention(
        self,
        info: ContextInfo,
        input: Annotated[
            SetRappelsPreventionInput, strawberry.argument(description="The setting.")
        ],
    ) -> SetRappelsPreventionPayload:
        return await prevention.set_rappels(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: publish prevention advice for the workers of your caisse, "
            "targeted by profession, age band and sex (empty: everyone), shown from its "
            "publication date to its end date. Refused without a title or text, with an end "
            "date before publication, a publication date in the past, or an age band out of "
            "0–120 or reversed."
        )
    )
    async def publish_conseil_prevention(
        self,
        info: ContextInfo,
        input: Annotated[
            PublishConseilPreventionInput, strawberry.argument(description="The advice.")
        ],
    ) -> ConseilPreventionPayload:
        return await prevention.publish_conseil(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: withdraw prevention advice of your caisse; workers no longer "
            "see it. NOT_FOUND for advice of another caisse."
        )
    )
    async def withdraw_conseil_prevention(
        self,
        info: ContextInfo,
        input: Annotated[
            WithdrawConseilPreventionInput, strawberry.argument(description="The advice.")
        ],
    ) -> ConseilPreventionPayload:
        return await prevention.withdraw_conseil(info.context, input)


#: Types reachable only through the Node interface.
TYPES: list[type] = [AyantDroit, ConseilPrevention]
