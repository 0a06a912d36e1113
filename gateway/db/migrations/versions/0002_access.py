"""access: OAuth2 clients, refresh tokens, login attempts, password-reset codes

Revision ID: 0002_access
Revises: 0001
Create Date: 2026-11-23 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision = "0002_access"
down_revision = "0001"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, gateway.db.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "client_oauth",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("cabinet_id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=100), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        _timestamp("cree_le"),
        sa.Column("cree_par_id", sa.Integer(), nullable=True),
        _timestamp("revoque_le", nullable=True),
        sa.Column("revoque_par_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cabinet_id"], ["cabinet.id"], name=op.f("fk_client_oauth_cabinet_id_cabinet")
        ),
        sa.ForeignKeyConstraint(
            ["cree_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_client_oauth_cree_par_id_utilisateur"),
        ),
        sa.ForeignKeyConstraint(
            ["revoque_par_id"],
            ["utilisateur.id"],
            name=op.f("fk_client_oauth_revoque_par_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_oauth")),
        sa.UniqueConstraint("client_id", name=op.f("uq_client_oauth_client_id")),
    )
    with op.batch_alter_table("client_oauth", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_oauth_cabinet_id"), ["cabinet_id"], unique=False
        )

    op.create_table(
        "jeton_rafraichissement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("famille", sa.String(length=32), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        _timestamp("cree_le"),
        _timestamp("expire_le"),
        _timestamp("revoque_le", nullable=True),
        sa.Column("motif_revocation", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["utilisateur_id"],
            ["utilisateur.id"],
            name=op.f("fk_jeton_rafraichissement_utilisateur_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jeton_rafraichissement")),
        sa.UniqueConstraint("empreinte", name=op.f("uq_jeton_rafraichissement_empreinte")),
    )
    with op.batch_alter_table("jeton_rafraichissement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jeton_rafraichissement_famille"), ["famille"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_jeton_rafraichissement_utilisateur_id"),
            ["utilisateur_id"],
            unique=False,
        )

    op.create_table(
        "tentative_connexion",
        sa.Column("id", sa.Integer(), nullable=False),
        _timestamp("horodatage"),
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

    op.create_table(
        "code_reinitialisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=False),
        _timestamp("cree_le"),
        _timestamp("expire_le"),
        _timestamp("utilise_le", nullable=True),
        sa.ForeignKeyConstraint(
            ["utilisateur_id"],
            ["utilisateur.id"],
            name=op.f("fk_code_reinitialisation_utilisateur_id_utilisateur"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_reinitialisation")),
        sa.UniqueConstraint("empreinte", name=op.f("uq_code_reinitialisation_empreinte")),
    )
    with op.batch_alter_table("code_reinitialisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_code_reinitialisation_utilisateur_id"),
            ["utilisateur_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("code_reinitialisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_reinitialisation_utilisateur_id"))
    op.drop_table("code_reinitialisation")
    with op.batch_alter_table("tentative_connexion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tentative_connexion_horodatage"))
        batch_op.drop_index("ix_tentative_connexion_adresse")
        batch_op.drop_index("ix_tentative_connexion_identifiant")
    op.drop_table("tentative_connexion")
    with op.batch_alter_table("jeton_rafraichissement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jeton_rafraichissement_utilisateur_id"))
        batch_op.drop_index(batch_op.f("ix_jeton_rafraichissement_famille"))
    op.drop_table("jeton_rafraichissement")
    with op.batch_alter_table("client_oauth", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_oauth_cabinet_id"))
    op.drop_table("client_oauth")
