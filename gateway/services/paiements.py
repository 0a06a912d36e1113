"""Caisse agents record payments and rejected direct debits (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compte import (
    PeriodeMandat,
    Rejet,
    after_rejected_debit,
    check_rejected_debit_allowed,
)
from domain.echeancier import Instalment
from domain.errors import DomainError
from domain.money import ZERO, check_amount
from domain.nomenclatures import ModePaiement, Role
from gateway.context import Context
from gateway.db.models import Paiement
from gateway.db.repositories import account
from gateway.services.accounts import echeance_for_update, lock_travailleur, travailleur_for_update
from gateway.services.ledger import reallocate_payments
from gateway.services.prelevement import apply_periodicity
from gateway.services.unit_of_work import Outcome, run_mutation


async def record_paiement(
    ctx: Context,
    *,
    travailleur_id: str,
    montant: Decimal,
    date_paiement: date,
    mode: ModePaiement,
    reference: str,
    idempotency_key: str | None,
) -> Outcome:
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        check_amount(montant, "montant")
        if montant == ZERO:
            raise DomainError(
                "Le montant d'un paiement doit être positif.", field="montant", code="MONTANT_NUL"
            )
        if date_paiement > today:
            raise DomainError(
                "Un paiement ne peut pas être daté du futur.",
                field="datePaiement",
                code="DATE_FUTURE",
            )
        if mode is ModePaiement.CREDIT:
            raise DomainError(
                "CREDIT est réservé aux crédits calculés par la caisse.",
                field="mode",
                code="MODE_INVALIDE",
            )
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        if date_paiement < travailleur.date_debut_activite:
            # Contributions are due from the start of activity: an earlier payment
            # can only be a typing error, and would be allocated to nothing real.
            raise DomainError(
                "Un paiement ne peut pas précéder le début d'activité "
                f"({travailleur.date_debut_activite:%d/%m/%Y}).",
                field="datePaiement",
                code="DATE_ANTERIEURE_ACTIVITE",
            )
        payment = Paiement(
            travailleur_id=travailleur.id,
            date_paiement=date_paiement,
            montant=montant,
            mode=mode,
            reference=reference.strip() or f"{mode.value}-{today:%Y%m%d}",
        )
        session.add(payment)
        await session.flush()
        await reallocate_payments(session, travailleur.id)
        return Outcome(
            reference={"travailleur_id": travailleur.id, "paiement_id": payment.id},
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx,
        "recordPaiement",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"montant={montant}",
    )


async def record_prelevement_rejete(
    ctx: Context, *, echeance_id: str, idempotency_key: str | None
) -> Outcome:
    """The debit of an instalment was rejected by the bank.

    First rejection: its unpaid amount is carried to the next instalment (collected
    with that debit, no majorations yet). Second in a row: the carry is undone so each
    amount is overdue from its own due date (majorations apply), and the periodicity
    becomes TRIMESTRIEL — forced, not counted toward the yearly limit.
    """
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        found = await echeance_for_update(session, principal, echeance_id)
        travailleur = await lock_travailleur(session, principal, found.travailleur_id)
        check_rejected_debit_allowed(
            Instalment(found.id, found.date_echeance, found.montant, found.montant_paye),
            today,
            [
                PeriodeMandat(debut, fin)
                for debut, fin in await account.mandate_periods(session, travailleur.id)
            ],
            annulee=found.annulee,
            montant_reporte=found.montant_reporte,
        )
        rows = await account.instalments(session, travailleur.id)
        target = next(r for r in rows if r.id == found.id)
        carried_in = [r for r in rows if r.report_vers_id == target.id]
        streak = [Rejet(r.id, r.date_echeance, r.montant_reporte) for r in carried_in]
        own = target.montant - sum((r.montant_reporte for r in carried_in), ZERO)
        streak.append(Rejet(target.id, target.date_echeance, own - target.montant_paye))
        target.rejets += 1
        suite = after_rejected_debit(
            streak,
            [Instalment(r.id, r.date_echeance, r.montant, r.montant_paye, r.nature) for r in rows],
        )
        if suite.passage_trimestriel:
            for previous in carried_in:
                previous.montant += previous.montant_reporte
                target.montant -= previous.montant_reporte
                previous.montant_reporte, previous.report_vers_id = ZERO, None
            await apply_periodicity(session, travailleur, None, today)
        elif suite.report_sur is not None:
            next_row = next(r for r in rows if r.id == suite.report_sur)
            target.montant -= suite.montant_reporte
            next_row.montant += suite.montant_reporte
            target.montant_reporte, target.report_vers_id = suite.montant_reporte, next_row.id
        await reallocate_payments(session, travailleur.id)
        return Outcome(
            reference={
                "travailleur_id": travailleur.id,
                "reporte_sur": suite.report_sur,
                "passage_trimestriel": suite.passage_trimestriel,
            },
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx, "recordPrelevementRejete", action, idempotency_key=idempotency_key
    )
