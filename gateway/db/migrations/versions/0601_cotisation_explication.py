"""cotisation.explication: each contribution line's explanation, written with the line

Revision ID: 0601_cotisation_explication
Revises: 0001
Create Date: 2026-12-03 13:40:00

The explanation is formatted in Python (``domain.explications``), from the values the
row stores, as the application does at every insert; existing rows are backfilled here
the same way, in batches.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from domain.money import from_cents
from gateway.db.cotisation_detail import stored_explication

revision = "0601_cotisation_explication"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 5000

cotisation = sa.table(
    "cotisation",
    sa.column("id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("montant", sa.BigInteger()),
    sa.column("assiette", sa.BigInteger()),
    sa.column("detail", sa.JSON()),
    sa.column("explication", sa.Text()),
)


def upgrade() -> None:
    op.add_column("cotisation", sa.Column("explication", sa.Text(), nullable=True))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                cotisation.c.id,
                cotisation.c.code,
                cotisation.c.montant,
                cotisation.c.assiette,
                cotisation.c.detail,
            )
            .where(cotisation.c.id > last)
            .order_by(cotisation.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            cotisation.update()
            .where(cotisation.c.id == sa.bindparam("ident"))
            .values(explication=sa.bindparam("texte")),
            [_explained(*row) for row in rows],
        )
        last = rows[-1].id
    # SQLite can only make the column NOT NULL by copying the table, which its foreign
    # keys refuse: there the application (the column's insert default) keeps it filled.
    if connection.dialect.name != "sqlite":
        op.alter_column("cotisation", "explication", existing_type=sa.Text(), nullable=False)


def _explained(ident: int, code: str, montant: int, assiette: int, detail: Any) -> dict[str, Any]:
    texte = stored_explication(code, from_cents(montant), from_cents(assiette), detail)
    return {"ident": ident, "texte": texte}


def downgrade() -> None:
    with op.batch_alter_table("cotisation", schema=None) as batch_op:
        batch_op.drop_column("explication")
