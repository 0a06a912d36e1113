"""The cabinet's calendar (`calendrierCabinet`): coming instalments and declaration
deadlines of every visible client between two dates (issue 15)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.schema.compte import Echeance
from gateway.schema.relay import Before, Last, PageInfo, Pagination

if TYPE_CHECKING:
    from gateway.schema.travailleur import Travailleur

ContextInfo = Info[Context, None]
TravailleurType = Annotated["Travailleur", strawberry.lazy("gateway.schema.travailleur")]


@strawberry.enum(description="What falls due on a day of the cabinet's calendar.")
class TypeEvenementCalendrier(Enum):
    ECHEANCE_COTISATIONS = strawberry.enum_value(
        "ECHEANCE_COTISATIONS", description="An instalment of contributions (see `echeance`)."
    )
    DECLARATION_REVENUS = strawberry.enum_value(
        "DECLARATION_REVENUS",
        description=(
            "The deadline (31 May) to declare the income of `annee`, for a client who has "
            "not declared it yet."
        ),
    )
    DECLARATION_MICRO = strawberry.enum_value(
        "DECLARATION_MICRO",
        description=(
            "The deadline to declare a micro-entrepreneur's turnover of `periode` (the last "
            "day of the following month), not declared yet."
        ),
    )


@strawberry.type(description="One due date of one client in the cabinet's calendar.")
class EvenementCalendrier:
    date: date = strawberry.field(description="The due date or deadline.")
    type: TypeEvenementCalendrier = strawberry.field(description="What falls due.")
    libelle: str = strawberry.field(
        description='French label, e.g. "Échéance provisionnelle 2026", '
        '"Déclaration des revenus 2025", "Déclaration du chiffre d\'affaires 2026-T1".'
    )
    annee: int = strawberry.field(
        description="The contribution year, the income year, or the period's year."
    )
    periode: str | None = strawberry.field(
        description='DECLARATION_MICRO: the month ("2026-03") or quarter ("2026-T1").'
    )
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the client.")
    travailleur: TravailleurType | None = strawberry.field(description="The client.")
    echeance: Echeance | None = strawberry.field(
        description="ECHEANCE_COTISATIONS: the instalment, with its amount and status."
    )


@strawberry.type(description="A page of the cabinet's calendar, by date then client name.")
class EvenementCalendrierConnection:
    nodes: list[EvenementCalendrier] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
    total_count: int = strawberry.field(description="Number of items across all pages.")


@strawberry.type
class CalendrierQuery:
    @strawberry.field(
        description=(
            "Experts-comptables: the coming due dates of every client you see between `du` "
            "and `au` (at most 366 days, both included) — instalments of contributions "
            "(not cancelled), and the deadlines of the income and turnover declarations "
            "not made yet — by date, then client name; `first` up to 500. Computed by the "
            "database in two statements, whatever the page size."
        )
    )
    async def calendrier_cabinet(
        self,
        info: ContextInfo,
        du: Annotated[date, strawberry.argument(description="First day of the window.")],
        au: Annotated[date, strawberry.argument(description="Last day of the window.")],
        first: Annotated[
            int | None, strawberry.argument(description="Page size, 0 to 500 (default 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor of the item to continue after.")
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> EvenementCalendrierConnection:
        # Imported here: the resolver imports this module's types.
        from gateway.resolvers import calendrier

        pages = Pagination(first, after, last, before)
        return await calendrier.calendrier_cabinet(info.context, du, au, pages)
