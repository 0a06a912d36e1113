"""Rows to insert, as plain dicts per model, with ids allocated here.

The generators append plain dicts instead of ORM objects: a Core bulk insert
(``session.execute(insert(table), rows)``, one ``executemany`` per chunk) is an order
of magnitude faster than flushing objects, and twice as fast as the ORM's bulk path;
explicit ids let a row refer to another (an allocation to its payment and
instalment) before anything reaches the database. Column types still apply (money
goes in as integer cents through ``Cents``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from gateway.db import models
from gateway.db.models import Base

Row = dict[str, Any]

#: Insertion order: every table after the tables it refers to.
ORDRE_INSERTION: tuple[type[Base], ...] = (
    models.Caisse,
    models.Cabinet,
    models.Travailleur,
    models.Etablissement,
    models.CoordonneesBancaires,
    models.Revenu,
    models.Cotisation,
    models.Echeance,
    models.Paiement,
    models.AffectationPaiement,
    models.DeclarationMicro,
    models.Utilisateur,
    models.Mandat,
    models.AffectationCollaborateur,
)
#: Tables whose primary key is an ``id`` we allocate (the others have composite keys).
AVEC_ID: tuple[type[Base], ...] = tuple(m for m in ORDRE_INSERTION if "id" in m.__table__.c)


@dataclass(slots=True)
class Lignes:
    """Rows per model, and the next id of each table.

    ``prochains`` starts from the current maximum of each table (:func:`load_next_ids`)
    so a portfolio can be added to a database that already holds one.
    """

    prochains: dict[type[Base], int] = field(default_factory=dict)
    rows: dict[type[Base], list[Row]] = field(default_factory=dict)

    def next_id(self, model: type[Base]) -> int:
        ident = self.prochains.get(model, 1)
        self.prochains[model] = ident + 1
        return ident

    def add(self, model: type[Base], **values: Any) -> int:
        """Append a row with a fresh id; returns the id."""
        ident = self.next_id(model)
        self.rows.setdefault(model, []).append({"id": ident, **values})
        return ident

    def add_sans_id(self, model: type[Base], **values: Any) -> None:
        """Append a row of a table with a composite key."""
        self.rows.setdefault(model, []).append(values)

    def of(self, model: type[Base]) -> list[Row]:
        return self.rows.get(model, [])

    def counts(self) -> Mapping[str, int]:
        return {m.__tablename__: len(r) for m, r in self.rows.items() if r}


async def load_next_ids(session: AsyncSession) -> dict[type[Base], int]:
    """max(id) + 1 of every table we fill, in one statement."""
    maxima = (
        await session.execute(
            select(
                *(
                    select(func.coalesce(func.max(m.__table__.c.id), 0)).scalar_subquery()
                    for m in AVEC_ID
                )
            )
        )
    ).one()
    return {model: int(maximum) + 1 for model, maximum in zip(AVEC_ID, maxima, strict=True)}


async def insert_all(session: AsyncSession, lignes: Lignes, taille_lot: int = 5000) -> None:
    """Bulk-insert every row, table by table in foreign-key order, in chunks.

    Chunks bound the memory of one ``executemany`` without costing round trips worth
    noticing; the caller owns the transaction.
    """
    for model in ORDRE_INSERTION:
        rows = lignes.of(model)
        table = Base.metadata.tables[model.__tablename__]
        if rows:
            _check_columns(table, rows)
        for debut in range(0, len(rows), taille_lot):
            await session.execute(insert(table), rows[debut : debut + taille_lot])
    await sync_sequences(session)


def _check_columns(table: Table, rows: list[Row]) -> None:
    """A bulk insert ignores keys that are not columns, so a renamed column would be
    lost silently: refuse unknown keys and missing required columns. A column the rows
    do not name but that has a default or is nullable (added to the model since) gets
    its default, or NULL; a default computed from the row (the search key of a worker's
    names) is left to SQLAlchemy, which calls it for each row."""
    premier = rows[0]
    inconnues = set(premier) - set(table.c.keys())
    valeurs: dict[str, Any] = {}
    requises: list[str] = []
    for colonne in table.c:
        if colonne.key in premier:
            continue
        defaut = colonne.default
        if isinstance(defaut, ScalarElementColumnDefault):
            valeurs[colonne.key] = defaut.arg
        elif isinstance(defaut, CallableColumnDefault):
            continue
        elif colonne.nullable:
            valeurs[colonne.key] = None
        else:
            requises.append(colonne.key)
    if inconnues or requises:
        raise ValueError(
            f"{table.name}: rows do not match the columns "
            f"(missing {sorted(requises)}, unknown {sorted(inconnues)})"
        )
    if valeurs:
        for row in rows:
            row.update(valeurs)


async def sync_sequences(session: AsyncSession) -> None:
    """On PostgreSQL, move each id sequence past the ids we chose, or the next row
    the application inserts would collide with ours (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in AVEC_ID:
        table = model.__tablename__
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )
