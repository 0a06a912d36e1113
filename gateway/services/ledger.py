"""Keeping a worker's instalments and payments consistent after any change.

Allocation is a rule of the domain (oldest first, SPEC §4); here it is replayed over
all of the worker's payments whenever the schedule changes, so ``montant_paye`` and
the allocation rows always say exactly what the rule says.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compte import Paiement, replay_allocations
from domain.echeancier import Instalment, ScheduleChange
from domain.money import ZERO
from domain.nomenclatures import ModePaiement
from gateway.db import models
from gateway.db.models import AffectationPaiement, Echeance
from gateway.db.repositories import account


async def reallocate_payments(session: AsyncSession, travailleur_id: int) -> None:
    """Replay every payment, in date order, over the instalments not cancelled."""
    await session.flush()
    rows = await account.instalments(session, travailleur_id)
    received = [p for p in await account.payments(session, travailleur_id) if p.montant > ZERO]
    await account.clear_allocations(session, [p.id for p in received])
    paid: dict[int, Decimal] = {row.id: ZERO for row in rows}
    replay = replay_allocations(
        [Instalment(r.id, r.date_echeance, r.montant, ZERO, r.nature) for r in rows],
        [Paiement(p.id, p.date_paiement, p.montant) for p in received],
    )
    for payment, parts in replay:
        for echeance_id, part in parts.items():
            paid[echeance_id] += part
            session.add(
                AffectationPaiement(paiement_id=payment.id, echeance_id=echeance_id, montant=part)
            )
    for row in rows:
        row.montant_paye = paid[row.id]


def apply_schedule_change(
    session: AsyncSession,
    travailleur_id: int,
    annee: int,
    rows: list[Echeance],
    change: ScheduleChange,
) -> None:
    """Write a domain ``ScheduleChange`` to the stored instalments."""
    by_id = {row.id: row for row in rows}
    for echeance_id, montant in change.update.items():
        by_id[echeance_id].montant = montant
    for echeance_id in change.cancel:
        by_id[echeance_id].annulee = True
        by_id[echeance_id].montant_paye = ZERO
    for plan in change.create:
        session.add(
            Echeance(
                travailleur_id=travailleur_id,
                annee=annee,
                nature=plan.nature,
                date_echeance=plan.date_echeance,
                montant=plan.montant,
                montant_paye=ZERO,
                annulee=False,
                rejets=0,
                montant_reporte=ZERO,
            )
        )


def add_credit(
    session: AsyncSession, travailleur_id: int, montant: Decimal, jour: date, motif: str
) -> None:
    """A credit of the account: allocated like a payment, the rest refundable (SPEC §4)."""
    if montant > ZERO:
        session.add(
            models.Paiement(
                travailleur_id=travailleur_id,
                date_paiement=jour,
                montant=montant,
                mode=ModePaiement.CREDIT,
                reference=motif[:50],
            )
        )


def recompute_credit_reference(annee: int) -> str:
    """Reference of the credit a recomputation of ``annee`` left (see ``add_credit``)."""
    return f"Crédit recalcul {annee}"
