"""Resolvers of the accountant workspace: mandates, collaborators, audit, batch actions.

Thin, as everywhere: check the caller's kind (top-level FORBIDDEN, SPEC §9), parse
the arguments, call a service or a batched read, build the payload. Nested reads go
through per-request loaders, one statement per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement

from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db import models
from gateway.db.keyset import EMPTY
from gateway.db.repositories import prevention
from gateway.db.repositories import workspace as repository
from gateway.global_ids import parse_key
from gateway.loaders import PageQuery
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.errors import bad_user_input, forbidden
from gateway.schema.relay import (
    Connection,
    Node,
    Pagination,
    Window,
    connection,
    decode_int_id,
    window_from,
)
from gateway.schema.travailleur import Travailleur, travailleur_type
from gateway.schema.workspace_types import (
    ActivateMandatInput,
    ActivateMandatPayload,
    AffectationInput,
    AffectationPayload,
    Collaborateur,
    EvenementAudit,
    InviteCollaborateurInput,
    InviteCollaborateurPayload,
    Mandat,
    RequestMandatInput,
    RequestMandatPayload,
    RevokeMandatInput,
    RevokeMandatPayload,
)
from gateway.services import collaborateurs, mandats
from gateway.services.unit_of_work import Outcome

MAX_CLIENTS_PAGE = 500


# --- who may call -----------------------------------------------------------------------


def require_cabinet_member(ctx: Context) -> Principal:
    """An accountant logged in as a person: mandates are not for OAuth2 clients."""
    principal = ctx.require_role(Role.EXPERT_COMPTABLE)
    if principal.oauth_client_id is not None:
        raise forbidden(
            "Opération réservée aux personnes du cabinet : un client OAuth2 ne peut pas la faire."
        )
    return principal


def require_cabinet_admin(ctx: Context) -> Principal:
    principal = require_cabinet_member(ctx)
    if not principal.administrateur_cabinet:
        raise forbidden("Opération réservée aux administrateurs du cabinet.")
    return principal


# --- mandates ---------------------------------------------------------------------------


def _by_ids_loader(ctx: Context, name: str, fetch: Any) -> Any:
    """A per-request loader over a ``fetch(db, principal, ids) -> {id: row}`` repository
    function (visibility applied there): ``node``/``nodes`` cost one statement per type."""

    async def batch_load(ids: list[int]) -> list[Any]:
        found = await fetch(ctx.loaders.db, ctx.loaders.principal, ids)
        return [found.get(i) for i in ids]

    return ctx.loaders.custom(name, batch_load)


def _collaborateur_loader(ctx: Context) -> Any:
    return _by_ids_loader(ctx, "workspace.collaborateur", repository.collaborateurs_by_ids)


def _mandat_loader(ctx: Context) -> Any:
    return _by_ids_loader(ctx, "workspace.mandat", repository.mandats_by_ids)


async def mandat_by_id(ctx: Context, mandat_id: int) -> Mandat | None:
    row = await _mandat_loader(ctx).load(mandat_id)
    return None if row is None else Mandat.from_row(row)


async def mandats_of(ctx: Context, travailleur_id: int) -> list[Mandat]:
    """A worker's mandates (an accountant: their own cabinet's only), newest first."""

    async def batch_load(ids: list[int]) -> list[list[models.Mandat]]:
        grouped = await repository.mandats_by_travailleur(
            ctx.loaders.db, ctx.loaders.principal, ids
        )
        return [grouped.get(i, []) for i in ids]

    rows = await ctx.loaders.custom("workspace.mandats", batch_load).load(travailleur_id)
    return [Mandat.from_row(r) for r in rows]


async def request_mandat(ctx: Context, data: RequestMandatInput) -> RequestMandatPayload:
    accountant = require_cabinet_member(ctx)
    outcome = await mandats.request_mandat(
        ctx, accountant, nir=data.nir, idempotency_key=data.idempotency_key
    )
    return RequestMandatPayload(
        message=outcome.reference.get("message"), user_errors=user_errors(outcome)
    )


async def _payload_mandat(ctx: Context, outcome: Outcome) -> Mandat | None:
    mandat_id = outcome.reference.get("mandat_id")
    return None if mandat_id is None else await mandat_by_id(ctx, int(mandat_id))


async def activate_mandat(ctx: Context, data: ActivateMandatInput) -> ActivateMandatPayload:
    accountant = require_cabinet_member(ctx)
    outcome = await mandats.activate_mandat(
        ctx,
        accountant,
        nir=data.nir,
        cle_activation=data.cle_activation,
        idempotency_key=data.idempotency_key,
    )
    return ActivateMandatPayload(
        mandat=await _payload_mandat(ctx, outcome),
        travailleur=await travailleur_of(ctx, outcome),
        user_errors=user_errors(outcome),
    )


async def revoke_mandat(ctx: Context, data: RevokeMandatInput) -> RevokeMandatPayload:
    worker = ctx.require_role(Role.TRAVAILLEUR)
    outcome = await mandats.revoke_mandat(
        ctx, worker, mandat_id=data.mandat_id, idempotency_key=data.idempotency_key
    )
    return RevokeMandatPayload(
        mandat=await _payload_mandat(ctx, outcome), user_errors=user_errors(outcome)
    )


# --- collaborators ----------------------------------------------------------------------


async def collaborateurs_list(ctx: Context, pagination: Pagination) -> Connection[Collaborateur]:
    admin = require_cabinet_admin(ctx)
    window = window_from(repository.ORDRE_COLLABORATEURS, pagination)
    page = await repository.collaborateurs_page(ctx.db, admin, window)
    items = [Collaborateur.from_row(r) for r in page.items]
    return connection(items, page, window, repository.ORDRE_COLLABORATEURS)


async def clients_of(
    ctx: Context, utilisateur_id: int, pagination: Pagination
) -> Connection[Travailleur]:
    """A collaborator's assigned clients, one statement for all collaborators asked."""
    ordre = repository.ORDRE_CLIENTS
    window = window_from(ordre, pagination, maximum=MAX_CLIENTS_PAGE, default=50)

    async def batch_load(keys: list[tuple[int, Window]]) -> list[Any]:
        by_window: dict[Window, list[int]] = defaultdict(list)
        for user, asked in keys:
            by_window[asked].append(user)
        found: dict[tuple[int, Window], Any] = {}
        for asked, users in by_window.items():
            pages = await repository.clients_by_collaborateur(
                ctx.loaders.db, ctx.loaders.principal, users, asked
            )
            for user in users:
                found[(user, asked)] = pages.get(user, EMPTY)
        return [found[key] for key in keys]

    loader = ctx.loaders.custom("workspace.clients", batch_load)
    page = await loader.load((utilisateur_id, window))
    for row in page.items:
        ctx.loaders.travailleur.prime(row.id, row)
    return connection([travailleur_type(r) for r in page.items], page, window, ordre)


