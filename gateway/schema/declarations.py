"""GraphQL root fields of micro-entrepreneur declarations and caisse information
(merged into Query and Mutation by schema/assembly.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.resolvers import declarations
from gateway.schema.caisse import (
    Actualite,
    PublishActualiteInput,
    PublishActualitePayload,
    WithdrawActualiteInput,
    WithdrawActualitePayload,
)
from gateway.schema.micro import DeclareChiffreAffairesInput, DeclareChiffreAffairesPayload
from gateway.schema.references import Caisse
from gateway.schema.relay import Before, Connection, Last, Pagination

ContextInfo = Info[Context, None]


@strawberry.type
class DeclarationsQuery:
    @strawberry.field(
        description=(
            "Your caisse: contact details and opening hours. A worker's caisse, or an agent's "
            "own; null for an accountant (see each client's `caisse`)."
        )
    )
    async def caisse(self, info: ContextInfo) -> Caisse | None:
        return await declarations.caisse(info.context)

    @strawberry.field(
        description=(
            "News of your caisse, most recent first. A worker sees the items online today "
            "(published on or before today, not past their end date, not withdrawn) that "
            "target them: on each criterion an item lists (regions, categories, professions), "
            "the worker's must be one of those listed. An agent sees every item of their "
            "caisse, with its `etat`. Empty for an accountant."
        )
    )
    async def actualites(
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
    ) -> Connection[Actualite]:
        pages = Pagination(first, after, last, before)
        return await declarations.actualites_page(info.context, pages)


@strawberry.type
class DeclarationsMutation:
    @strawberry.mutation(
        description=(
            'A micro-entrepreneur declares the turnover of a month ("2026-03") or quarter '
            '("2026-T1"), per activity (the worker, or a mandated accountant with the '
            "OAuth scope revenus:write; not agents). Contributions are the rate in force on "
            "the first day of the period × turnover, rounded to the euro, plus the CFP to the "
            "cent; the declaration is due by the end of the month after the period and counts "
            "in the account balance. Refused for workers under the régime classique, a period "
            "not over yet, not in the worker's periodicity, outside the activity, or already "
            "declared, and for duplicate activities or negative amounts."
        )
    )
    async def declare_chiffre_affaires(
        self,
        info: ContextInfo,
        input: Annotated[
            DeclareChiffreAffairesInput,
            strawberry.argument(description="The period and its turnover per activity."),
        ],
    ) -> DeclareChiffreAffairesPayload:
        return await declarations.declare_chiffre_affaires(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: publish a news item for the workers of your caisse, targeted by "
            "region, category and profession (empty lists: everyone), shown from its "
            "publication date to its end date. Refused without a title or text, with an end "
            "before the publication, a past publication date, or an unknown region."
        )
    )
    async def publish_actualite(
        self,
        info: ContextInfo,
        input: Annotated[
            PublishActualiteInput, strawberry.argument(description="The item and who it is for.")
        ],
    ) -> PublishActualitePayload:
        return await declarations.publish_actualite(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: withdraw a news item of your caisse; workers no longer see it. "
            "NOT_FOUND for another caisse's item."
        )
    )
    async def withdraw_actualite(
        self,
        info: ContextInfo,
        input: Annotated[
            WithdrawActualiteInput, strawberry.argument(description="The item to withdraw.")
        ],
    ) -> WithdrawActualitePayload:
        return await declarations.withdraw_actualite(info.context, input)


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = [Actualite]
