"""accountant workspace: wrong activation keys counted on the mandate

Revision ID: 0003_workspace
Revises: 0001
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_workspace"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mandat", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tentatives_echouees", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("mandat", schema=None) as batch_op:
        batch_op.drop_column("tentatives_echouees")
