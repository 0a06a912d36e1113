"""direct debit: the date a SEPA mandate stopped (removed, replaced, activity ended)

A rejected debit is accepted only on an instalment that fell due while a mandate was
in force, so the end of each mandate is kept. Existing inactive mandates end where the
next one was signed, else at the end of the activity, else on their signature (unknown
end: no debit is presumed).

Revision ID: 0102_prelevement_fin
Revises: 0001
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0102_prelevement_fin"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coordonnees_bancaires", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_fin", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE coordonnees_bancaires SET date_fin = (
            SELECT MIN(suivant.date_signature) FROM coordonnees_bancaires AS suivant
            WHERE suivant.travailleur_id = coordonnees_bancaires.travailleur_id
              AND suivant.id > coordonnees_bancaires.id
        )
        WHERE actif = false
        """
    )
    op.execute(
        """
        UPDATE coordonnees_bancaires SET date_fin = COALESCE(
            (SELECT travailleur.date_fin_activite FROM travailleur
             WHERE travailleur.id = coordonnees_bancaires.travailleur_id),
            date_signature
        )
        WHERE actif = false AND date_fin IS NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("coordonnees_bancaires", schema=None) as batch_op:
        batch_op.drop_column("date_fin")
