"""stored account situation per worker (portfolio indicators as of an accounting day)

Revision ID: 0301_situation_compte
Revises: 0201_keys
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0301_situation_compte"
down_revision = "0201_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty at first: a read finds no row for its workers and computes them.
    op.create_table(
        "situation_compte",
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("valide_le", sa.Date(), nullable=False),
        sa.Column("retard", sa.BigInteger(), nullable=False),
        sa.Column("retard_non_couvert", sa.BigInteger(), nullable=False),
        sa.Column("du_mois", sa.BigInteger(), nullable=False),
        sa.Column("prochaine", sa.Date(), nullable=True),
        sa.Column("manquantes", sa.Boolean(), nullable=False),
        sa.Column("denonce", sa.Boolean(), nullable=False),
        sa.Column("vigilance", sa.Boolean(), nullable=False),
        sa.Column("attention", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_situation_compte_travailleur_id_travailleur"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("travailleur_id", name=op.f("pk_situation_compte")),
    )
    with op.batch_alter_table("situation_compte", schema=None) as batch_op:
        batch_op.create_index("ix_situation_compte_retard", ["retard"], unique=False)
        batch_op.create_index("ix_situation_compte_prochaine", ["prochaine"], unique=False)
        batch_op.create_index("ix_situation_compte_vigilance", ["vigilance"], unique=False)
        batch_op.create_index("ix_situation_compte_attention", ["attention"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_situation_compte_valide_le"), ["valide_le"], unique=False
        )


def downgrade() -> None:
    op.drop_table("situation_compte")
