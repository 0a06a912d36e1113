"""Types of the accountant workspace: mandates, collaborators, audit events, and the
batch mutations' inputs and results (SPEC §9–§10, issue 4). Root fields are in
``gateway.schema.workspace``; the portfolio's types in ``gateway.schema.portfolio``.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from domain.echeancier import Periodicite
from domain.nomenclatures import IssueAudit, Role, StatutMandat
from gateway.context import Context
from gateway.db import models
from gateway.schema.auth import Cabinet
from gateway.schema.described_enum import described_enum
from gateway.schema.errors import UserError
from gateway.schema.lifecycle import IDEMPOTENCY, AvisAppel
from gateway.schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    Pagination,
    encode_global_id,
)
from gateway.schema.scalars import Money
from gateway.schema.travailleur import Travailleur, travailleur_type

ContextInfo = Info[Context, None]

IssueAuditEnum = described_enum(
    IssueAudit,
    description="Outcome of an audited operation.",
    values={
        "SUCCES": "The operation was carried out.",
        "REFUS": "The operation was refused; nothing changed.",
    },
)


async def _travailleur(info: ContextInfo, travailleur_id: int | None) -> Travailleur | None:
    if travailleur_id is None:
        return None
    row = await info.context.loaders.travailleur.load(travailleur_id)
    return None if row is None else travailleur_type(row)


# --- mandates ---------------------------------------------------------------------------


@strawberry.type(
    description=(
        "A cabinet's mandate on a worker's account: EN_ATTENTE until the "
        "accountant enters the activation key the worker received, then ACTIF; REVOQUE "
        "when the worker revoked it; ANNULE after too many wrong keys."
    )
)
class Mandat(Node):
    statut: StatutMandat = strawberry.field(description="State of the mandate.")
    date_demande: date = strawberry.field(description="When the cabinet asked (last key sent).")
    date_activation: date | None = strawberry.field(description="When the key was entered.")
    date_revocation: date | None = strawberry.field(
        description="When it was revoked by the worker, or cancelled after wrong keys."
    )
    row: strawberry.Private[models.Mandat]

    @strawberry.field(
        description=(
            "When it last changed (UTC); null if unchanged since before changes were dated."
        )
    )
    def updated_at(self) -> datetime | None:
        return self.row.modifie_le

    @strawberry.field(description="The cabinet the mandate is given to.")
    async def cabinet(self, info: ContextInfo) -> Cabinet:
        return Cabinet.from_row(await info.context.loaders.cabinet.load(self.row.cabinet_id))

    @strawberry.field(
        description="The worker; null while you may not see them (e.g. a pending request)."
    )
    async def travailleur(self, info: ContextInfo) -> Travailleur | None:
        return await _travailleur(info, self.row.travailleur_id)

    @staticmethod
    def from_row(row: models.Mandat) -> Mandat:
        return Mandat(
            id=strawberry.ID(encode_global_id("Mandat", row.id)),
            statut=row.statut,
            date_demande=row.date_demande,
            date_activation=row.date_activation,
            date_revocation=row.date_revocation,
            row=row,
        )


@strawberry.input(description="Ask a worker for a mandate, by NIR.")
class RequestMandatInput:
    nir: str = strawberry.field(description="The worker's NIR (15 characters, spaces allowed).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a mandate request: the same whether the NIR exists or not.")
class RequestMandatPayload:
    message: str | None = strawberry.field(
        description="What happens next (null when refused). It never says whether the NIR exists."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the request was refused (malformed NIR, mandate already active)."
    )


@strawberry.input(description="Enter the activation key the worker handed over.")
class ActivateMandatInput:
    nir: str = strawberry.field(description="The worker's NIR, as in the request.")
    cle_activation: str = strawberry.field(
        description=(
            "The key e-mailed to the worker (XXXX-XXXX-XXXX; case, spaces and dashes ignored)."
        )
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of entering an activation key.")
class ActivateMandatPayload:
    mandat: Mandat | None = strawberry.field(description="The mandate, now ACTIF.")
    travailleur: Travailleur | None = strawberry.field(
        description="The worker, now in your portfolio."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "CLE_INVALIDE for a wrong, expired or unknown key (after 5 wrong keys the "
            "request is cancelled)."
        )
    )


@strawberry.input(description="Revoke a mandate on your account (or decline a pending request).")
class RevokeMandatInput:
    mandat_id: strawberry.ID = strawberry.field(description="Global ID of the mandate.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a revocation.")
class RevokeMandatPayload:
    mandat: Mandat | None = strawberry.field(description="The mandate, now REVOQUE.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


# --- collaborators ----------------------------------------------------------------------


@strawberry.type(description="A member of your cabinet (an expert-comptable login).")
class Collaborateur(Node):
    nom: str = strawberry.field(description="Display name.")
    courriel: str = strawberry.field(description="Login e-mail address.")
    administrateur: bool = strawberry.field(
        description="Administrator of the cabinet: sees every client, manages collaborators."
    )
    actif: bool = strawberry.field(description="The login is enabled.")
    mot_de_passe_a_changer: bool = strawberry.field(
        description="Still on the temporary password of the invitation."
    )
    row: strawberry.Private[models.Utilisateur]

    @strawberry.field(
        description=(
            "Clients assigned to this collaborator, by name (`first` or `last` up to 500, "
            "default 50)."
        )
    )
    async def clients(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Travailleur]:
        from gateway.resolvers import workspace

        pages = Pagination(first, after, last, before)
        return await workspace.clients_of(info.context, self.row.id, pages)

    @staticmethod
    def from_row(row: models.Utilisateur) -> Collaborateur:
        return Collaborateur(
            id=strawberry.ID(encode_global_id("Collaborateur", row.id)),
            nom=row.nom_affiche,
            courriel=row.identifiant,
            administrateur=row.administrateur_cabinet,
            actif=row.actif,
            mot_de_passe_a_changer=row.mot_de_passe_a_changer,
            row=row,
        )


@strawberry.input(description="Invite a collaborator into your cabinet (administrators only).")
class InviteCollaborateurInput:
    courriel: str = strawberry.field(
        description="Their e-mail address: their login, where the temporary password goes."
    )
    nom: str = strawberry.field(description="Their name, as shown to colleagues and clients.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of an invitation.")
class InviteCollaborateurPayload:
    collaborateur: Collaborateur | None = strawberry.field(
        description="The new collaborator (must change the temporary password at first login)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="Clients to assign to (or take back from) a collaborator.")
class AffectationInput:
    collaborateur_id: strawberry.ID = strawberry.field(
        description="Global ID of a (non-administrator) collaborator of your cabinet."
    )
    travailleur_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of clients with an active mandate of your cabinet (at most 500)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of an assignment change (all of it, or nothing).")
class AffectationPayload:
    collaborateur: Collaborateur | None = strawberry.field(
        description="The collaborator, with their clients after the change."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused; a client outside your portfolio is NOT_FOUND at its index."
    )


# --- audit ------------------------------------------------------------------------------


@strawberry.type(
    description=(
        "An audited operation: who acted (and for which cabinet), on which account, "
        "what, when, with what outcome."
    )
)
class EvenementAudit(Node):
    horodatage: datetime = strawberry.field(description="When (UTC).")
    acteur: str = strawberry.field(
        description="Who acted: a person's name, an OAuth2 client, or 'anonyme'."
    )
    role: Role | None = strawberry.field(description="The actor's role.")
    operation: str = strawberry.field(description="The mutation, e.g. estimateRevenue.")
    issue: IssueAudit = strawberry.field(description="SUCCES, or REFUS (nothing changed).")
    detail: str | None = strawberry.field(description="What was asked, briefly.")
    motif_refus: str | None = strawberry.field(description="Why it was refused.")
    row: strawberry.Private[models.EvenementAudit]

    @strawberry.field(description="The cabinet the actor acted for, if an accountant.")
    async def cabinet(self, info: ContextInfo) -> Cabinet | None:
        if self.row.cabinet_id is None:
            return None
        return Cabinet.from_row(await info.context.loaders.cabinet.load(self.row.cabinet_id))

    @strawberry.field(description="The account acted on; null when none or not visible to you.")
    async def travailleur(self, info: ContextInfo) -> Travailleur | None:
        return await _travailleur(info, self.row.travailleur_id)

    @staticmethod
    def from_row(row: models.EvenementAudit) -> EvenementAudit:
        try:
            summary = json.loads(row.detail) if row.detail else {}
        except ValueError:
            summary = {"detail": row.detail}
        return EvenementAudit(
            id=strawberry.ID(encode_global_id("EvenementAudit", row.id)),
            horodatage=row.horodatage,
            acteur=row.acteur,
            role=row.role,
            operation=row.operation,
            issue=row.issue,
            detail=summary.get("detail") or None,
            motif_refus=summary.get("erreurs") or None,
            row=row,
        )


# --- batch mutations --------------------------------------------------------------------


@strawberry.input(description="One client's income estimate (as `estimateRevenue`, saved).")
class EstimateRevenueItem:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the client.")
    annee: int = strawberry.field(description="The current year.")
    montant: Money = strawberry.field(description="Estimated professional income, ≥ 0.")
    courriel: str = strawberry.field(description="Address for the acknowledgment.")
    jai_ete_informe: bool = strawberry.field(
        description="Confirms the client knows an under-estimate is regularised. Required."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=f"This item's own key. {IDEMPOTENCY}"
    )


@strawberry.input(description="Income estimates for many clients (at most 500).")
class EstimateRevenuesInput:
    items: list[EstimateRevenueItem] = strawberry.field(
        description="One estimate per item; each is saved, or refused, on its own."
    )


@strawberry.type(description="The outcome of one item of `estimateRevenues`.")
class EstimateRevenueResult:
    index: int = strawberry.field(description="Position of the item in the input (from 0).")
    travailleur_id: strawberry.ID = strawberry.field(description="The item's travailleurId.")
    travailleur: Travailleur | None = strawberry.field(description="The client, when saved.")
    total_cotisations: Money | None = strawberry.field(
        description="The recomputed provisional contributions of the year."
    )
    avis_appel: AvisAppel | None = strawberry.field(
        description="The avis d'appel rectificatif issued."
    )
    user_errors: list[UserError] = strawberry.field(
        description='This item\'s refusals; `field` starts with ["input", "items", "<index>"].'
    )


@strawberry.type(description="One result per item, in input order.")
class EstimateRevenuesPayload:
    results: list[EstimateRevenueResult] = strawberry.field(description="Per item, in order.")
    nombre_succes: int = strawberry.field(description="Items saved.")
    nombre_echecs: int = strawberry.field(description="Items refused.")


@strawberry.input(description="One client's new direct-debit periodicity.")
class SetPrelevementPeriodiciteItem:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the client.")
    periodicite: Periodicite = strawberry.field(description="MENSUEL_5, MENSUEL_20 or TRIMESTRIEL.")
    idempotency_key: str | None = strawberry.field(
        default=None, description=f"This item's own key. {IDEMPOTENCY}"
    )


@strawberry.input(description="Periodicity changes for many clients (at most 500).")
class SetPrelevementPeriodicitesInput:
    items: list[SetPrelevementPeriodiciteItem] = strawberry.field(
        description="One change per item; each is applied, or refused, on its own."
    )


@strawberry.type(description="The outcome of one item of `setPrelevementPeriodicites`.")
class SetPrelevementPeriodiciteResult:
    index: int = strawberry.field(description="Position of the item in the input (from 0).")
    travailleur_id: strawberry.ID = strawberry.field(description="The item's travailleurId.")
    travailleur: Travailleur | None = strawberry.field(description="The client, when applied.")
    modifiee: bool = strawberry.field(
        description="False when refused or when the periodicity was already the one asked."
    )
    user_errors: list[UserError] = strawberry.field(
        description='This item\'s refusals; `field` starts with ["input", "items", "<index>"].'
    )


@strawberry.type(description="One result per item, in input order.")
class SetPrelevementPeriodicitesPayload:
    results: list[SetPrelevementPeriodiciteResult] = strawberry.field(
        description="Per item, in order."
    )
    nombre_succes: int = strawberry.field(description="Items applied.")
    nombre_echecs: int = strawberry.field(description="Items refused.")
