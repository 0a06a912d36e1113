"""Mandates, collaborators and audit events of the accountant workspace (SPEC §10).

Reads for the API take the principal and filter by it: a worker's mandates and
journal are seen by whoever sees the worker, an accountant seeing only those of their
own cabinet; the cabinet's members and events by that cabinet only. The few lookups
the mandate services need before visibility exists (a worker by NIR, a pending
mandate) are marked as such and never reach the API as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.nomenclatures import Role, StatutMandat
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.cursors import Part, Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.keyset import Cle, Ordre, Page
from gateway.db.models import (
    AffectationCollaborateur,
    EvenementAudit,
    Mandat,
    Travailleur,
    Utilisateur,
)
from gateway.db.records import columns, record_type
from gateway.db.repositories import prevention


def own_cabinet_only(cabinet_column: Any, principal: Principal | None) -> ColumnElement[bool]:
    """Accountants see a worker's mandates and events of their own cabinet only;
    the worker and the caisse's agents see them all."""
    if principal is not None and principal.role is Role.EXPERT_COMPTABLE:
        condition: ColumnElement[bool] = cabinet_column == principal.cabinet_id
        return condition
    return true()


# --- mandates -------------------------------------------------------------------------


async def mandats_by_travailleur(
    db: RequestSession, principal: Principal | None, travailleur_ids: Sequence[int]
) -> dict[int, list[Mandat]]:
    """Mandates of visible workers, most recent request first."""
    statement = (
        select(Mandat)
        .where(
            Mandat.travailleur_id.in_(travailleur_ids),
            is_visible(Mandat.travailleur_id, principal),
            own_cabinet_only(Mandat.cabinet_id, principal),
        )
        .order_by(Mandat.travailleur_id, Mandat.date_demande.desc(), Mandat.id.desc())
    )
    grouped: dict[int, list[Mandat]] = defaultdict(list)
    for row in await db.scalars(statement):
        grouped[row.travailleur_id].append(row)
    return grouped


async def mandats_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, Mandat]:
    """Mandates by id, on the same terms as :func:`mandats_by_travailleur`."""
    statement = select(Mandat).where(
        Mandat.id.in_(ids),
        is_visible(Mandat.travailleur_id, principal),
        own_cabinet_only(Mandat.cabinet_id, principal),
    )
    return {row.id: row for row in await db.scalars(statement)}


async def travailleur_by_nir_unfiltered(session: AsyncSession, nir: str) -> Travailleur | None:
    """The worker with this NIR whoever asks: only for the mandate services, which
    must never show it to an accountant before the mandate is active."""
    row: Travailleur | None = await session.scalar(
        select(Travailleur).where(Travailleur.nir == nir)
    )
    return row


async def cabinet_mandats_for_update(
    session: AsyncSession, cabinet_id: int, travailleur_id: int
) -> list[Mandat]:
    """The cabinet's mandates for one worker, row-locked (requests and activations
    of the same mandate are serialized)."""
    rows = await session.scalars(
        select(Mandat)
        .where(Mandat.cabinet_id == cabinet_id, Mandat.travailleur_id == travailleur_id)
        .order_by(Mandat.id)
        .with_for_update()
    )
    return list(rows)


async def mandat_of_worker_for_update(
    session: AsyncSession, travailleur_id: int, mandat_id: int
) -> Mandat | None:
    row: Mandat | None = await session.scalar(
        select(Mandat)
        .where(Mandat.id == mandat_id, Mandat.travailleur_id == travailleur_id)
        .with_for_update()
    )
    return row


async def pending_mandat_for_update(session: AsyncSession, mandat_id: int) -> Mandat | None:
    row: Mandat | None = await session.scalar(
        select(Mandat)
        .where(Mandat.id == mandat_id, Mandat.statut == StatutMandat.EN_ATTENTE)
        .with_for_update()
    )
    return row


async def cabinet_admin_addresses(session: AsyncSession, cabinet_id: int) -> list[str]:
    """Where to tell a cabinet about its mandates: its active administrators' logins."""
    rows = await session.scalars(
        select(Utilisateur.identifiant)
        .where(
            Utilisateur.cabinet_id == cabinet_id,
            Utilisateur.administrateur_cabinet.is_(True),
            Utilisateur.actif.is_(True),
        )
        .order_by(Utilisateur.id)
    )
    return list(rows)


# --- collaborators --------------------------------------------------------------------


def _members(principal: Principal) -> list[ColumnElement[bool]]:
    return [
        Utilisateur.cabinet_id == principal.cabinet_id,
        Utilisateur.role == Role.EXPERT_COMPTABLE,
    ]


#: Administrators first, then by name.
ORDRE_COLLABORATEURS = Ordre(
    "collaborateurs",
    (
        Cle(Utilisateur.administrateur_cabinet, Part.BOOL, descending=True),
        Cle(Utilisateur.nom_affiche, Part.LONG_TEXT),
        Cle(Utilisateur.id, Part.ID),
    ),
)
ORDRE_CLIENTS = Ordre(
    "collaborateur.clients",
    (
        Cle(Travailleur.nom, Part.TEXT),
        Cle(Travailleur.prenom, Part.TEXT),
        Cle(Travailleur.id, Part.ID),
    ),
)


