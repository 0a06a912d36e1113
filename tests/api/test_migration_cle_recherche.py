"""Migration 0107: existing workers get their search key, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.db.engine import create_engine
from gateway.db.migrate import upgrade_async
from tests.conftest import POSTGRES_URL, Database


@pytest.fixture
async def empty_url(database: Database, tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it, of the same kind as ``database``."""
    if database.name == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    name = f"gateway_migration_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_the_migration_backfills_the_search_key_of_existing_workers(empty_url) -> None:
    await upgrade_async(empty_url, "0001")
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO caisse (id, code, nom, region, adresse, telephone, courriel, "
                    "horaires) VALUES (1, 'IDF', 'Urssaf', 'IDF', 'Montreuil', '3698', "
                    "'c@example.fr', '8h30')"
                )
            )
            for ident, nir, nom, prenom in (
                (1, "274063155575055", "Benali", "Émilie"),
                (2, "184127510804231", "Œuvray", "Lætitia"),
            ):
                await connection.execute(
                    text(
                        "INSERT INTO travailleur (id, caisse_id, nir, civilite, nom, prenom, "
                        "date_naissance, courriel, adresse, code_postal, ville, region, statut, "
                        "profession, regime, situation, date_debut_activite, periodicite) "
                        "VALUES (:id, 1, :nir, 'Mme', :nom, :prenom, '1974-06-01', "
                        "'x@example.fr', '1 rue', '75001', 'Paris', 'IDF', 'ARTISAN', 'Coiffeuse', "
                        "'CLASSIQUE', 'ACTIF', '2015-01-01', 'MENSUEL_5')"
                    ),
                    {"id": ident, "nir": nir, "nom": nom, "prenom": prenom},
                )
        await upgrade_async(empty_url)
        async with engine.connect() as connection:
            keys = (
                await connection.execute(text("SELECT cle_recherche FROM travailleur ORDER BY id"))
            ).scalars()
            assert list(keys) == ["benali emilie", "oeuvray laetitia"]
    finally:
        await engine.dispose()
