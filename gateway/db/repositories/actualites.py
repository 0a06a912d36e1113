"""The caisse's news items: what each caller may read, as SQL (domain/actualites.py).

A worker reads the items of their caisse that are online today and target them; an
agent reads every item of their caisse (scheduled, online, expired, withdrawn) to
manage them. ``Fil`` says which, and every query here filters with it, so an item a
caller may not read looks exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actualites import Axe, Lecteur, cles_du_lecteur, statut_cible
from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.cursors import Part, Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.keyset import Ordre, Page
from gateway.db.models import Travailleur
from gateway.db.models_caisse import Actualite, CibleActualite
from gateway.db.models_prevention import ConseilPrevention


def ordre(kind: str) -> Ordre:
    """Most recent publication first; the id breaks ties so pages never overlap."""
    return keyset.newest_first(kind, Actualite.date_publication, Part.DATE, Actualite.id)


ORDRE_ACTUALITES = ordre("actualites")


@dataclass(frozen=True, slots=True)
class Fil:
    """What a caller reads: the items of ``caisse_id``; with ``cles`` (a worker's key
    per axis, ``domain.actualites.cles_du_lecteur``) only those online on ``today``
    that target them, without (an agent) all of them."""

    caisse_id: int
    today: date
    cles: Mapping[Axe, str] | None = None
    #: Prevention advice (« Ma prévention santé ») instead of news: both are items of
    #: the caisse with the same targeting, each feed reads only its own.
    conseils: bool = False


async def fil_for(db: RequestSession, principal: Principal | None, today: date) -> Fil | None:
    """A worker reads their caisse's items that target them; an agent all of their
    caisse's; anyone else none (an accountant's clients may belong to several caisses)."""
    if principal is None:
        return None
    if principal.role is Role.AGENT and principal.caisse_id is not None:
        return Fil(principal.caisse_id, today)
    if principal.role is not Role.TRAVAILLEUR or principal.travailleur_id is None:
        return None
    row: Travailleur | None = await db.scalar(
        select(Travailleur).where(Travailleur.id == principal.travailleur_id)
    )
    if row is None:
        return None
    lecteur = Lecteur(
        region=row.region,
        statut=statut_cible(row.statut, row.regime, row.situation),
        profession=row.profession,
    )
    return Fil(row.caisse_id, today, cles_du_lecteur(lecteur))


def _cible(axe: Axe, cle: str) -> ColumnElement[bool]:
    """``domain.actualites.concerne`` on one axis: no value listed, or the reader's."""
    listee = exists().where(CibleActualite.actualite_id == Actualite.id, CibleActualite.axe == axe)
    correspond = exists().where(
        CibleActualite.actualite_id == Actualite.id,
        CibleActualite.axe == axe,
        CibleActualite.cle == cle,
    )
    return or_(~listee, correspond)


def rubrique(*, conseils: bool) -> ColumnElement[bool]:
    """Prevention advice (an item with a ``conseil_prevention`` row) or news."""
    conseil = (
        select(ConseilPrevention.actualite_id)
        .where(ConseilPrevention.actualite_id == Actualite.id)
        .correlate(Actualite)
        .exists()
    )
    return conseil if conseils else ~conseil


def lisibles(fil: Fil) -> list[ColumnElement[bool]]:
    """The filter of the items ``fil`` reads (``etat`` EN_LIGNE and ``concerne`` for a
    worker, in SQL)."""
    where: list[ColumnElement[bool]] = [
        Actualite.caisse_id == fil.caisse_id,
        rubrique(conseils=fil.conseils),
    ]
    if fil.cles is not None:
        where += [
            Actualite.date_retrait.is_(None),
            Actualite.date_publication <= fil.today,
            or_(Actualite.date_fin.is_(None), Actualite.date_fin >= fil.today),
            *(_cible(axe, cle) for axe, cle in fil.cles.items()),
        ]
    return where


async def page(db: RequestSession, fil: Fil, window: Window) -> Page[Actualite]:
    """One page of the items ``fil`` reads, most recent first, and how many there are."""
    where = lisibles(fil)
    total = await db.scalar(select(func.count()).select_from(Actualite).where(*where))
    statement = select(Actualite).where(*where)
    return await keyset.page(db, statement, ORDRE_ACTUALITES, window, total=int(total or 0))


async def by_ids(db: RequestSession, fil: Fil | None, ids: Sequence[int]) -> dict[int, Actualite]:
    """Items by id, among those ``fil`` reads (none without a ``fil``)."""
    if fil is None:
        return {}
    statement = select(Actualite).where(Actualite.id.in_(ids), *lisibles(fil))
    return {row.id: row for row in await db.scalars(statement)}


async def cibles(
    db: RequestSession, fil: Fil | None, ids: Sequence[int]
) -> dict[int, list[CibleActualite]]:
    """The targeting rows of the items ``fil`` may read, by axis then label."""
    grouped: dict[int, list[CibleActualite]] = defaultdict(list)
    if fil is None:
        return grouped
    statement = (
        select(CibleActualite)
        .join(Actualite, Actualite.id == CibleActualite.actualite_id)
        .where(CibleActualite.actualite_id.in_(ids), Actualite.caisse_id == fil.caisse_id)
        .order_by(CibleActualite.actualite_id, CibleActualite.axe, CibleActualite.valeur)
    )
    for row in await db.scalars(statement):
        grouped[row.actualite_id].append(row)
    return grouped


async def for_update(
    session: AsyncSession, caisse_id: int, actualite_id: int, *, conseils: bool = False
) -> Actualite | None:
    """An item of the agent's caisse, news or (``conseils``) prevention advice,
    row-locked for a change (None for another caisse's, or of the other kind)."""
    row: Actualite | None = await session.scalar(
        select(Actualite)
        .where(
            Actualite.id == actualite_id,
            Actualite.caisse_id == caisse_id,
            rubrique(conseils=conseils),
        )
        .with_for_update()
    )
    return row
