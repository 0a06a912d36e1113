"""Workers, établissements, bank details, caisses, users: reads filtered by principal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select

from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession
from gateway.db.models import Cabinet, Caisse, Travailleur, Utilisateur
from gateway.db.records import columns, one_of, record_type, records
from gateway.db.repositories.by_travailleur import rows_by_ids


async def travailleurs_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, Any]:
    """Visible workers by id, as read-only records (``gateway.db.records``)."""
    return await rows_by_ids(db, principal, Travailleur, ids)


async def caisses_by_ids(db: RequestSession, ids: Sequence[int]) -> dict[int, Any]:
    """Caisses are public information (contact details, opening hours)."""
    statement = select(*columns(Caisse)).where(one_of(Caisse.id, ids, db.dialect))
    return {row.id: row for row in records(Caisse, await db.rows(statement))}


async def cabinets_by_ids(db: RequestSession, ids: Sequence[int]) -> dict[int, Any]:
    statement = select(*columns(Cabinet)).where(one_of(Cabinet.id, ids, db.dialect))
    return {row.id: row for row in records(Cabinet, await db.rows(statement))}


async def utilisateur_by_identifiant(db: RequestSession, identifiant: str) -> Utilisateur | None:
    result: Utilisateur | None = await db.scalar(
        select(Utilisateur).where(Utilisateur.identifiant == identifiant)
    )
    return result


# Built once: every authenticated request runs it. The user's own worker comes with the
# user (a worker's request then reads its account without a statement of its own).
_ACTIVE_USER = (
    select(*columns(Utilisateur), *columns(Travailleur))
    .outerjoin(Travailleur, Travailleur.id == Utilisateur.travailleur_id)
    .where(Utilisateur.id == bindparam("utilisateur_id"), Utilisateur.actif.is_(True))
)


async def active_user_and_worker(
    db: RequestSession, utilisateur_id: int
) -> tuple[Any, Any | None] | None:
    """The active user and the worker whose account it is (None for other users), as
    read-only records."""
    found = await db.rows(_ACTIVE_USER, {"utilisateur_id": utilisateur_id})
    if not found:
        return None
    width = len(columns(Utilisateur))
    user = record_type(Utilisateur)(*found[0][:width])
    worker = found[0][width:]
    return user, (record_type(Travailleur)(*worker) if worker[0] is not None else None)


async def utilisateur_by_id(db: RequestSession, utilisateur_id: int) -> Any | None:
    """The active user, as a read-only record."""
    found = await active_user_and_worker(db, utilisateur_id)
    return found[0] if found is not None else None
