"""stored token signing keys and revoked OAuth2 access tokens

Revision ID: 0201_keys
Revises: 0001
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0201_keys"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cle_signature",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("algorithme", sa.String(length=16), nullable=False),
        sa.Column("jwk_prive", sa.Text(), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retiree_le", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_cle_signature")),
    )
    with op.batch_alter_table("cle_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cle_signature_cree_le"), ["cree_le"], unique=False)
    op.create_table(
        "jeton_revoque",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("expire_le", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_jeton_revoque")),
    )
    with op.batch_alter_table("jeton_revoque", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jeton_revoque_expire_le"), ["expire_le"], unique=False)


def downgrade() -> None:
    op.drop_table("jeton_revoque")
    op.drop_table("cle_signature")
