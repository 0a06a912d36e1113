"""A caisse agent records the radiation of a worker (recordRadiation, SPEC §4).

The rule is ``domain.radiation.radiate`` (the demo seed applies the same one): the
provisional instalments due after the radiation date are cancelled, the worker becomes
RADIE with that end of activity, and is told by e-mail. Amounts carried into a
cancelled instalment from a rejected direct debit go back to the instalment they came
from: that debt is earlier than the radiation and stays due.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.delais import StatutDelai
from domain.money import ZERO
from domain.nomenclatures import Regime, Role, Situation
from domain.radiation import radiate
from gateway.context import Context
from gateway.db.models import Echeance, Travailleur
from gateway.db.repositories import account
from gateway.services.accounts import travailleur_for_update
from gateway.services.ledger import reallocate_payments
from gateway.services.outbox import queue_email
from gateway.services.situation import instalment_of, observe_plans
from gateway.services.unit_of_work import Outcome, run_mutation

#: Plans whose covered instalments are still owed through the plan.
EN_COURS = (StatutDelai.DEMANDE, StatutDelai.ACCEPTE)


async def record_radiation(
    ctx: Context, *, travailleur_id: str, date_radiation: date, idempotency_key: str | None
) -> Outcome:
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        etat, _, echeances = await observe_plans(session, travailleur.id, today)
        couvertes = {
            ident
            for plan_id, plan in etat.plans.items()
            if etat.suivis[plan_id].statut in EN_COURS
            for ident in plan.couvertes
        }
        annulees = set(
            radiate(
                date_radiation,
                date_debut=travailleur.date_debut_activite,
                today=today,
                situation=travailleur.situation,
                echeances=[instalment_of(e) for e in echeances],
                couvertes_par_plan=couvertes,
            )
        )
        _cancel(echeances, annulees)
        travailleur.situation = Situation.RADIE
        travailleur.date_fin_activite = date_radiation
        # The direct debit ends with the activity: what stays due is paid quarterly.
        for mandate in await account.active_bank_details(session, travailleur.id):
            mandate.actif, mandate.date_fin = False, date_radiation
        await reallocate_payments(session, travailleur.id)
        _notify(session, ctx, travailleur, date_radiation, len(annulees))
        return Outcome(
            reference={
                "travailleur_id": travailleur.id,
                "date_radiation": date_radiation.isoformat(),
                "echeances_annulees": sorted(annulees),
            },
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx,
        "recordRadiation",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"date_radiation={date_radiation.isoformat()}",
    )


def _cancel(echeances: list[Echeance], annulees: set[int]) -> None:
    by_id = {e.id: e for e in echeances}
    for row in echeances:
        if row.report_vers_id in annulees and row.montant_reporte > ZERO:
            # The rejected amount was only collected with the cancelled debit: it is
            # overdue again from its own due date.
            row.montant += row.montant_reporte
            by_id[row.report_vers_id].montant -= row.montant_reporte
            row.montant_reporte, row.report_vers_id = ZERO, None
    for ident in annulees:
        by_id[ident].annulee = True


def _notify(
    session: AsyncSession,
    ctx: Context,
    travailleur: Travailleur,
    date_radiation: date,
    annulees: int,
) -> None:
    if annulees == 1:
        suite = "L'échéance provisionnelle prévue après cette date est annulée. "
    elif annulees:
        suite = f"Les {annulees} échéances provisionnelles prévues après cette date sont annulées. "
    else:
        suite = ""
    declaration = (
        "Déclarez votre chiffre d'affaires des périodes jusqu'à cette date, et d'aucune après."
        if travailleur.regime is Regime.MICRO
        else "Déclarez votre revenu de la dernière année d'activité : vos cotisations "
        "définitives seront régularisées sur ce revenu."
    )
    queue_email(
        session,
        ctx.clock,
        destinataire=travailleur.courriel,
        sujet="Radiation de votre activité enregistrée",
        corps=(
            f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
            f"La caisse a enregistré la radiation de votre activité au "
            f"{date_radiation:%d/%m/%Y}. {suite}Les sommes dues pour la période antérieure "
            "restent à régler. "
            f"{declaration}\n\n"
            "Votre espace reste accessible : paiements, attestations et relevé de carrière.\n"
        ),
        travailleur_id=travailleur.id,
    )
