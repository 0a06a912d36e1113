"""Payment plans (délais de paiement): request, renegotiation, an agent's decision — SPEC §5.

A plan covers overdue instalments of the schedule; its amount is what they still owe
on the request date, split into monthly plan instalments. Payments keep being
allocated to the oldest unpaid instalments (§4), whatever they were meant for: the
plan collects what is paid on the instalments it covers (they are the oldest, unless
an older one was left out of the plan), and its instalments are met in order as that
amount grows (``domain.suivi_delais``). SOLDE and DENONCE follow from the payments and
the clock: reads derive them; a successful mutation of plans or attestations also
stores the state it observes (:func:`observe_plans`) with the day it was reached.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delais import StatutDelai, check_eligibility, plan_instalments, transition
from domain.errors import DomainError
from domain.nomenclatures import Regime, Role
from gateway.auth.principal import Scope
from gateway.auth.visibility import is_visible
from gateway.context import Context
from gateway.db import models
from gateway.db.repositories import account
from gateway.global_ids import decode_int_id
from gateway.services.accounts import lock_travailleur, travailleur_for_update
from gateway.services.outbox import queue_email
from gateway.services.situation import (
    PlansCompte,
    annees_non_declarees,
    instalment_of,
    observe_plans,
)
from gateway.services.unit_of_work import NotFound, Outcome, run_mutation

#: The domain names the account's situation; the API names the input it concerns.
CHAMPS = {
    "echeances": "echeanceIds",
    "revenus": "travailleurId",
    "delais": "travailleurId",
    "delai": "delaiId",
}
MOTIF_MAX = 2000


class Decision(StrEnum):
    """An agent's decision on a pending request."""

    ACCEPTER = "ACCEPTER"
    REFUSER = "REFUSER"


# --- mutations -----------------------------------------------------------------------


def _check_motif(motif: str | None, field: str = "motif") -> str:
    texte = (motif or "").strip()
    if not texte:
        raise DomainError("Indiquez le motif de la demande.", field=field, code="MOTIF_REQUIS")
    if len(texte) > MOTIF_MAX:
        raise DomainError(
            f"Le motif ne peut pas dépasser {MOTIF_MAX} caractères.",
            field=field,
            code="MOTIF_TROP_LONG",
        )
    return texte


def _refuse_micro(travailleur: models.Travailleur) -> None:
    if travailleur.regime is Regime.MICRO:
        raise DomainError(
            "Un délai de paiement porte sur des échéances de cotisations : les "
            "micro-entrepreneurs n'en ont pas, contactez votre caisse.",
            field="travailleurId",
            code="REGIME_MICRO",
        )


async def _visible_plan(
    session: AsyncSession, ctx: Context, delai_global_id: str
) -> models.DelaiPaiement:
    delai_id = decode_int_id(delai_global_id, "DelaiPaiement")
    row: models.DelaiPaiement | None = None
    if delai_id is not None:
        row = await session.scalar(
            select(models.DelaiPaiement).where(
                models.DelaiPaiement.id == delai_id,
                is_visible(models.DelaiPaiement.travailleur_id, ctx.principal),
            )
        )
    if row is None:
        raise NotFound("Aucun délai de paiement ne correspond à cet identifiant.", field="delaiId")
    return row


async def _create_plan(
    session: AsyncSession,
    travailleur: models.Travailleur,
    *,
    couvertes: list[models.Echeance],
    nombre_echeances: int,
    premiere_echeance: date,
    motif: str,
    etat: PlansCompte,
    today: date,
    remplace: models.DelaiPaiement | None = None,
) -> models.DelaiPaiement:
    revenus = await account.revenus(session, travailleur.id)
    try:
        eligibilite = check_eligibility(
            date_demande=today,
            echeances=[instalment_of(e) for e in couvertes],
            nombre_echeances=nombre_echeances,
            premiere_echeance=premiere_echeance,
            annees_non_declarees=annees_non_declarees(travailleur, revenus, today),
            plans=etat.existants(),
            plan_renegocie=None if remplace is None else remplace.id,
        )
    except DomainError as refusal:
        # The domain names the account's situation; the API names the input.
        refusal.field = CHAMPS.get(refusal.field or "", refusal.field)
        raise
    accepte = eligibilite.statut is StatutDelai.ACCEPTE
    plan = models.DelaiPaiement(
        travailleur_id=travailleur.id,
        statut=eligibilite.statut,
        date_demande=today,
        montant=eligibilite.montant,
        nombre_echeances=nombre_echeances,
        premiere_echeance=premiere_echeance,
        motif=motif,
        date_decision=today if accepte else None,
        remplace_id=None if remplace is None else remplace.id,
    )
    session.add(plan)
    await session.flush()
    for numero, e in enumerate(
        plan_instalments(eligibilite.montant, nombre_echeances, premiere_echeance), start=1
    ):
        session.add(
            models.EcheanceDelai(
                delai_id=plan.id,
                numero=numero,
                date_echeance=e.date_echeance,
                montant=e.montant,
                montant_paye=e.montant_paye,
            )
        )
    session.add_all(
        models.DelaiEcheanceCouverte(delai_id=plan.id, echeance_id=e.id) for e in couvertes
    )
    if accepte and remplace is not None:
        _replace(remplace, today)
    return plan


