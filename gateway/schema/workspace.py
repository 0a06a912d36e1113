"""GraphQL root fields of the accountant workspace (merged into Query and Mutation by
schema/assembly.py): mandates, collaborators, the cabinet's audit trail and the
portfolio-wide batch mutations (SPEC §9–§10, issue 4). The types are in
``gateway.schema.workspace_types``; `portfolio` itself is in the core root.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.context import Context
from gateway.resolvers import batch, workspace
from gateway.schema.relay import After, Before, Connection, First, Last, Pagination
from gateway.schema.workspace_types import (
    ActivateMandatInput,
    ActivateMandatPayload,
    AffectationInput,
    AffectationPayload,
    Collaborateur,
    EstimateRevenuesInput,
    EstimateRevenuesPayload,
    EvenementAudit,
    InviteCollaborateurInput,
    InviteCollaborateurPayload,
    Mandat,
    RequestMandatInput,
    RequestMandatPayload,
    RevokeMandatInput,
    RevokeMandatPayload,
    SetPrelevementPeriodicitesInput,
    SetPrelevementPeriodicitesPayload,
)

ContextInfo = Info[Context, None]


@strawberry.type
class WorkspaceQuery:
    @strawberry.field(
        description=(
            "Cabinet administrators: the members of the cabinet (administrators first, then "
            "by name), each with their assigned clients. FORBIDDEN for anyone else."
        )
    )
    async def collaborateurs(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Collaborateur]:
        pages = Pagination(first, after, last, before)
        return await workspace.collaborateurs_list(info.context, pages)

    @strawberry.field(
        description=(
            "Cabinet administrators: what the cabinet's members and OAuth2 clients did, newest "
            "first, optionally for one collaborator and/or one operation (e.g. "
            "estimateRevenue). The account acted on shows only when you may see it. "
            "FORBIDDEN for anyone else."
        )
    )
    async def audit_cabinet(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        collaborateur_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the events of this collaborator."),
        ] = None,
        operation: Annotated[
            str | None,
            strawberry.argument(description="Only this operation (the mutation's name)."),
        ] = None,
    ) -> Connection[EvenementAudit]:
        pages = Pagination(first, after, last, before)
        return await workspace.audit_cabinet(info.context, pages, collaborateur_id, operation)


@strawberry.type
class WorkspaceMutation:
    @strawberry.mutation(
        description=(
            "Accountants: ask a worker for a mandate by NIR. If the NIR is a worker's, an "
            "activation key is e-mailed to their contact address (at most one a day); the "
            "answer is the same whether the NIR exists or not. Refused for a malformed NIR "
            "and when your cabinet already has an active mandate."
        )
    )
    async def request_mandat(
        self,
        info: ContextInfo,
        input: Annotated[
            RequestMandatInput,
            strawberry.argument(
                description="The NIR of the worker the cabinet asks a mandate for."
            ),
        ],
    ) -> RequestMandatPayload:
        return await workspace.request_mandat(info.context, input)

    @strawberry.mutation(
        description=(
            "Accountants: enter the key the worker handed over (valid 30 days): the mandate "
            "becomes ACTIF and the worker joins the portfolio at once (a collaborator who "
            "enters it is assigned the client). A wrong, expired or unknown key is "
            "CLE_INVALIDE; after 5 wrong keys the request is cancelled and the worker told."
        )
    )
    async def activate_mandat(
        self,
        info: ContextInfo,
        input: Annotated[
            ActivateMandatInput,
            strawberry.argument(
                description="The mandate and the activation key the worker received."
            ),
        ],
    ) -> ActivateMandatPayload:
        return await workspace.activate_mandat(info.context, input)

    @strawberry.mutation(
        description=(
            "Workers: revoke a mandate on your account (or decline a pending request). The "
            "cabinet loses access with its next query and is told by e-mail."
        )
    )
    async def revoke_mandat(
        self,
        info: ContextInfo,
        input: Annotated[
            RevokeMandatInput, strawberry.argument(description="The mandate to revoke.")
        ],
    ) -> RevokeMandatPayload:
        return await workspace.revoke_mandat(info.context, input)

    @strawberry.mutation(
        description=(
            "Cabinet administrators: invite a collaborator. Their login is the e-mail address; "
            "a temporary password is e-mailed to it, to be changed at the first login."
        )
    )
    async def invite_collaborateur(
        self,
        info: ContextInfo,
        input: Annotated[
            InviteCollaborateurInput,
            strawberry.argument(description="The collaborator's name and e-mail address."),
        ],
    ) -> InviteCollaborateurPayload:
        return await workspace.invite_collaborateur(info.context, input)

    @strawberry.mutation(
        description=(
            "Cabinet administrators: assign clients (with an active mandate) to a collaborator, "
            "who then sees them; all or nothing, already assigned ones unchanged."
        )
    )
    async def assign_clients(
        self,
        info: ContextInfo,
        input: Annotated[
            AffectationInput, strawberry.argument(description="The collaborator and the clients.")
        ],
    ) -> AffectationPayload:
        return await workspace.change_assignments(info.context, input, assign=True)

    @strawberry.mutation(
        description=(
            "Cabinet administrators: take clients back from a collaborator, who no longer "
            "sees them; all or nothing, clients not assigned to them ignored."
        )
    )
    async def unassign_clients(
        self,
        info: ContextInfo,
        input: Annotated[
            AffectationInput, strawberry.argument(description="The collaborator and the clients.")
        ],
    ) -> AffectationPayload:
        return await workspace.change_assignments(info.context, input, assign=False)

    @strawberry.mutation(
        description=(
            "Accountants: `estimateRevenue` for up to 500 clients. One result per item, in "
            "order: each item is authorized, saved (own transaction, audit, e-mail, avis "
            "d'appel) and idempotent on its own key, so one item's refusal undoes nothing "
            "else. More than 500 items: BAD_USER_INPUT."
        )
    )
    async def estimate_revenues(
        self,
        info: ContextInfo,
        input: Annotated[
            EstimateRevenuesInput,
            strawberry.argument(description="One estimate per client (up to the batch limit)."),
        ],
    ) -> EstimateRevenuesPayload:
        return await batch.estimate_revenues(info.context, input)

    @strawberry.mutation(
        description=(
            "Accountants: `setPrelevementPeriodicite` for up to 500 clients. One result per "
            "item, in order: each item is authorized, applied and idempotent on its own, so "
            "one item's refusal undoes nothing else. More than 500 items: BAD_USER_INPUT."
        )
    )
    async def set_prelevement_periodicites(
        self,
        info: ContextInfo,
        input: Annotated[
            SetPrelevementPeriodicitesInput,
            strawberry.argument(description="One periodicity per client (up to the batch limit)."),
        ],
    ) -> SetPrelevementPeriodicitesPayload:
        return await batch.set_periodicites(info.context, input)


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = [Mandat, Collaborateur, EvenementAudit]
