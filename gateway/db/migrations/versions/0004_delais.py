"""payment plans: the date a plan ended (settled, denounced or replaced)

Revision ID: 0004_delais
Revises: 0001
Create Date: 2026-11-23 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_delais"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delai_paiement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_cloture", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delai_paiement", schema=None) as batch_op:
        batch_op.drop_column("date_cloture")