async def _payload_collaborateur(ctx: Context, outcome: Outcome) -> Collaborateur | None:
    user_id = outcome.reference.get("collaborateur_id")
    if user_id is None:
        return None
    row = await _collaborateur_loader(ctx).load(int(user_id))
    return None if row is None else Collaborateur.from_row(row)


async def invite_collaborateur(
    ctx: Context, data: InviteCollaborateurInput
) -> InviteCollaborateurPayload:
    admin = require_cabinet_admin(ctx)
    outcome = await collaborateurs.invite_collaborateur(
        ctx, admin, courriel=data.courriel, nom=data.nom, idempotency_key=data.idempotency_key
    )
    return InviteCollaborateurPayload(
        collaborateur=await _payload_collaborateur(ctx, outcome), user_errors=user_errors(outcome)
    )


async def change_assignments(
    ctx: Context, data: AffectationInput, *, assign: bool
) -> AffectationPayload:
    admin = require_cabinet_admin(ctx)
    service = collaborateurs.assign_clients if assign else collaborateurs.unassign_clients
    outcome = await service(
        ctx,
        admin,
        collaborateur_id=data.collaborateur_id,
        travailleur_ids=list(data.travailleur_ids),
        idempotency_key=data.idempotency_key,
    )
    return AffectationPayload(
        collaborateur=await _payload_collaborateur(ctx, outcome), user_errors=user_errors(outcome)
    )


