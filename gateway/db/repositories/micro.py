"""A micro-entrepreneur's declarations, read inside a mutation's transaction (SPEC §7)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.db.models import DeclarationMicro


async def periodes_declarees(session: AsyncSession, travailleur_id: int) -> list[str]:
    """The periods the worker has declared (the caller holds the worker's row lock)."""
    rows = await session.scalars(
        select(DeclarationMicro.periode)
        .where(DeclarationMicro.travailleur_id == travailleur_id)
        .distinct()
    )
    return list(rows)
