"""the credit of a year is state: one CREDIT row per worker and year, replaced

Revision ID: 0101_credit_annee
Revises: 0001
Create Date: 2026-12-01 10:30:00

Recomputation credits used to be appended ("Crédit recalcul <year>", one per lowering
estimate, never taken back; a raise left them all). The credit of a year is derived
again from what is stored, as a recomputation defines it (SPEC §4): max(0, Σ of the
year's provisional instalments not cancelled − the year's provisional contributions).
One row of the year keeps that amount, tagged ``annee_credit``; the others, phantom
credits, go. The payments of every worker concerned are then allocated again, oldest
instalment first, exactly as the gateway does after each change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from domain.compte import Paiement, replay_allocations
from domain.echeancier import Instalment, NatureEcheance

revision = "0101_credit_annee"
down_revision = "0001"
branch_labels = None
depends_on = None

_REFERENCE = re.compile(r"^Crédit recalcul (\d{4})$")

# Money is integer cents in both databases: read and written as such here.
ECHEANCE = sa.table(
    "echeance",
    sa.column("id", sa.Integer),
    sa.column("travailleur_id", sa.Integer),
    sa.column("annee", sa.Integer),
    sa.column("nature", sa.String),
    sa.column("date_echeance", sa.Date),
    sa.column("montant", sa.BigInteger),
    sa.column("montant_paye", sa.BigInteger),
    sa.column("annulee", sa.Boolean),
)
PAIEMENT = sa.table(
    "paiement",
    sa.column("id", sa.Integer),
    sa.column("travailleur_id", sa.Integer),
    sa.column("date_paiement", sa.Date),
    sa.column("montant", sa.BigInteger),
    sa.column("mode", sa.String),
    sa.column("reference", sa.String),
    sa.column("annee_credit", sa.Integer),
)
COTISATION = sa.table(
    "cotisation",
    sa.column("travailleur_id", sa.Integer),
    sa.column("annee", sa.Integer),
    sa.column("nature", sa.String),
    sa.column("montant", sa.BigInteger),
)
AFFECTATION = sa.table(
    "affectation_paiement",
    sa.column("paiement_id", sa.Integer),
    sa.column("echeance_id", sa.Integer),
    sa.column("montant", sa.BigInteger),
)


def upgrade() -> None:
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annee_credit", sa.Integer(), nullable=True))
    bind = op.get_bind()
    credits: dict[tuple[int, int], list[int]] = defaultdict(list)
    for paiement_id, travailleur_id, reference in bind.execute(
        sa.select(PAIEMENT.c.id, PAIEMENT.c.travailleur_id, PAIEMENT.c.reference)
        .where(PAIEMENT.c.mode == "CREDIT")
        .order_by(PAIEMENT.c.travailleur_id, PAIEMENT.c.date_paiement, PAIEMENT.c.id)
    ):
        match = _REFERENCE.match(reference)
        if match is not None:
            credits[(travailleur_id, int(match.group(1)))].append(paiement_id)
    for (travailleur_id, annee), rows in credits.items():
        credit = _credit_of_year(bind, travailleur_id, annee)
        keep = rows[-1] if credit > 0 else None
        for paiement_id in rows:
            if paiement_id != keep:
                bind.execute(sa.delete(AFFECTATION).where(AFFECTATION.c.paiement_id == paiement_id))
                bind.execute(sa.delete(PAIEMENT).where(PAIEMENT.c.id == paiement_id))
        if keep is not None:
            bind.execute(
                sa.update(PAIEMENT)
                .where(PAIEMENT.c.id == keep)
                .values(montant=credit, annee_credit=annee)
            )
    for travailleur_id in sorted({travailleur_id for travailleur_id, _ in credits}):
        _reallocate(bind, travailleur_id)
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.create_index(
            "uq_paiement_travailleur_annee_credit", ["travailleur_id", "annee_credit"], unique=True
        )


def _credit_of_year(bind: sa.Connection, travailleur_id: int, annee: int) -> int:
    called = bind.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ECHEANCE.c.montant), 0)).where(
            ECHEANCE.c.travailleur_id == travailleur_id,
            ECHEANCE.c.annee == annee,
            ECHEANCE.c.nature == NatureEcheance.PROVISIONNELLE.value,
            ECHEANCE.c.annulee.is_(False),
        )
    )
    due = bind.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(COTISATION.c.montant), 0)).where(
            COTISATION.c.travailleur_id == travailleur_id,
            COTISATION.c.annee == annee,
            COTISATION.c.nature == "PROVISIONNELLE",
        )
    )
    return max(0, int(called or 0) - int(due or 0))


def _reallocate(bind: sa.Connection, travailleur_id: int) -> None:
    """The gateway's replay (oldest unpaid instalment first), on integer cents."""
    instalments = bind.execute(
        sa.select(
            ECHEANCE.c.id, ECHEANCE.c.date_echeance, ECHEANCE.c.montant, ECHEANCE.c.nature
        ).where(ECHEANCE.c.travailleur_id == travailleur_id, ECHEANCE.c.annulee.is_(False))
    ).all()
    payments = bind.execute(
        sa.select(PAIEMENT.c.id, PAIEMENT.c.date_paiement, PAIEMENT.c.montant).where(
            PAIEMENT.c.travailleur_id == travailleur_id, PAIEMENT.c.montant > 0
        )
    ).all()
    bind.execute(
        sa.delete(AFFECTATION).where(AFFECTATION.c.paiement_id.in_([p.id for p in payments]))
    )
    paid = {row.id: 0 for row in instalments}
    replay = replay_allocations(
        [
            Instalment(
                r.id, r.date_echeance, Decimal(r.montant), Decimal(0), NatureEcheance(r.nature)
            )
            for r in instalments
        ],
        [Paiement(p.id, p.date_paiement, Decimal(p.montant)) for p in payments],
    )
    for payment, parts in replay:
        for echeance_id, part in parts.items():
            paid[echeance_id] += int(part)
            bind.execute(
                sa.insert(AFFECTATION).values(
                    paiement_id=payment.id, echeance_id=echeance_id, montant=int(part)
                )
            )
    for echeance_id, amount in paid.items():
        bind.execute(
            sa.update(ECHEANCE).where(ECHEANCE.c.id == echeance_id).values(montant_paye=amount)
        )


def downgrade() -> None:
    with op.batch_alter_table("paiement", schema=None) as batch_op:
        batch_op.drop_index("uq_paiement_travailleur_annee_credit")
        batch_op.drop_column("annee_credit")