def audit_order(kind: str) -> Ordre:
    """Newest first (a worker's journal and the cabinet's audit: two lists, two kinds)."""
    return keyset.newest_first(kind, EvenementAudit.horodatage, Part.TIMESTAMP, EvenementAudit.id)


ORDRE_AUDIT_CABINET = audit_order("audit.cabinet")


async def collaborateurs_page(
    db: RequestSession, principal: Principal, window: Window
) -> Page[Utilisateur]:
    """The members of the principal's cabinet, administrators first, then by name."""
    total = await db.scalar(
        select(func.count()).select_from(Utilisateur).where(*_members(principal))
    )
    statement = select(Utilisateur).where(*_members(principal))
    return await keyset.page(db, statement, ORDRE_COLLABORATEURS, window, total=int(total or 0))


async def collaborateurs_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, Utilisateur]:
    """Members of the principal's cabinet by id (nobody else's)."""
    if principal is None or principal.role is not Role.EXPERT_COMPTABLE:
        return {}
    rows = await db.scalars(
        select(Utilisateur).where(Utilisateur.id.in_(ids), *_members(principal))
    )
    return {row.id: row for row in rows}


async def collaborateur_for_update(
    session: AsyncSession, principal: Principal, utilisateur_id: int
) -> Utilisateur | None:
    row: Utilisateur | None = await session.scalar(
        select(Utilisateur)
        .where(Utilisateur.id == utilisateur_id, Utilisateur.actif.is_(True), *_members(principal))
        .with_for_update()
    )
    return row


async def identifiant_taken(session: AsyncSession, identifiant: str) -> bool:
    found = await session.scalar(
        select(func.count()).select_from(Utilisateur).where(Utilisateur.identifiant == identifiant)
    )
    return bool(found)


async def visible_ids(
    session: AsyncSession, principal: Principal, travailleur_ids: Sequence[int]
) -> set[int]:
    rows = await session.scalars(
        select(Travailleur.id).where(
            Travailleur.id.in_(travailleur_ids), is_visible(Travailleur.id, principal)
        )
    )
    return set(rows)


async def assigned_ids(
    session: AsyncSession, utilisateur_id: int, travailleur_ids: Sequence[int]
) -> set[int]:
    rows = await session.scalars(
        select(AffectationCollaborateur.travailleur_id).where(
            AffectationCollaborateur.utilisateur_id == utilisateur_id,
            AffectationCollaborateur.travailleur_id.in_(travailleur_ids),
        )
    )
    return set(rows)


async def clients_by_collaborateur(
    db: RequestSession,
    principal: Principal | None,
    utilisateur_ids: Sequence[int],
    window: Window,
) -> dict[Hashable, Page[Any]]:
    """One keyset page of each collaborator's assigned clients (those the principal
    sees, sorted by name, as records) and their number, in one statement
    (``keyset.per_parent``)."""
    owner = AffectationCollaborateur.utilisateur_id
    selected = columns(Travailleur)
    statement = (
        select(*selected)
        .join(Travailleur, Travailleur.id == AffectationCollaborateur.travailleur_id)
        .where(owner.in_(utilisateur_ids), is_visible(Travailleur.id, principal))
    )
    make = record_type(Travailleur)
    rows = await db.rows(keyset.per_parent(statement, owner, ORDRE_CLIENTS, window))
    return keyset.pages_by_parent(rows, len(selected), ORDRE_CLIENTS, window, lambda r: make(*r))


# --- audit ----------------------------------------------------------------------------


async def events_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, EvenementAudit]:
    """Events by id for ``node``: those of a worker's journal the principal sees, and
    for a cabinet administrator the cabinet's own."""
    owner = cast(InstrumentedAttribute[int], EvenementAudit.travailleur_id)
    seen: ColumnElement[bool] = and_(
        owner.is_not(None),
        is_visible(owner, principal),
        own_cabinet_only(EvenementAudit.cabinet_id, principal),
    )
    if (
        principal is not None
        and principal.role is Role.EXPERT_COMPTABLE
        and principal.administrateur_cabinet
    ):
        seen = or_(seen, EvenementAudit.cabinet_id == principal.cabinet_id)
    private = prevention.journal_visible_to(prevention.owner_of(principal))
    rows = await db.scalars(select(EvenementAudit).where(EvenementAudit.id.in_(ids), seen, private))
    return {row.id: row for row in rows}


async def cabinet_events_page(
    db: RequestSession,
    principal: Principal,
    window: Window,
    *,
    collaborateur_id: int | None,
    operation: str | None,
) -> Page[EvenementAudit]:
    """Events of the principal's cabinet (its members and OAuth clients), newest first."""
    where: list[ColumnElement[bool]] = [
        EvenementAudit.cabinet_id == principal.cabinet_id,
        prevention.journal_visible_to(None),  # a cabinet never sees « Ma prévention santé »
    ]
    if collaborateur_id is not None:
        where.append(EvenementAudit.acteur_id == collaborateur_id)
    if operation is not None:
        where.append(EvenementAudit.operation == operation)
    total = await db.scalar(select(func.count()).select_from(EvenementAudit).where(*where))
    statement = select(EvenementAudit).where(*where)
    return await keyset.page(db, statement, ORDRE_AUDIT_CABINET, window, total=int(total or 0))
