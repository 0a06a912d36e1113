"""A micro-entrepreneur declares the turnover of a period (declareChiffreAffaires, SPEC §7).

Contributions are the engine's (``domain.micro``): rate in force on the first day of
the period × turnover per activity, rounded to the euro, plus the CFP to the cent.
One row per activity is stored, due at the end of the month after the period; the
account summary then counts them as what is due (``resolvers/account_reads._dues``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.micro import (
    ActiviteMicro,
    Periode,
    compute_cotisations_micro,
    montants_declares,
    repartir_cfp,
    verifier_periode_declarable,
)
from domain.nomenclatures import Regime, Role
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db.models import DeclarationMicro
from gateway.db.repositories.micro import periodes_declarees
from gateway.services.accounts import travailleur_for_update
from gateway.services.unit_of_work import Outcome, run_mutation


async def declare_chiffre_affaires(
    ctx: Context,
    *,
    travailleur_id: str,
    periode: str,
    montants: Sequence[tuple[ActiviteMicro, Decimal]],
    idempotency_key: str | None,
) -> Outcome:
    """The worker or a mandated accountant (OAuth scope ``revenus:write``) declares;
    caisse agents record payments, they do not declare for the worker (SPEC §10)."""
    ctx.require_role(Role.TRAVAILLEUR, Role.EXPERT_COMPTABLE)
    principal = ctx.require_scope(Scope.REVENUS_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        declaree = Periode.parse(periode)
        lignes = montants_declares(montants)
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        if travailleur.regime is not Regime.MICRO:
            raise DomainError(
                "Seuls les micro-entrepreneurs déclarent un chiffre d'affaires : déclarez "
                "votre revenu professionnel annuel (declareRevenu).",
                field="travailleurId",
                code="REGIME_CLASSIQUE",
            )
        verifier_periode_declarable(
            declaree,
            today=today,
            periodicite=travailleur.periodicite_declaration,
            debut_activite=travailleur.date_debut_activite,
            fin_activite=travailleur.date_fin_activite,
            deja_declarees=[
                Periode.parse(p) for p in await periodes_declarees(session, travailleur.id)
            ],
        )
        resultat = compute_cotisations_micro(declaree, travailleur.statut.nature, lignes)
        session.add_all(
            DeclarationMicro(
                travailleur_id=travailleur.id,
                periode=str(declaree),
                activite=ligne.activite,
                chiffre_affaires=ligne.chiffre_affaires,
                taux=ligne.taux,
                cotisations=ligne.cotisations,
                formation_professionnelle=cfp,
                date_declaration=today,
                date_exigibilite=resultat.echeance,
            )
            for ligne, cfp in zip(resultat.lignes, repartir_cfp(resultat), strict=True)
        )
        return Outcome(
            reference={
                "travailleur_id": travailleur.id,
                "periode": str(declaree),
                "total": str(resultat.total),
            },
            travailleur_id=travailleur.id,
        )

    detail = ", ".join(f"{activite}={montant}" for activite, montant in montants)
    return await run_mutation(
        ctx,
        "declareChiffreAffaires",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"periode={periode} {detail}",
    )
