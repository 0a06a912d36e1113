"""« Ma prévention santé »: every read of the section's rows, filtered on the owner.

Health data is the worker's alone (GDPR art. 9): every statement here carries
``owned_by(<travailleur_id column>, principal)``, true only when the principal is that
worker. It is deliberately not ``gateway.auth.visibility.is_visible`` (which grants
cabinets and agents): for anyone else these rows do not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.nomenclatures import Role
from domain.prevention import Personne, Programme, Sexe, sexe_du_nir
from gateway.auth.principal import Principal
from gateway.cursors import Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.keyset import Page
from gateway.db.models import EvenementAudit, Travailleur
from gateway.db.models_caisse import Actualite
from gateway.db.models_prevention import (
    ActePrevention,
    AyantDroit,
    ConseilPrevention,
    PreferencePrevention,
    RappelPrevention,
)
from gateway.db.repositories import actualites
from gateway.db.upsert import insert_on_conflict


def owner_of(principal: Principal | None) -> int | None:
    """The worker whose file the principal may read: only a worker, their own."""
    if principal is None or principal.role is not Role.TRAVAILLEUR or principal.is_oauth_client:
        return None
    return principal.travailleur_id


def owned_by(
    column: InstrumentedAttribute[int], principal: Principal | None
) -> ColumnElement[bool]:
    """The owner-only filter of the section: the principal is this worker."""
    owner = owner_of(principal)
    return false() if owner is None else column == owner


#: The mutations of the section: their audit events belong to the worker's file.
OPERATIONS = frozenset(
    {
        "addAyantDroit",
        "updateAyantDroit",
        "removeAyantDroit",
        "recordVaccination",
        "recordDepistage",
        "setRappelsPrevention",
    }
)


def journal_visible_to(owner: int | None) -> ColumnElement[bool]:
    """Audit events a reader may see, ``owner`` being ``owner_of(reader)``: this
    section's only for the worker they belong to; for anyone else they do not exist
    (nor count)."""
    hidden = EvenementAudit.operation.in_(OPERATIONS)
    if owner is None:
        return ~hidden
    return or_(~hidden, EvenementAudit.travailleur_id == owner)


def personne_of(row: Travailleur | AyantDroit) -> Personne:
    """Whose file it is, for the rules: the worker's sex is the one on their NIR."""
    if isinstance(row, Travailleur):
        return Personne(row.date_naissance, sexe_du_nir(row.nir))
    return Personne(row.date_naissance, row.sexe)


def faits_of(
    actes: Sequence[ActePrevention], ayant_droit_id: int | None
) -> list[tuple[Programme, date]]:
    """The records of one person (``ayant_droit_id`` None: the worker), for the rules."""
    return [(a.programme, a.date_realisation) for a in actes if a.ayant_droit_id == ayant_droit_id]


async def titulaire(db: RequestSession, principal: Principal | None) -> Travailleur | None:
    row: Travailleur | None = await db.scalar(
        select(Travailleur).where(owned_by(Travailleur.id, principal))
    )
    return row


async def ayants_droit(db: RequestSession, principal: Principal | None) -> list[AyantDroit]:
    rows = await db.scalars(
        select(AyantDroit)
        .where(owned_by(AyantDroit.travailleur_id, principal))
        .order_by(AyantDroit.date_naissance, AyantDroit.id)
    )
    return list(rows)


async def ayants_droit_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, AyantDroit]:
    rows = await db.scalars(
        select(AyantDroit).where(
            AyantDroit.id.in_(ids), owned_by(AyantDroit.travailleur_id, principal)
        )
    )
    return {row.id: row for row in rows}


async def actes(db: RequestSession, principal: Principal | None) -> list[ActePrevention]:
    """Every recorded action of the worker's family, oldest first."""
    rows = await db.scalars(
        select(ActePrevention)
        .where(owned_by(ActePrevention.travailleur_id, principal))
        .order_by(ActePrevention.date_realisation, ActePrevention.id)
    )
    return list(rows)


async def rappels_actifs(db: RequestSession, principal: Principal | None) -> bool:
    actif = await db.scalar(
        select(PreferencePrevention.rappels_actifs).where(
            owned_by(PreferencePrevention.travailleur_id, principal)
        )
    )
    return bool(actif)


# --- writes (the service's session, the owner already established) ----------------------


async def ayant_droit_for_update(
    session: AsyncSession, principal: Principal, ayant_droit_id: int
) -> AyantDroit | None:
    row: AyantDroit | None = await session.scalar(
        select(AyantDroit)
        .where(AyantDroit.id == ayant_droit_id, owned_by(AyantDroit.travailleur_id, principal))
        .with_for_update()
    )
    return row


async def count_ayants_droit(session: AsyncSession, travailleur_id: int) -> int:
    total = await session.scalar(
        select(func.count())
        .select_from(AyantDroit)
        .where(AyantDroit.travailleur_id == travailleur_id)
    )
    return int(total or 0)


async def remove_ayant_droit(session: AsyncSession, row: AyantDroit) -> None:
    """The member, their recorded actions and the trace of their reminders."""
    await session.execute(delete(ActePrevention).where(ActePrevention.ayant_droit_id == row.id))
    await session.execute(
        delete(RappelPrevention).where(
            RappelPrevention.travailleur_id == row.travailleur_id,
            RappelPrevention.personne == str(row.id),
        )
    )
    await session.delete(row)


