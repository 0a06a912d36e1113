"""The stored account situation (``situation_compte``): which rows are stale, and their
refresh from the from-scratch computation of :mod:`portfolio_indicateurs`.

A row is valid for one day (``valide_le``): a worker without a row, or whose row was
computed for another day, is stale. A refresh deletes the rows of the given workers
and inserts them again from the same SQL the portfolio used to run on every request,
so the stored figures are exactly the computed ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date

from domain.nomenclatures import NatureRevenu, Regime
from gateway.db.models import DelaiPaiement, Revenu, Travailleur
from gateway.db.models_situation import SituationCompte
from gateway.db.repositories.portfolio_indicateurs import Scope, indicators

# Ids bound per statement: far below SQLite's limit of bound parameters.
CHUNK = 2000

COLUMNS = (
    "travailleur_id",
    "valide_le",
    "retard",
    "retard_non_couvert",
    "du_mois",
    "prochaine",
    "manquantes",
    "denonce",
    "vigilance",
    "attention",
)


def computed(today: date, scope: Scope) -> Any:
    """The situation of the workers of ``scope`` computed from their rows, for ``today``:
    one row per worker, in the columns of ``situation_compte``."""
    ind = indicators(today, scope)
    return select(
        ind.c.travailleur_id,
        literal(today, Date),
        ind.c.retard,
        ind.c.retard_non_couvert,
        ind.c.du_mois,
        ind.c.prochaine,
        ind.c.manquantes == 1,
        ind.c.denonce == 1,
        # Attestation de vigilance: declarations up to date, nothing overdue outside a
        # respected plan (SPEC §6).
        and_(ind.c.manquantes == 0, ind.c.retard_non_couvert <= 0),
        # Needs attention: overdue, a declaration missing or a plan denounced.
        or_(ind.c.retard > 0, ind.c.manquantes == 1, ind.c.denonce == 1),
    )


def stale(today: date) -> ColumnElement[bool]:
    """The worker (``Travailleur`` outer-joined to ``SituationCompte``) has no row valid today."""
    return or_(SituationCompte.travailleur_id.is_(None), SituationCompte.valide_le != today)


def with_situation(statement: Any) -> Any:
    return statement.outerjoin(SituationCompte, SituationCompte.travailleur_id == Travailleur.id)


async def stale_ids(session: AsyncSession, today: date, scope: Scope) -> list[int]:
    """The workers of ``scope`` whose stored situation is not valid for ``today``."""
    statement = with_situation(select(Travailleur.id).select_from(Travailleur)).where(
        scope(Travailleur.id), stale(today)
    )
    return list(await session.scalars(statement.order_by(Travailleur.id)))


async def workers_of_plans(session: AsyncSession, delai_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(delai_ids))
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(
            await session.scalars(
                select(DelaiPaiement.travailleur_id).where(DelaiPaiement.id.in_(chunk))
            )
        )
    return found


async def refresh(
    session: AsyncSession, today: date, travailleur_ids: Sequence[int]
) -> dict[int, date]:
    """Recompute the stored situation of these workers for ``today`` (an unknown or
    deleted worker simply has no row); the day each replaced row was valid for, by
    worker (what the date alone changed since is known from it)."""
    ids = sorted(set(travailleur_ids))
    table = SituationCompte.__table__
    columns = [table.c[name] for name in COLUMNS]
    replaced: dict[int, date] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # RETURNING: the replaced rows' days at no extra statement (SQLite ≥ 3.35).
        rows = await session.execute(
            delete(SituationCompte)
            .where(SituationCompte.travailleur_id.in_(chunk))
            .returning(SituationCompte.travailleur_id, SituationCompte.valide_le)
        )
        replaced.update((int(ident), _day(day) or today) for ident, day in rows)

        def scope(column: Any, chunk: list[int] = chunk) -> ColumnElement[bool]:
            return column.in_(chunk)  # type: ignore[no-any-return]

        await session.execute(insert(SituationCompte).from_select(columns, computed(today, scope)))
    return replaced


async def declarations_of(
    session: AsyncSession, travailleur_ids: Collection[int]
) -> list[tuple[int, date, date | None, set[int]]]:
    """The régime classique workers among these, with what their owed income
    declarations depend on: (id, start and end of activity, years declared)."""
    ids = sorted(set(travailleur_ids))
    found: list[tuple[int, date, date | None, set[int]]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        declared: dict[int, set[int]] = {}
        rows = await session.execute(
            select(Revenu.travailleur_id, Revenu.annee).where(
                Revenu.travailleur_id.in_(chunk), Revenu.nature == NatureRevenu.DECLARE
            )
        )
        for ident, annee in rows:
            declared.setdefault(int(ident), set()).add(int(annee))
        workers = await session.execute(
            select(Travailleur.id, Travailleur.date_debut_activite, Travailleur.date_fin_activite)
            .where(Travailleur.id.in_(chunk), Travailleur.regime != Regime.MICRO)
            .order_by(Travailleur.id)
        )
        found.extend(
            (int(ident), debut, fin, declared.get(int(ident), set()))
            for ident, debut, fin in workers
        )
    return found


async def all_ids(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(Travailleur.id).order_by(Travailleur.id)))


async def stored(session: AsyncSession) -> dict[int, tuple[Any, ...]]:
    """Every stored row, as tuples in the order of ``COLUMNS`` (tests, checks)."""
    table = SituationCompte.__table__
    rows = await session.execute(select(*(table.c[name] for name in COLUMNS)))
    return {row[0]: _normal(tuple(row)) for row in rows}


async def from_scratch(session: AsyncSession, today: date) -> dict[int, tuple[Any, ...]]:
    """Every worker's situation computed now from its rows, as :func:`stored` shows them."""
    rows = await session.execute(computed(today, lambda column: literal(True)))
    return {row[0]: _normal(tuple(row)) for row in rows}


def _normal(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Values as Python sees them alike on both databases (SQLite's 0/1, date text)."""
    ident, valide_le, retard, non_couvert, du_mois, prochaine, *flags = row
    return (
        int(ident),
        _day(valide_le),
        int(retard),
        int(non_couvert),
        int(du_mois),
        _day(prochaine),
        *(bool(f) for f in flags),
    )


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
