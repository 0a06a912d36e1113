"""limiter: rate-limit slots (gateway.limiter)

Revision ID: 0104_limiter
Revises: 0001
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision = "0104_limiter"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "creneau_limite",
        sa.Column("politique", sa.String(length=60), nullable=False),
        sa.Column("cle", sa.String(length=200), nullable=False),
        sa.Column("rang", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pris_le", gateway.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("politique", "cle", "rang", name=op.f("pk_creneau_limite")),
    )
    with op.batch_alter_table("creneau_limite", schema=None) as batch_op:
        batch_op.create_index(
            "ix_creneau_limite_politique_pris_le", ["politique", "pris_le"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("creneau_limite", schema=None) as batch_op:
        batch_op.drop_index("ix_creneau_limite_politique_pris_le")
    op.drop_table("creneau_limite")