# --- audit ------------------------------------------------------------------------------


def _journal_filters(filters: tuple[Hashable, ...]) -> Sequence[ColumnElement[bool]]:
    cabinet_id, operation, prevention_owner = filters
    # « Ma prévention santé » events exist only in the worker's own journal.
    where: list[ColumnElement[bool]] = [
        prevention.journal_visible_to(
            prevention_owner if isinstance(prevention_owner, int) else None
        )
    ]
    if cabinet_id is not None:
        where.append(models.EvenementAudit.cabinet_id == cabinet_id)
    if operation is not None:
        where.append(models.EvenementAudit.operation == operation)
    return where


ORDRE_JOURNAL = repository.audit_order("journal")


async def journal(
    ctx: Context, travailleur_id: int, pagination: Pagination, operation: str | None
) -> Connection[EvenementAudit]:
    """Who acted on the account, for whom, newest first. An accountant sees their own
    cabinet's events only; the worker and the caisse's agents see them all."""
    window = window_from(ORDRE_JOURNAL, pagination)
    principal = ctx.principal
    cabinet_id = (
        principal.cabinet_id
        if principal is not None and principal.role is Role.EXPERT_COMPTABLE
        else None
    )
    owner = prevention.owner_of(principal)
    loader = ctx.loaders.paged(
        "workspace.journal",
        models.EvenementAudit,
        PageQuery(window, (cabinet_id, operation, owner)),
        filters_to_where=_journal_filters,
        ordre=ORDRE_JOURNAL,
    )
    page = await loader.load(travailleur_id)
    items = [EvenementAudit.from_row(r) for r in page.items]
    return connection(items, page, window, ORDRE_JOURNAL)


async def audit_cabinet(
    ctx: Context,
    pagination: Pagination,
    collaborateur_id: str | None,
    operation: str | None,
) -> Connection[EvenementAudit]:
    admin = require_cabinet_admin(ctx)
    window = window_from(repository.ORDRE_AUDIT_CABINET, pagination)
    user_id = None
    if collaborateur_id is not None:
        user_id = decode_int_id(collaborateur_id, "Collaborateur")
        if user_id is None:
            raise bad_user_input(
                "collaborateurId : identifiant de collaborateur invalide.", "collaborateurId"
            )
    page = await repository.cabinet_events_page(
        ctx.db, admin, window, collaborateur_id=user_id, operation=operation
    )
    items = [EvenementAudit.from_row(r) for r in page.items]
    return connection(items, page, window, repository.ORDRE_AUDIT_CABINET)


# --- node(id) ---------------------------------------------------------------------------


async def workspace_node(ctx: Context, type_name: str, key: str) -> Node | None:
    """``node(id)`` for Mandat, Collaborateur and EvenementAudit; null when not visible:
    a mandate as in ``Travailleur.mandats``, a collaborator to their cabinet's
    administrators and to themselves, an event as in the journal or the cabinet's audit."""
    ident = parse_key(key)
    if ident is None:
        return None
    if type_name == "Mandat":
        return await mandat_by_id(ctx, ident)
    principal = ctx.principal
    if type_name == "Collaborateur":
        if principal is None or not (
            principal.administrateur_cabinet or principal.utilisateur_id == ident
        ):
            return None
        row = await _collaborateur_loader(ctx).load(ident)
        return None if row is None else Collaborateur.from_row(row)
    if type_name == "EvenementAudit":
        event = await _by_ids_loader(ctx, "workspace.evenement", repository.events_by_ids).load(
            ident
        )
        return None if event is None else EvenementAudit.from_row(event)
    return None
