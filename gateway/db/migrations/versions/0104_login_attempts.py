"""login attempts: the attempt log is dropped (login throttling claims limiter slots)

Revision ID: 0104_login_attempts
Revises: 0002_access
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision = "0104_login_attempts"
down_revision = "0002_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tentative_connexion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tentative_connexion_horodatage"))
        batch_op.drop_index("ix_tentative_connexion_adresse")
        batch_op.drop_index("ix_tentative_connexion_identifiant")
    op.drop_table("tentative_connexion")


def downgrade() -> None:
    op.create_table(
        "tentative_connexion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("horodatage", gateway.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("identifiant", sa.String(length=200), nullable=False),
        sa.Column("adresse", sa.String(length=64), nullable=False),
        sa.Column("succes", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tentative_connexion")),
    )
    with op.batch_alter_table("tentative_connexion", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tentative_connexion_identifiant", ["identifiant", "horodatage"], unique=False
        )
        batch_op.create_index(
            "ix_tentative_connexion_adresse", ["adresse", "horodatage"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tentative_connexion_horodatage"), ["horodatage"], unique=False
        )
