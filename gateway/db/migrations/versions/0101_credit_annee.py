"""the credit of a year is state: one CREDIT row per worker and year, replaced

Revision ID: 0101_credit_annee
Revises: 0001
Create Date: 2026-12-01 10:30:00

Recomputation credits used to be appended ("Crédit recalcul <year>", one per lowering
estimate, never taken back). Each recomputation left the credit of its day, so the
latest row of a year is that year's credit: it is tagged with ``annee_credit`` and the
older ones, phantom credits, are removed with their allocations; ``montant_paye`` is
then re-derived from the allocations left (the next recomputation of the worker
replays them oldest first).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0101_credit_annee"
down_revision = "0001"
branch_labels = None
depends_on = None

_REFERENCE = re.compile(r"^Crédit recalcul (\d{4})$")


def upgrade() -> None:
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annee_credit", sa.Integer(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, travailleur_id, reference FROM paiement WHERE mode = 'CREDIT' "
            "ORDER BY travailleur_id, date_paiement, id"
        )
    ).all()
    latest: dict[tuple[int, int], int] = {}
    phantoms: list[int] = []
    for paiement_id, travailleur_id, reference in rows:
        match = _REFERENCE.match(reference)
        if match is None:
            continue
        key = (travailleur_id, int(match.group(1)))
        if key in latest:
            phantoms.append(latest[key])
        latest[key] = paiement_id
    for paiement_id in phantoms:
        bind.execute(
            sa.text("DELETE FROM affectation_paiement WHERE paiement_id = :id"), {"id": paiement_id}
        )
        bind.execute(sa.text("DELETE FROM paiement WHERE id = :id"), {"id": paiement_id})
    for (_, annee), paiement_id in latest.items():
        bind.execute(
            sa.text("UPDATE paiement SET annee_credit = :annee WHERE id = :id"),
            {"annee": annee, "id": paiement_id},
        )
    if phantoms:
        bind.execute(
            sa.text(
                "UPDATE echeance SET montant_paye = (SELECT COALESCE(SUM(a.montant), 0) "
                "FROM affectation_paiement a WHERE a.echeance_id = echeance.id)"
            )
        )
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.create_index(
            "uq_paiement_travailleur_annee_credit", ["travailleur_id", "annee_credit"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.drop_index("uq_paiement_travailleur_annee_credit")
        batch_op.drop_column("annee_credit")
