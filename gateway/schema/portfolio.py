"""Types of the portfolio query: filters, order, each client's indicators and the
totals of the filtered portfolio (issue 4; the rules: ``gateway.db.repositories.portfolio``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import strawberry

from domain.nomenclatures import Regime, Situation
from gateway.db.repositories.portfolio import Indicateurs, Tri
from gateway.schema.described_enum import described_enum
from gateway.schema.relay import PageInfo
from gateway.schema.scalars import Money
from gateway.schema.travailleur import Travailleur

TriPortfolioEnum = described_enum(
    Tri,
    description="Portfolio order; ties are broken by name, first name, then client.",
    values={
        "NOM": "By name, then first name.",
        "MONTANT_EN_RETARD": "By overdue amount.",
        "PROCHAINE_ECHEANCE": "By next due date; clients with nothing due come last.",
    },
)


class SensTri(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


described_enum(
    SensTri,
    description="Sort direction.",
    values={"ASC": "Ascending.", "DESC": "Descending."},
)


@strawberry.input(
    description="Portfolio filters, all optional and combined with AND (omitted: not filtered)."
)
class PortfolioFiltre:
    situations: list[Situation] | None = strawberry.field(
        default=None, description="Clients in one of these situations."
    )
    regime: Regime | None = strawberry.field(default=None, description="Régime of the clients.")
    en_retard: bool | None = strawberry.field(
        default=None, description="true: something overdue (> 0); false: nothing overdue."
    )
    prochaine_echeance_avant: date | None = strawberry.field(
        default=None, description="Next unpaid due date strictly before this date."
    )
    attestation_vigilance_obtenable: bool | None = strawberry.field(
        default=None,
        description="Attestation de vigilance obtainable today (true) or not (false).",
    )
    a_surveiller: bool | None = strawberry.field(
        default=None,
        description="Needing attention: overdue, a declaration missing, or a plan denounced.",
    )
    collaborateur_id: strawberry.ID | None = strawberry.field(
        default=None, description="Clients assigned to this collaborator of your cabinet."
    )
    updated_since: datetime | None = strawberry.field(
        default=None,
        description=(
            "Clients whose account changed at or after this time (with its offset): any "
            "event of the change feed (payment, instalment, income, plan, mandate…). A sync "
            "tool pages these clients, then follows `evenements` from there."
        ),
    )
    recherche: str | None = strawberry.field(
        default=None,
        description=(
            "Free text (≤ 100 characters): with digits, part of the NIR or of a SIRET "
            "(spaces ignored); otherwise every word in the name or first name, accents and "
            "case ignored (Émilie, emilie and EMILIE alike; œ, æ and ß as oe, ae and ss)."
        ),
    )


@strawberry.input(description="Portfolio order.")
class PortfolioTri:
    champ: Tri = strawberry.field(default=Tri.NOM, description="What to sort on.")
    sens: SensTri | None = strawberry.field(
        default=None,
        description="ASC or DESC; by default ASC, except MONTANT_EN_RETARD (largest first).",
    )


@strawberry.type(description="A client's follow-up figures today, as the filters see them.")
class IndicateursClient:
    montant_en_retard: Money = strawberry.field(
        description="Unpaid after its due date (as `compte.montantEnRetard`)."
    )
    du_ce_mois: Money = strawberry.field(
        description="Unpaid part of what falls due in the current calendar month."
    )
    prochaine_echeance: date | None = strawberry.field(
        description=(
            "Next unpaid due date from today on (a micro-entrepreneur's: their next "
            "declaration deadline with something left to pay)."
        )
    )
    declarations_manquantes: bool = strawberry.field(
        description=(
            "An income of N-2 or N-1 not declared (régime classique), or a period of N-1 "
            "or N past its deadline without declaration (micro-entrepreneur)."
        )
    )
    plan_denonce: bool = strawberry.field(
        description="A payment plan denounced (or with an instalment unpaid 30 days after)."
    )
    attestation_vigilance_obtenable: bool = strawberry.field(
        description=(
            "Declarations up to date and nothing overdue outside an accepted, respected "
            "payment plan."
        )
    )
    a_surveiller: bool = strawberry.field(
        description="Needs attention: overdue, a declaration missing, or a plan denounced."
    )


@strawberry.type(description="A client of the portfolio with its cursor and indicators.")
class PortfolioEdge:
    node: Travailleur = strawberry.field(description="The client.")
    cursor: str = strawberry.field(description="Pass as `after` to continue after this client.")
    figures: strawberry.Private[Indicateurs]

    # Built when selected: a page of 500 clients shown through ``nodes`` never reads them.
    @strawberry.field(description="The client's figures today.")
    def indicateurs(self) -> IndicateursClient:
        i = self.figures
        return IndicateursClient(
            montant_en_retard=Money(i.montant_en_retard),
            du_ce_mois=Money(i.du_ce_mois),
            prochaine_echeance=i.prochaine_echeance,
            declarations_manquantes=i.declarations_manquantes,
            plan_denonce=i.plan_denonce,
            attestation_vigilance_obtenable=i.vigilance_obtenable,
            a_surveiller=i.a_surveiller,
        )


@strawberry.type(
    description="Totals over the whole filtered portfolio (every page), computed by the database."
)
class PortfolioResume:
    nombre_clients: int = strawberry.field(description="Clients matching the filters.")
    montant_en_retard: Money = strawberry.field(description="Total overdue.")
    du_ce_mois: Money = strawberry.field(
        description="Total unpaid of what falls due this calendar month."
    )
    clients_en_retard: int = strawberry.field(description="Clients with something overdue.")
    clients_declarations_manquantes: int = strawberry.field(
        description="Clients with a declaration missing."
    )
    clients_plan_denonce: int = strawberry.field(description="Clients with a plan denounced.")
    clients_a_surveiller: int = strawberry.field(
        description="Clients needing attention (overdue, declaration missing or plan denounced)."
    )
    clients_attestation_vigilance_obtenable: int = strawberry.field(
        description="Clients who can obtain an attestation de vigilance today."
    )


@strawberry.type(description="A page of the portfolio, with totals over all pages.")
class PortfolioConnection:
    edges: list[PortfolioEdge] = strawberry.field(
        description="The clients of this page with cursors and indicators."
    )
    nodes: list[Travailleur] = strawberry.field(description="The clients of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
    total_count: int = strawberry.field(description="Clients matching the filters, all pages.")
    resume: PortfolioResume = strawberry.field(
        description="Totals over the filtered portfolio (not only this page)."
    )
