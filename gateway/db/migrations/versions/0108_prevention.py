"""Ma prévention santé: ayants droit, recorded actions, reminders, advice

Revision ID: 0108_prevention
Revises: 0005_caisse
Create Date: 2026-12-01 10:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0108_prevention"
down_revision = "0005_caisse"
branch_labels = None
depends_on = None

PROGRAMMES = (
    "DEPISTAGE_CANCER_SEIN",
    "DEPISTAGE_CANCER_COLORECTAL",
    "DEPISTAGE_COL_UTERUS_CYTOLOGIE",
    "DEPISTAGE_COL_UTERUS_TEST_HPV",
    "RAPPEL_DTP_ADULTE",
    "GRIPPE_SAISONNIERE",
    "NOURRISSON_DTCAP_HIB_HEPB",
    "NOURRISSON_PNEUMOCOQUE",
    "ROR",
    "RAPPEL_DTCAP_POLIO_6_ANS",
    "RAPPEL_DTCAP_POLIO_11_13_ANS",
    "VACCINATION_HPV",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=40)


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ayant_droit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("prenom", sa.String(length=100), nullable=False),
        sa.Column("date_naissance", sa.Date(), nullable=False),
        sa.Column("sexe", _enum("sexe", "F", "M"), nullable=False),
        sa.Column("lien", _enum("lienayantdroit", "CONJOINT", "ENFANT"), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_ayant_droit_travailleur_id_travailleur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ayant_droit")),
    )
    op.create_index(
        op.f("ix_ayant_droit_travailleur_id"), "ayant_droit", ["travailleur_id"], unique=False
    )
    op.create_table(
        "acte_prevention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("ayant_droit_id", sa.Integer(), nullable=True),
        sa.Column("programme", _enum("programme", *PROGRAMMES), nullable=False),
        sa.Column("date_realisation", sa.Date(), nullable=False),
        sa.Column("numero_lot", sa.String(length=40), nullable=True),
        sa.Column("enregistre_le", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_acte_prevention_travailleur_id_travailleur"),
        ),
        sa.ForeignKeyConstraint(
            ["ayant_droit_id"],
            ["ayant_droit.id"],
            name=op.f("fk_acte_prevention_ayant_droit_id_ayant_droit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acte_prevention")),
    )
    op.create_index(
        op.f("ix_acte_prevention_travailleur_id"),
        "acte_prevention",
        ["travailleur_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_acte_prevention_ayant_droit_id"),
        "acte_prevention",
        ["ayant_droit_id"],
        unique=False,
    )
    op.create_table(
        "preference_prevention",
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("rappels_actifs", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_preference_prevention_travailleur_id_travailleur"),
        ),
        sa.PrimaryKeyConstraint("travailleur_id", name=op.f("pk_preference_prevention")),
    )
    op.create_table(
        "rappel_prevention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("travailleur_id", sa.Integer(), nullable=False),
        sa.Column("personne", sa.String(length=30), nullable=False),
        sa.Column("programme", _enum("programme", *PROGRAMMES), nullable=False),
        sa.Column("date_echeance", sa.Date(), nullable=False),
        sa.Column("envoye_le", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["travailleur_id"],
            ["travailleur.id"],
            name=op.f("fk_rappel_prevention_travailleur_id_travailleur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rappel_prevention")),
        sa.UniqueConstraint(
            "travailleur_id",
            "personne",
            "programme",
            "date_echeance",
            name=op.f("uq_rappel_prevention_travailleur_id"),
        ),
    )
    op.create_index(
        op.f("ix_rappel_prevention_travailleur_id"),
        "rappel_prevention",
        ["travailleur_id"],
        unique=False,
    )
    op.create_table(
        "conseil_prevention",
        sa.Column("actualite_id", sa.Integer(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("sexe", _enum("sexe", "F", "M"), nullable=True),
        sa.ForeignKeyConstraint(
            ["actualite_id"],
            ["actualite.id"],
            name=op.f("fk_conseil_prevention_actualite_id_actualite"),
        ),
        sa.PrimaryKeyConstraint("actualite_id", name=op.f("pk_conseil_prevention")),
    )


def downgrade() -> None:
    op.drop_table("conseil_prevention")
    op.drop_index(op.f("ix_rappel_prevention_travailleur_id"), table_name="rappel_prevention")
    op.drop_table("rappel_prevention")
    op.drop_table("preference_prevention")
    op.drop_index(op.f("ix_acte_prevention_ayant_droit_id"), table_name="acte_prevention")
    op.drop_index(op.f("ix_acte_prevention_travailleur_id"), table_name="acte_prevention")
    op.drop_table("acte_prevention")
    op.drop_index(op.f("ix_ayant_droit_travailleur_id"), table_name="ayant_droit")
    op.drop_table("ayant_droit")
