"""Income estimate (estimateRevenue) and declaration (declareRevenu), SPEC §4."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import cotisations as engine
from domain.base_provisionnelle import is_taxation_d_office
from domain.calendrier_declarations import check_annee_declarable
from domain.echeancier import (
    DELAI_RECALCUL_JOURS,
    spread_regularisation,
)
from domain.errors import DomainError
from domain.identifiants import check_courriel
from domain.money import ZERO, check_amount
from domain.nomenclatures import NatureCotisation, NatureRevenu, Regime, Situation
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db.cotisation_detail import ligne_detail
from gateway.db.models import AvisAppel, Echeance, Revenu, Travailleur
from gateway.db.repositories import account
from gateway.services.accounts import schedule_periodicite, travailleur_for_update
from gateway.services.contributions import cotisation_rows
from gateway.services.ledger import (
    add_credit,
    add_instalments,
    called_for_year,
    reallocate_payments,
)
from gateway.services.outbox import queue_email
from gateway.services.provisional import cotisations_of, recompute_provisional, schedule_of_year
from gateway.services.unit_of_work import Outcome, run_mutation

AVERTISSEMENT = (
    "Attention : si vous sous-estimez votre revenu, la différence entre vos cotisations "
    "définitives et provisionnelles vous sera réclamée lors de la régularisation."
)


def _refuse_unless_classique_active(
    travailleur: Travailleur, today: date, declared: set[int]
) -> None:
    if travailleur.regime is Regime.MICRO:
        raise DomainError(
            "Les micro-entrepreneurs déclarent leur chiffre d'affaires : l'estimation de revenu "
            "ne les concerne pas.",
            field="travailleurId",
            code="REGIME_MICRO",
        )
    if travailleur.situation is Situation.RADIE:
        raise DomainError(
            "Activité radiée : l'estimation de revenu n'est plus possible.",
            field="travailleurId",
            code="TRAVAILLEUR_RADIE",
        )
    if is_taxation_d_office(today.year, declared, travailleur.date_debut_activite):
        raise DomainError(
            "Vos cotisations sont taxées d'office faute de déclaration de revenus : déclarez "
            "d'abord vos revenus passés.",
            field="travailleurId",
            code="TAXATION_OFFICE",
        )


def schedule_snapshot(rows: list[Echeance]) -> list[dict[str, Any]]:
    return [
        {
            "date": r.date_echeance.isoformat(),
            "montant": str(r.montant),
            "montant_paye": str(r.montant_paye),
            "nature": r.nature.value,
        }
        for r in sorted(rows, key=lambda r: (r.date_echeance, r.id))
    ]


def lines_snapshot(resultat: engine.ResultatCotisations) -> list[dict[str, Any]]:
    return [
        {
            "code": ligne.code.value,
            "montant": str(ligne.montant),
            "assiette": str(ligne.assiette),
            "detail": ligne_detail(ligne),
        }
        for ligne in resultat.lignes
    ]


async def estimate_revenue(
    ctx: Context,
    *,
    travailleur_id: str,
    annee: int,
    montant: Decimal,
    courriel: str,
    jai_ete_informe: bool,
    previsualisation: bool,
    idempotency_key: str | None,
) -> Outcome:
    principal = ctx.require_scope(Scope.REVENUS_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        if not jai_ete_informe:
            raise DomainError(
                "Cochez « J'ai été informé(e) » : une sous-estimation sera régularisée.",
                field="jaiEteInforme",
                code="INFORMATION_NON_CONFIRMEE",
            )
        adresse = check_courriel(courriel)
        check_amount(montant, "montant")
        if annee != today.year:
            raise DomainError(
                f"L'estimation porte sur l'année en cours ({today.year}), pas sur {annee}.",
                field="annee",
                code="ANNEE_NON_COURANTE",
            )
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        revenus = await account.revenus(session, travailleur.id)
        declared = {r.annee for r in revenus if r.nature is NatureRevenu.DECLARE}
        _refuse_unless_classique_active(travailleur, today, declared)
        estimate = next(
            (r for r in revenus if r.nature is NatureRevenu.ESTIME and r.annee == annee), None
        )
        if estimate is None:
            session.add(
                Revenu(
                    travailleur_id=travailleur.id,
                    annee=annee,
                    nature=NatureRevenu.ESTIME,
                    montant=montant,
                    date_saisie=today,
                )
            )
        else:
            estimate.montant, estimate.date_saisie = montant, today
        await session.flush()
        recalcul = await recompute_provisional(
            session, travailleur, annee, today, DELAI_RECALCUL_JOURS
        )
        echeancier = schedule_snapshot(await schedule_of_year(session, travailleur.id, annee))
        reference: dict[str, Any] = {
            "travailleur_id": travailleur.id,
            "annee": annee,
            "lignes": lines_snapshot(recalcul.resultat),
            "total": str(recalcul.resultat.total),
            "base": recalcul.base.explication,
            "echeancier": echeancier,
            "credit": str(recalcul.credit),
        }
        if not previsualisation:
            avis = AvisAppel(
                travailleur_id=travailleur.id,
                annee=annee,
                date_emission=today,
                revenu_estime=montant,
                contenu={**reference, "avertissement": AVERTISSEMENT},
            )
            session.add(avis)
            await session.flush()
            reference["avis_id"] = avis.id
            queue_email(
                session,
                ctx.clock,
                destinataire=adresse,
                sujet=f"Estimation de votre revenu {annee} enregistrée",
                corps=(
                    f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                    f"Nous avons bien reçu l'estimation de votre revenu {annee} : {montant} €.\n"
                    f"Vos cotisations provisionnelles {annee} sont recalculées : "
                    f"{recalcul.resultat.total} €. Votre avis d'appel rectificatif et votre nouvel "
                    "échéancier sont disponibles dans votre espace.\n\n"
                    f"{AVERTISSEMENT}\n"
                ),
                travailleur_id=travailleur.id,
            )
        return Outcome(reference=reference, travailleur_id=travailleur.id)

    return await run_mutation(
        ctx,
        "estimateRevenue",
        action,
        idempotency_key=idempotency_key,
        dry_run=previsualisation,
        audit_detail=f"annee={annee} montant={montant}",
    )


async def declare_revenu(
    ctx: Context, *, travailleur_id: str, annee: int, montant: Decimal, idempotency_key: str | None
) -> Outcome:
    principal = ctx.require_scope(Scope.REVENUS_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        check_amount(montant, "montant", negative_allowed=True)
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        if travailleur.regime is Regime.MICRO:
            raise DomainError(
                "Les micro-entrepreneurs déclarent leur chiffre d'affaires, pas un revenu annuel.",
                field="travailleurId",
                code="REGIME_MICRO",
            )
        revenus = await account.revenus(session, travailleur.id)
        # N-1 during N, or any earlier covered year late (no penalty): SPEC §4.
        check_annee_declarable(
            annee,
            today,
            travailleur.date_debut_activite,
            travailleur.date_fin_activite,
            {r.annee for r in revenus if r.nature is NatureRevenu.DECLARE},
        )
        session.add(
            Revenu(
                travailleur_id=travailleur.id,
                annee=annee,
                nature=NatureRevenu.DECLARE,
                montant=montant,
                date_saisie=today,
            )
        )
        regularisation = await _regularise(session, travailleur, annee, montant, today)
        current = today.year
        estimate = await account.revenu(session, travailleur.id, current, NatureRevenu.ESTIME)
        if estimate is None and travailleur.situation is not Situation.RADIE:
            await session.flush()
            await recompute_provisional(session, travailleur, current, today, DELAI_RECALCUL_JOURS)
        await reallocate_payments(session, travailleur.id)
        return Outcome(
            reference={
                "travailleur_id": travailleur.id,
                "annee": annee,
                "regularisation": str(regularisation),
            },
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx,
        "declareRevenu",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"annee={annee} montant={montant}",
    )


async def _regularise(
    session: AsyncSession, travailleur: Travailleur, annee: int, montant: Decimal, today: date
) -> Decimal:
    """Definitive contributions of ``annee`` and the régularisation against what was called."""
    definitive = cotisations_of(travailleur, annee, montant)
    await account.delete_cotisations(session, travailleur.id, annee, NatureCotisation.DEFINITIVE)
    session.add_all(
        cotisation_rows(
            travailleur_id=travailleur.id,
            nature=NatureCotisation.DEFINITIVE,
            resultat=definitive,
            base_calcul=f"Revenu {annee} déclaré : {montant} €.",
            date_calcul=today,
        )
    )
    regularisation = definitive.total - await called_for_year(session, travailleur.id, annee)
    if regularisation > ZERO:
        periodicite = await schedule_periodicite(session, travailleur)
        add_instalments(
            session,
            travailleur.id,
            annee,
            spread_regularisation(regularisation, periodicite, today),
        )
    else:
        add_credit(session, travailleur.id, -regularisation, today, f"Régularisation {annee}")
    return regularisation
