"""cost buckets of the per-principal rate limit and the trusted documents registry

Revision ID: 0501_http
Revises: 0201_keys
Create Date: 2026-12-01 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0501_http"
down_revision = "0201_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seau_cout",
        sa.Column("politique", sa.String(length=60), nullable=False),
        sa.Column("cle", sa.String(length=200), nullable=False),
        sa.Column("niveau", sa.Float(), nullable=False),
        sa.Column("instant", sa.Float(), nullable=False),
        sa.Column("accepte", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("politique", "cle", name=op.f("pk_seau_cout")),
    )
    op.create_table(
        "document_confiance",
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=True),
        sa.Column("ajoute_le", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("empreinte", name=op.f("pk_document_confiance")),
    )


def downgrade() -> None:
    op.drop_table("document_confiance")
    op.drop_table("seau_cout")
