"""Workers, établissements, bank details, caisses, users: reads filtered by principal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.db.engine import RequestSession
from gateway.db.models import Cabinet, Caisse, Travailleur, Utilisateur


async def travailleurs_by_ids(
    db: RequestSession, principal: Principal | None, ids: Sequence[int]
) -> dict[int, Travailleur]:
    statement = select(Travailleur).where(
        Travailleur.id.in_(ids), is_visible(Travailleur.id, principal)
    )
    return {row.id: row for row in await db.scalars(statement)}


async def caisses_by_ids(db: RequestSession, ids: Sequence[int]) -> dict[int, Caisse]:
    """Caisses are public information (contact details, opening hours)."""
    return {row.id: row for row in await db.scalars(select(Caisse).where(Caisse.id.in_(ids)))}


async def cabinets_by_ids(db: RequestSession, ids: Sequence[int]) -> dict[int, Cabinet]:
    return {row.id: row for row in await db.scalars(select(Cabinet).where(Cabinet.id.in_(ids)))}


async def utilisateur_by_identifiant(db: RequestSession, identifiant: str) -> Utilisateur | None:
    result: Utilisateur | None = await db.scalar(
        select(Utilisateur).where(Utilisateur.identifiant == identifiant)
    )
    return result


async def utilisateur_by_id(db: RequestSession, utilisateur_id: int) -> Utilisateur | None:
    result: Utilisateur | None = await db.scalar(
        select(Utilisateur).where(Utilisateur.id == utilisateur_id, Utilisateur.actif.is_(True))
    )
    return result
