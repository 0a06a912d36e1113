"""What both loaders share: the caisse, and running a load in one transaction.

Workers of the demo and of synthetic portfolios belong to the same regional caisse,
so a synthetic portfolio loaded beside the demo reuses it instead of adding a second.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.config import Settings
from gateway.db import models
from gateway.db.engine import create_engine, session_factory
from gateway.seed.rows import Lignes

T = TypeVar("T")

CODE_CAISSE = "SSI-IDF"
CAISSE: dict[str, Any] = {
    "code": CODE_CAISSE,
    "nom": "Urssaf Île-de-France — Sécurité sociale des indépendants",
    "region": "Île-de-France",
    "adresse": "22-24 rue de Lagny, 93100 Montreuil",
    "telephone": "36 98",
    "courriel": "independants@caisse-demo.fr",
    "horaires": (
        "Par téléphone au 36 98 (service gratuit + prix d'un appel) : du lundi au vendredi, "
        "de 8 h 30 à 17 h. "
        "Accueil physique sur rendez-vous : mardi et jeudi, de 9 h à 12 h et de 13 h 30 à 16 h."
    ),
}


async def existing_caisse(session: AsyncSession) -> int | None:
    """Id of the seeded caisse when it is already there."""
    found: int | None = await session.scalar(
        select(models.Caisse.id).where(models.Caisse.code == CODE_CAISSE)
    )
    return found


async def caisse_id_for(session: AsyncSession, lignes: Lignes) -> int:
    """The seeded caisse's id, adding its row when it is not there yet."""
    existing = await existing_caisse(session)
    return existing if existing is not None else lignes.add(models.Caisse, **CAISSE)


async def run_in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database (committed when it
    returns, rolled back when it raises), then release the engine."""
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            result = await work(session)
        await analyze(engine)
        return result
    finally:
        await engine.dispose()


async def analyze(engine: AsyncEngine) -> None:
    """Refresh the planner's statistics after a bulk load. Without them PostgreSQL
    plans the portfolio's joins as nested loops over what it believes are empty tables
    until autovacuum happens by (a 1 000-client page took 1.4 s instead of a few
    hundred ms); SQLite's planner likewise uses ``sqlite_stat1`` once it exists."""
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
