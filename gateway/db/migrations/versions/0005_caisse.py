"""caisse news items (actualités) and their targeting

Revision ID: 0005_caisse
Revises: 0001
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_caisse"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actualite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caisse_id", sa.Integer(), nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("contenu", sa.Text(), nullable=False),
        sa.Column("date_publication", sa.Date(), nullable=False),
        sa.Column("date_fin", sa.Date(), nullable=True),
        sa.Column("auteur_id", sa.Integer(), nullable=True),
        sa.Column("date_retrait", sa.Date(), nullable=True),
        sa.Column("retire_par_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["caisse_id"], ["caisse.id"], name=op.f("fk_actualite_caisse_id_caisse")
        ),
        sa.ForeignKeyConstraint(
            ["auteur_id"], ["utilisateur.id"], name=op.f("fk_actualite_auteur_id_utilisateur")
        ),
        sa.ForeignKeyConstraint(
            ["retire_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_actualite_retire_par_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actualite")),
    )
    with op.batch_alter_table("actualite", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actualite_caisse_publication", ["caisse_id", "date_publication"], unique=False
        )
    op.create_table(
        "actualite_cible",
        sa.Column("actualite_id", sa.Integer(), nullable=False),
        sa.Column(
            "axe",
            sa.Enum("REGION", "STATUT", "PROFESSION", name="axe", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("cle", sa.String(length=200), nullable=False),
        sa.Column("valeur", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["actualite_id"],
            ["actualite.id"],
            name=op.f("fk_actualite_cible_actualite_id_actualite"),
        ),
        sa.PrimaryKeyConstraint("actualite_id", "axe", "cle", name=op.f("pk_actualite_cible")),
    )
    with op.batch_alter_table("actualite_cible", schema=None) as batch_op:
        batch_op.create_index("ix_actualite_cible_axe_cle", ["axe", "cle"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("actualite_cible", schema=None) as batch_op:
        batch_op.drop_index("ix_actualite_cible_axe_cle")
    op.drop_table("actualite_cible")
    with op.batch_alter_table("actualite", schema=None) as batch_op:
        batch_op.drop_index("ix_actualite_caisse_publication")
    op.drop_table("actualite")
