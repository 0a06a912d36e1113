"""travailleur.cle_recherche: the folded name a search compares (accents and case ignored)

Revision ID: 0107_cle_recherche
Revises: 0001
Create Date: 2026-12-01 10:30:00

The key is computed in Python (``domain.recherche``), the same function the
application uses on write and on the searched text, so existing rows are backfilled
here row by row: neither database can compute it in SQL identically.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domain.recherche import name_search_key

revision = "0107_cle_recherche"
down_revision = "0001"
branch_labels = None
depends_on = None

travailleur = sa.table(
    "travailleur",
    sa.column("id", sa.Integer()),
    sa.column("nom", sa.String()),
    sa.column("prenom", sa.String()),
    sa.column("cle_recherche", sa.String()),
)


def upgrade() -> None:
    op.add_column("travailleur", sa.Column("cle_recherche", sa.String(length=220), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(travailleur.c.id, travailleur.c.nom, travailleur.c.prenom))
    keys = [{"ident": i, "cle": name_search_key(nom, prenom)} for i, nom, prenom in rows]
    if keys:
        connection.execute(
            travailleur.update()
            .where(travailleur.c.id == sa.bindparam("ident"))
            .values(cle_recherche=sa.bindparam("cle")),
            keys,
        )
    # SQLite can only make the column NOT NULL by copying the table, which its foreign
    # keys refuse once other rows point at workers: there the application (column
    # default and name validator) keeps it filled.
    if connection.dialect.name != "sqlite":
        op.alter_column(
            "travailleur", "cle_recherche", existing_type=sa.String(length=220), nullable=False
        )
    op.create_index("ix_travailleur_cle_recherche", "travailleur", ["cle_recherche"])


def downgrade() -> None:
    op.drop_index("ix_travailleur_cle_recherche", "travailleur")
    with op.batch_alter_table("travailleur", schema=None) as batch_op:
        batch_op.drop_column("cle_recherche")