def _replace(ancien: models.DelaiPaiement, today: date) -> None:
    ancien.statut = transition(ancien.statut, StatutDelai.RENEGOCIE)
    ancien.date_cloture = today


def _couvertes(echeance_ids: list[str], rows: list[models.Echeance]) -> list[models.Echeance]:
    """The instalments named by global ID, each once, all of this worker (NOT_FOUND
    otherwise, like an unknown one)."""
    by_id = {r.id: r for r in rows}
    choisies: dict[int, models.Echeance] = {}
    for global_id in echeance_ids:
        ident = decode_int_id(global_id, "Echeance")
        if ident is None or ident not in by_id:
            raise NotFound(
                f"Aucune échéance ne correspond à l'identifiant « {global_id} ».",
                field="echeanceIds",
            )
        choisies[ident] = by_id[ident]
    return sorted(choisies.values(), key=lambda r: (r.date_echeance, r.id))


def _schedule_text(plan: models.DelaiPaiement) -> str:
    lignes = [
        f"  - {e.date_echeance.strftime('%d/%m/%Y')} : {e.montant} €"
        for e in plan_instalments(plan.montant, plan.nombre_echeances, plan.premiere_echeance)
    ]
    return "\n".join(lignes)


def _notify(
    session: AsyncSession,
    ctx: Context,
    travailleur: models.Travailleur,
    plan: models.DelaiPaiement,
) -> None:
    """Tell the worker where the plan stands (accepted with its schedule, pending, refused)."""
    montant = f"{plan.montant} €"
    if plan.statut is StatutDelai.ACCEPTE:
        sujet = "Votre délai de paiement est accordé"
        detail = (
            f"Votre délai de paiement de {montant} en {plan.nombre_echeances} mensualités est "
            f"accordé. Échéancier :\n{_schedule_text(plan)}\n\nTant que chaque mensualité est "
            "payée au plus tard 30 jours après sa date, aucune majoration de retard ne "
            "s'applique aux échéances couvertes. Une mensualité impayée 30 jours après sa date "
            "entraîne la dénonciation du délai : le solde devient exigible immédiatement et les "
            "majorations s'appliquent depuis les dates d'échéance d'origine."
        )
    elif plan.statut is StatutDelai.DEMANDE:
        sujet = "Votre demande de délai de paiement est à l'étude"
        detail = (
            f"Votre demande de délai de paiement de {montant} en {plan.nombre_echeances} "
            "mensualités dépasse 12 mensualités : un agent de la caisse va l'étudier. Vous "
            "recevrez sa décision par courriel."
        )
    else:
        sujet = "Votre demande de délai de paiement est refusée"
        detail = (
            f"Votre demande de délai de paiement de {montant} est refusée.\n"
            f"Motif : {plan.motif_decision}"
        )
    queue_email(
        session,
        ctx.clock,
        destinataire=travailleur.courriel,
        sujet=sujet,
        corps=f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n{detail}\n",
        travailleur_id=travailleur.id,
    )


def _reference(travailleur: models.Travailleur, plan: models.DelaiPaiement) -> Outcome:
    return Outcome(
        reference={"travailleur_id": travailleur.id, "delai_id": plan.id},
        travailleur_id=travailleur.id,
    )


def _require_requester(ctx: Context) -> None:
    """The worker or a mandated accountant asks (SPEC §5); OAuth clients need delais:write."""
    ctx.require_role(Role.TRAVAILLEUR, Role.EXPERT_COMPTABLE)
    ctx.require_scope(Scope.DELAIS_WRITE)


