"""Root Subscription: live events over WebSocket (graphql-transport-ws on /graphql)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.evenements import TypeEvenement
from gateway.context import Context
from gateway.resolvers import subscriptions
from gateway.schema.evenements import Evenement

ContextInfo = Info[Context, None]

TYPES_ARGUMENT = strawberry.argument(description="Only these kinds of event (default: all).")
DEPUIS_ARGUMENT = strawberry.argument(
    description=(
        "A change-feed cursor (`endCursor` of `evenements`, or an event's cursor): first "
        "the events after it, then the live ones, with no gap. Omit to start from now."
    )
)


@strawberry.type(
    description=(
        "Follow accounts live, over a WebSocket on /graphql (protocol graphql-transport-ws; "
        'the token goes in the connection_init payload as {"Authorization": "Bearer …"}). '
        "The connection is closed (4401) when the token expires or is no longer valid."
    )
)
class Subscription:
    @strawberry.subscription(
        description=(
            "The events of one worker's account as they happen, for whoever may see the "
            "worker. The connection is closed (4403) when the worker is no longer visible "
            "(mandate revoked). At most 10 subscriptions per login at once in each gateway "
            "process."
        )
    )
    async def evenements_compte(
        self,
        info: ContextInfo,
        travailleur_id: Annotated[
            strawberry.ID, strawberry.argument(description="Global ID of the worker.")
        ],
        types: Annotated[list[TypeEvenement] | None, TYPES_ARGUMENT] = None,
        depuis: Annotated[str | None, DEPUIS_ARGUMENT] = None,
    ) -> AsyncIterator[Evenement]:
        return await subscriptions.evenements_compte(
            info.context, str(travailleur_id), types, depuis
        )

    @strawberry.subscription(
        description=(
            "Experts-comptables: the events of every client you may see (admin and OAuth "
            "clients: the whole cabinet; collaborator: those assigned), checked event by "
            "event, so a revoked mandate stops that client's events at once (the cabinet "
            "still receives the mandate event itself, ids only)."
        )
    )
    async def evenements_portefeuille(
        self,
        info: ContextInfo,
        types: Annotated[list[TypeEvenement] | None, TYPES_ARGUMENT] = None,
        depuis: Annotated[str | None, DEPUIS_ARGUMENT] = None,
    ) -> AsyncIterator[Evenement]:
        return await subscriptions.evenements_portefeuille(info.context, types, depuis)
