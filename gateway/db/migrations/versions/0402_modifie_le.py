"""updatedAt: modifie_le on the account objects that change

Revision ID: 0402_modifie_le
Revises: 0401_evenements
Create Date: 2026-12-01 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0402_modifie_le"
down_revision = "0401_evenements"
branch_labels = None
depends_on = None

TABLES = ("travailleur", "revenu", "echeance", "paiement", "delai_paiement", "mandat")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("modifie_le", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("modifie_le")