async def request_delai(
    ctx: Context,
    *,
    travailleur_id: str,
    echeance_ids: list[str],
    nombre_echeances: int,
    premiere_echeance: date,
    motif: str,
    idempotency_key: str | None,
) -> Outcome:
    _require_requester(ctx)
    principal = ctx.require_principal()
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        texte = _check_motif(motif)
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        _refuse_micro(travailleur)
        etat, _, rows = await observe_plans(session, travailleur.id, today)
        plan = await _create_plan(
            session,
            travailleur,
            couvertes=_couvertes(echeance_ids, rows),
            nombre_echeances=nombre_echeances,
            premiere_echeance=premiere_echeance,
            motif=texte,
            etat=etat,
            today=today,
        )
        _notify(session, ctx, travailleur, plan)
        return _reference(travailleur, plan)

    return await run_mutation(
        ctx,
        "requestDelaiPaiement",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"echeances={len(echeance_ids)} nombreEcheances={nombre_echeances}",
    )


async def renegotiate_delai(
    ctx: Context,
    *,
    delai_id: str,
    nombre_echeances: int,
    premiere_echeance: date,
    motif: str,
    idempotency_key: str | None,
) -> Outcome:
    """A new request over what the accepted plan still covers; the old plan becomes
    RENEGOCIE once the new one is accepted (at once up to 12 instalments)."""
    _require_requester(ctx)
    principal = ctx.require_principal()
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        texte = _check_motif(motif)
        ancien = await _visible_plan(session, ctx, delai_id)
        travailleur = await lock_travailleur(session, principal, ancien.travailleur_id)
        etat, _, rows = await observe_plans(session, travailleur.id, today)
        if etat.suivis[ancien.id].statut is not StatutDelai.ACCEPTE:
            raise DomainError(
                f"Seul un délai de paiement accepté et en cours peut être renégocié (ce délai "
                f"est au statut {etat.suivis[ancien.id].statut.value}).",
                field="delaiId",
                code="DELAI_NON_RENEGOCIABLE",
            )
        couvertes = etat.plans[ancien.id].couvertes
        restantes = [r for r in rows if r.id in couvertes and r.montant_paye < r.montant]
        plan = await _create_plan(
            session,
            travailleur,
            couvertes=restantes,
            nombre_echeances=nombre_echeances,
            premiere_echeance=premiere_echeance,
            motif=texte,
            etat=etat,
            today=today,
            remplace=ancien,
        )
        _notify(session, ctx, travailleur, plan)
        return _reference(travailleur, plan)

    return await run_mutation(
        ctx,
        "renegotiateDelaiPaiement",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"nombreEcheances={nombre_echeances}",
    )


async def decide_delai(
    ctx: Context,
    *,
    delai_id: str,
    decision: Decision,
    motif: str | None,
    idempotency_key: str | None,
) -> Outcome:
    """An agent of the worker's caisse accepts or refuses (with a reason) a pending
    request (13 to 24 instalments). Accepting a renegotiation replaces the old plan,
    which must still be accepted and respected."""
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        plan = await _visible_plan(session, ctx, delai_id)
        travailleur = await lock_travailleur(session, principal, plan.travailleur_id)
        etat, rows, _ = await observe_plans(session, travailleur.id, today)
        if plan.statut is not StatutDelai.DEMANDE:
            raise DomainError(
                f"Seule une demande en attente peut être décidée : ce délai est au statut "
                f"{etat.suivis[plan.id].statut.value}.",
                field="delaiId",
                code="DELAI_DEJA_DECIDE",
            )
        if decision is Decision.REFUSER:
            plan.motif_decision = _check_motif(motif)
            plan.statut = transition(plan.statut, StatutDelai.REFUSE)
        else:
            ancien = next((r for r in rows if r.id == plan.remplace_id), None)
            if ancien is not None:
                if etat.suivis[ancien.id].statut is not StatutDelai.ACCEPTE:
                    raise DomainError(
                        "Le délai que cette demande renégocie n'est plus en cours (statut "
                        f"{etat.suivis[ancien.id].statut.value}) : refusez la demande.",
                        field="delaiId",
                        code="DELAI_NON_RENEGOCIABLE",
                    )
                _replace(ancien, today)
            plan.motif_decision = (motif or "").strip() or None
            plan.statut = transition(plan.statut, StatutDelai.ACCEPTE)
        plan.date_decision = today
        _notify(session, ctx, travailleur, plan)
        return _reference(travailleur, plan)

    return await run_mutation(
        ctx,
        "decideDelaiPaiement",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"decision={decision.value}",
    )
