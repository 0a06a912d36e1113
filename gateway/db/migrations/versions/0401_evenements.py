"""events (change feed) with their commit-ordered counter, webhook endpoints and deliveries

Revision ID: 0401_evenements
Revises: 0201_keys
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0401_evenements"
down_revision = "0201_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evenement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("cabinet_id", sa.Integer(), nullable=True),
        sa.Column("objets", sa.JSON(), nullable=False),
        sa.Column("donnees", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_evenement_travailleur_id_travailleur"),
        ),
        sa.ForeignKeyConstraint(
            ["cabinet_id"], ["cabinet.id"], name=op.f("fk_evenement_cabinet_id_cabinet")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evenement")),
        sa.UniqueConstraint("sequence", name=op.f("uq_evenement_sequence")),
    )
    with op.batch_alter_table("evenement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evenement_travailleur_sequence", ["travailleur_id", "sequence"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evenement_cabinet_id"), ["cabinet_id"], unique=False)
    compteur = op.create_table(
        "evenement_compteur",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valeur", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evenement_compteur")),
    )
    op.bulk_insert(compteur, [{"id": 1, "valeur": 0}])
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cabinet_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("actif", sa.Boolean(), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cree_par", sa.String(length=200), nullable=False),
        sa.Column("courriel_contact", sa.String(length=200), nullable=True),
        sa.Column("derniere_sequence", sa.BigInteger(), nullable=False),
        sa.Column("en_echec_depuis", sa.DateTime(timezone=True), nullable=True),
        sa.Column("desactive_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modifie_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cabinet_id"], ["cabinet.id"], name=op.f("fk_webhook_endpoint_cabinet_id_cabinet")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
    )
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_endpoint_cabinet_id"), ["cabinet_id"], unique=False
        )
    op.create_table(
        "webhook_livraison",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("evenement_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("statut", sa.String(length=20), nullable=False),
        sa.Column("tentatives", sa.Integer(), nullable=False),
        sa.Column("prochaine_tentative", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reservee_jusqu_a", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dernier_code", sa.Integer(), nullable=True),
        sa.Column("derniere_erreur", sa.Text(), nullable=True),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("livree_le", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoint.id"],
            name=op.f("fk_webhook_livraison_endpoint_id_webhook_endpoint"),
        ),
        sa.ForeignKeyConstraint(
            ["evenement_id"],
            ["evenement.id"],
            name=op.f("fk_webhook_livraison_evenement_id_evenement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_livraison")),
    )
    with op.batch_alter_table("webhook_livraison", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_livraison_a_faire", ["statut", "prochaine_tentative"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_livraison_ordre",
            ["endpoint_id", "travailleur_id", "sequence"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_livraison_evenement_id"), ["evenement_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("webhook_livraison")
    op.drop_table("webhook_endpoint")
    op.drop_table("evenement_compteur")
    op.drop_table("evenement")
