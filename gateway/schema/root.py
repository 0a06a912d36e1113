"""Root Query and Mutation: each field delegates to a thin resolver."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.resolvers import auth, contact, lifecycle, nodes, portfolio, simulation
from gateway.schema.auth import LoginInput, LoginPayload, Me
from gateway.schema.contact import UpdateContactInput, UpdateContactPayload
from gateway.schema.lifecycle import (
    DeclareRevenuInput,
    DeclareRevenuPayload,
    EstimateRevenueInput,
    EstimateRevenuePayload,
    PrelevementPayload,
    RecordPaiementInput,
    RecordPaiementPayload,
    RecordPrelevementRejeteInput,
    RecordPrelevementRejetePayload,
    RemovePrelevementAutomatiqueInput,
    SetPrelevementAutomatiqueInput,
    SetPrelevementPeriodiciteInput,
    SetPrelevementPeriodicitePayload,
)
from gateway.schema.portfolio import PortfolioConnection, PortfolioFiltre, PortfolioTri
from gateway.schema.relay import Node
from gateway.schema.simulation import (
    Simulation,
    SimulationInput,
    SimulationMicro,
    SimulationMicroInput,
)

ContextInfo = Info[Context, None]


@strawberry.type
class CoreQuery:
    @strawberry.field(
        description="The authenticated caller: role, and the account, cabinet or caisse tied to it."
    )
    def me(self, info: ContextInfo) -> Me:
        return auth.me(info.context)

    @strawberry.field(
        description=(
            "Fetch any object by its global ID. Null when the ID is unknown, malformed, or "
            "of an object you may not see (the three are indistinguishable)."
        )
    )
    async def node(
        self,
        info: ContextInfo,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")],
    ) -> Node | None:
        return await nodes.node(info.context, id)

    @strawberry.field(
        description="Fetch up to 100 objects by global ID, in order; null where not visible."
    )
    async def nodes(
        self,
        info: ContextInfo,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Up to 100 global IDs.")
        ],
    ) -> list[Node | None]:
        return await nodes.nodes(info.context, list(ids))

    @strawberry.field(
        description=(
            "The clients an expert-comptable sees (admin: every client with an active "
            "mandate; collaborator: those assigned), filtered and sorted (by name unless "
            "`tri` says otherwise), `first` up to 500. Each edge carries the client's "
            "indicators (overdue, due this month, next due date, missing declarations, "
            "denounced plan, attestation de vigilance) as of the last accounting day, and "
            "`resume` the totals of the whole filtered portfolio (computed only when "
            "selected); all by the database in two statements. Cursors are keyset cursors "
            "of the order: paging forward (`first`/`after`) or backward (`last`/`before`), "
            "a client whose sort key did not change is never repeated or skipped."
        )
    )
    async def portfolio(
        self,
        info: ContextInfo,
        first: Annotated[
            int | None,
            strawberry.argument(description="Clients from the start (default 50, at most 500)."),
        ] = None,
        after: Annotated[
            str | None,
            strawberry.argument(description="Only clients after this cursor (an edge's)."),
        ] = None,
        filtre: Annotated[
            PortfolioFiltre | None, strawberry.argument(description="Filters, combined with AND.")
        ] = None,
        tri: Annotated[
            PortfolioTri | None,
            strawberry.argument(description="Order (default: by name, then first name)."),
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Clients from the end (at most 500); not with `first`."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(description="Only clients before this cursor (an edge's)."),
        ] = None,
    ) -> PortfolioConnection:
        return await portfolio.portfolio(
            info.context,
            first,
            after,
            filtre,
            tri,
            last=last,
            before=before,
            fields=portfolio.selected(info),
        )

    @strawberry.field(
        description=(
            "Public simulator (no login): the contributions of an artisan or commerçant for a "
            "year and an income, line by line with explanations; with `dateCreation` in the "
            "year, the prorated contributions and the start-of-activity forfait. Refused with "
            "BAD_USER_INPUT for a year without a barème, a creation date after the year, or "
            "an absurd amount."
        )
    )
    def simulate_cotisations(
        self,
        input: Annotated[
            SimulationInput,
            strawberry.argument(
                description="The year, nature of activity, income and creation date."
            ),
        ],
    ) -> Simulation:
        return simulation.simulate(input)

    @strawberry.field(
        description=(
            "Public simulator for micro-entrepreneurs (no login): contributions of one month "
            '("2026-03") or quarter ("2026-T1") from the turnover of each activity, at the '
            "rate in force on the first day of the period, plus the CFP."
        )
    )
    def simulate_cotisations_micro(
        self,
        input: Annotated[
            SimulationMicroInput,
            strawberry.argument(
                description="The period, the nature of the activity and the turnover per activity."
            ),
        ],
    ) -> SimulationMicro:
        return simulation.simulate_micro(input)


@strawberry.type
class CoreMutation:
    @strawberry.mutation(
        description=(
            "Log in with a NIR (workers) or an e-mail (accountants, agents) and a password; "
            "returns a short-lived bearer token."
        )
    )
    async def login(
        self,
        info: ContextInfo,
        input: Annotated[
            LoginInput,
            strawberry.argument(
                description="The identifiant (NIR or e-mail address) and the password."
            ),
        ],
    ) -> LoginPayload:
        return await auth.login(info.context, input)

    @strawberry.mutation(
        description=(
            "Change a worker's contact e-mail and/or phone (the worker, a mandated "
            "accountant, or an agent of the caisse). A notice goes to the previous and the "
            "new address. Refused with NOT_FOUND for a worker you may not see."
        )
    )
    async def update_contact(
        self,
        info: ContextInfo,
        input: Annotated[
            UpdateContactInput,
            strawberry.argument(
                description="The worker and the new e-mail address or phone number."
            ),
        ],
    ) -> UpdateContactPayload:
        return await contact.update_contact(info.context, input)

    @strawberry.mutation(
        description=(
            "Estimate the current year's income (the worker or a mandated accountant): the "
            "provisional contributions are recomputed on it and the schedule rebuilt — only "
            "instalments due at least 15 days from today change. With `previsualisation: true` "
            "nothing is written. Otherwise an acknowledgment is e-mailed to `courriel` and an "
            "avis d'appel rectificatif (PDF) is issued. Refused for workers in taxation "
            "d'office, radiés and micro-entrepreneurs, for another year, without "
            "`jaiEteInforme`, and for negative or absurd amounts."
        )
    )
    async def estimate_revenue(
        self,
        info: ContextInfo,
        input: Annotated[
            EstimateRevenueInput,
            strawberry.argument(
                description="The worker, the estimated income and the « j'ai été informé(e) » box."
            ),
        ],
    ) -> EstimateRevenuePayload:
        return await lifecycle.estimate_revenue(info.context, input)

    @strawberry.mutation(
        description=(
            "Declare a year's professional income: last year's (N-1, due by 31 May), or any "
            "earlier covered year (2023 onwards) of the activity not yet declared, late and "
            "without penalty. Definitive contributions of that year are computed; the "
            "régularisation (definitive − provisional called for that year, taxation "
            "d'office included) is spread over the current year's open instalments when due, "
            "or credited against the oldest debts (the rest refundable); the taxation "
            "d'office is re-derived and the current year's provisional contributions are "
            "recomputed unless an estimate exists — no older year is recomputed. A year "
            "already declared cannot be declared again."
        )
    )
    async def declare_revenu(
        self,
        info: ContextInfo,
        input: Annotated[
            DeclareRevenuInput,
            strawberry.argument(
                description="The worker, the closed year and the income declared for it."
            ),
        ],
    ) -> DeclareRevenuPayload:
        return await lifecycle.declare_revenu(info.context, input)

    @strawberry.mutation(
        description=(
            "Change the direct-debit periodicity (once per calendar year). New dates apply from "
            "the first due date of the new periodicity at least 30 days away; monthly "
            "periodicities need an active direct debit."
        )
    )
    async def set_prelevement_periodicite(
        self,
        info: ContextInfo,
        input: Annotated[
            SetPrelevementPeriodiciteInput,
            strawberry.argument(description="The worker and the new periodicity."),
        ],
    ) -> SetPrelevementPeriodicitePayload:
        return await lifecycle.set_periodicite(info.context, input)

    @strawberry.mutation(
        description=(
            "Set up (or replace) the SEPA direct debit with checked IBAN and BIC; a mandate "
            "reference (RUM) is issued. The periodicity is unchanged until you set it."
        )
    )
    async def set_prelevement_automatique(
        self,
        info: ContextInfo,
        input: Annotated[
            SetPrelevementAutomatiqueInput,
            strawberry.argument(description="The worker, the bank details and the periodicity."),
        ],
    ) -> PrelevementPayload:
        return await lifecycle.set_prelevement_automatique(info.context, input)

    @strawberry.mutation(
        description=(
            "Stop the direct debit: payment falls back to quarterly (this does not count as "
            "the year's periodicity change)."
        )
    )
    async def remove_prelevement_automatique(
        self,
        info: ContextInfo,
        input: Annotated[
            RemovePrelevementAutomatiqueInput,
            strawberry.argument(description="The worker whose direct debit ends."),
        ],
    ) -> PrelevementPayload:
        return await lifecycle.remove_prelevement_automatique(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: record a payment received; it is allocated to the oldest unpaid "
            "instalments first."
        )
    )
    async def record_paiement(
        self,
        info: ContextInfo,
        input: Annotated[
            RecordPaiementInput,
            strawberry.argument(
                description="The worker, the amount, the date and the means of payment."
            ),
        ],
    ) -> RecordPaiementPayload:
        return await lifecycle.record_paiement(info.context, input)

    @strawberry.mutation(
        description=(
            "Caisse agents: record a direct debit rejected by the bank. The amount is carried "
            "to the next instalment; after two rejections in a row payment becomes quarterly "
            "and majorations apply to the rejected amounts from their own due dates."
        )
    )
    async def record_prelevement_rejete(
        self,
        info: ContextInfo,
        input: Annotated[
            RecordPrelevementRejeteInput,
            strawberry.argument(description="The instalment whose direct debit the bank rejected."),
        ],
    ) -> RecordPrelevementRejetePayload:
        return await lifecycle.record_prelevement_rejete(info.context, input)
