"""Keeping a worker's instalments and payments consistent after any change.

Allocation is a rule of the domain (oldest first, SPEC §4); here it is replayed over
all of the worker's payments whenever the schedule changes, so ``montant_paye`` and
the allocation rows always say exactly what the rule says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.appel_provisionnel import CreditAnnee, EcheanceAppelee, provisional_called
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
    """A one-off credit of the account (a régularisation in the worker's favour):
    allocated like a payment, the rest refundable (SPEC §4)."""
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


async def set_year_credit(
    session: AsyncSession, travailleur_id: int, annee: int, credit: CreditAnnee | None
) -> None:
    """Store the credit of ``annee`` a recomputation left, replacing the previous one
    (SPEC §4: at most one, dated at its last recomputation); None removes it. The
    caller replays the allocations afterwards (``reallocate_payments``)."""
    row = await account.year_credit(session, travailleur_id, annee)
    if credit is None:
        if row is not None:
            await account.clear_allocations(session, [row.id])
            await session.delete(row)
        return
    if row is None:
        session.add(
            models.Paiement(
                travailleur_id=travailleur_id,
                date_paiement=credit.date_recalcul,
                montant=credit.montant,
                mode=ModePaiement.CREDIT,
                reference=f"Crédit recalcul {annee}",
                annee_credit=annee,
            )
        )
    else:
        row.montant, row.date_paiement = credit.montant, credit.date_recalcul


def called_instalments(rows: Iterable[Echeance]) -> list[EcheanceAppelee]:
    """The stored instalments (not cancelled) as ``provisional_called`` reads them: a
    rejected debit moved ``montant_reporte`` from the rejected row (``report_vers_id``)
    into a later one."""
    actives = list(rows)
    entrant: dict[int, Decimal] = {}
    for r in actives:
        if r.report_vers_id is not None:
            entrant[r.report_vers_id] = entrant.get(r.report_vers_id, ZERO) + r.montant_reporte
    return [
        EcheanceAppelee(
            annee=r.annee,
            nature=r.nature,
            montant=r.montant,
            reporte_entrant=entrant.get(r.id, ZERO),
            reporte_sortant=r.montant_reporte if r.report_vers_id is not None else ZERO,
        )
        for r in actives
    ]


def credit_of_year(payments: Iterable[models.Paiement], annee: int) -> Decimal:
    """The credit of ``annee`` among the worker's payments (zero when none)."""
    return sum((p.montant for p in payments if p.annee_credit == annee), ZERO)


async def called_for_year(session: AsyncSession, travailleur_id: int, annee: int) -> Decimal:
    """Provisional contributions called for ``annee`` (``provisional_called``)."""
    instalments = await account.instalments(session, travailleur_id)
    credit = await account.year_credit(session, travailleur_id, annee)
    return provisional_called(
        annee, called_instalments(instalments), ZERO if credit is None else credit.montant
    )