async def actes_of(
    session: AsyncSession, travailleur_id: int, ayant_droit_id: int | None
) -> list[ActePrevention]:
    person = (
        ActePrevention.ayant_droit_id.is_(None)
        if ayant_droit_id is None
        else ActePrevention.ayant_droit_id == ayant_droit_id
    )
    rows = await session.scalars(
        select(ActePrevention).where(ActePrevention.travailleur_id == travailleur_id, person)
    )
    return list(rows)


async def preference_for_update(
    session: AsyncSession, travailleur_id: int
) -> PreferencePrevention | None:
    row: PreferencePrevention | None = await session.scalar(
        select(PreferencePrevention)
        .where(PreferencePrevention.travailleur_id == travailleur_id)
        .with_for_update()
    )
    return row


async def set_rappels(session: AsyncSession, travailleur_id: int, actifs: bool) -> None:
    """The worker's reminder preference, created or replaced in one statement."""
    statement = insert_on_conflict(session, PreferencePrevention).values(
        travailleur_id=travailleur_id, rappels_actifs=actifs
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["travailleur_id"], set_={"rappels_actifs": actifs}
        )
    )


# --- reminders job (no principal: the job acts for every opted-in worker) ----------------


async def opted_in(session: AsyncSession) -> list[Travailleur]:
    rows = await session.scalars(
        select(Travailleur)
        .join(PreferencePrevention, PreferencePrevention.travailleur_id == Travailleur.id)
        .where(PreferencePrevention.rappels_actifs.is_(True))
        .order_by(Travailleur.id)
    )
    return list(rows)


async def family_of(
    session: AsyncSession, travailleur_id: int
) -> tuple[list[AyantDroit], list[ActePrevention]]:
    membres = await session.scalars(
        select(AyantDroit)
        .where(AyantDroit.travailleur_id == travailleur_id)
        .order_by(AyantDroit.id)
    )
    faits = await session.scalars(
        select(ActePrevention).where(ActePrevention.travailleur_id == travailleur_id)
    )
    return list(membres), list(faits)


async def reminders_sent(session: AsyncSession, travailleur_id: int) -> set[tuple[str, str, date]]:
    rows = await session.execute(
        select(
            RappelPrevention.personne, RappelPrevention.programme, RappelPrevention.date_echeance
        ).where(RappelPrevention.travailleur_id == travailleur_id)
    )
    return {(personne, str(programme), echeance) for personne, programme, echeance in rows}


# --- advice: the caisse's news items published as prevention advice ----------------------


def _profil(age: int, sexe: Sexe) -> list[ColumnElement[bool]]:
    """Advice aimed at this age and sex (no bound, no sex: everyone)."""
    return [
        ~select(ConseilPrevention.actualite_id)
        .where(
            ConseilPrevention.actualite_id == Actualite.id,
            or_(
                and_(ConseilPrevention.age_min.is_not(None), ConseilPrevention.age_min > age),
                and_(ConseilPrevention.age_max.is_not(None), ConseilPrevention.age_max < age),
                and_(ConseilPrevention.sexe.is_not(None), ConseilPrevention.sexe != sexe),
            ),
        )
        .correlate(Actualite)
        .exists()
    ]


def _conseils(fil: actualites.Fil, profil: tuple[int, Sexe] | None) -> list[ColumnElement[bool]]:
    """The advice ``fil`` reads (a worker: online, for their profession, and with
    ``profil``, their age and sex)."""
    where = actualites.lisibles(replace(fil, conseils=True))
    return where + _profil(*profil) if profil is not None else where


def _with_profile() -> Select[Actualite, ConseilPrevention]:
    return select(Actualite, ConseilPrevention).join(
        ConseilPrevention, ConseilPrevention.actualite_id == Actualite.id
    )


ORDRE_CONSEILS = actualites.ordre("conseils")


async def conseils_page(
    db: RequestSession,
    fil: actualites.Fil,
    profil: tuple[int, Sexe] | None,
    window: Window,
) -> Page[tuple[Actualite, ConseilPrevention]]:
    """One page of the advice ``fil`` reads, most recent first, and how many there are."""
    where = _conseils(fil, profil)
    total = await db.scalar(select(func.count()).select_from(Actualite).where(*where))
    statement = _with_profile().where(*where)
    return await keyset.page(
        db,
        statement,
        ORDRE_CONSEILS,
        window,
        total=int(total or 0),
        make=lambda row: (row[0], row[1]),
    )


async def conseils_by_ids(
    db: RequestSession,
    fil: actualites.Fil | None,
    profil: tuple[int, Sexe] | None,
    ids: Sequence[int],
) -> dict[int, tuple[Actualite, ConseilPrevention]]:
    """Advice by id among those ``fil`` reads (for ``node``)."""
    if fil is None:
        return {}
    rows = await db.execute(_with_profile().where(Actualite.id.in_(ids), *_conseils(fil, profil)))
    pairs: list[Any] = list(rows)
    return {item.id: (item, conseil) for item, conseil in pairs}
