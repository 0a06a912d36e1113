"""Provisional contributions of a year: computed on the right basis, schedule rebuilt.

Shared by the income estimate, the declaration and the periodicity change: the
basis comes from ``domain.base_provisionnelle`` (SPEC §4 order), the amounts from
the engine (SPEC §3), the new schedule from ``domain.echeancier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain import cotisations as engine
from domain.appel_provisionnel import credit_after_recompute
from domain.baremes import bareme
from domain.base_provisionnelle import BaseProvisionnelle, NatureBase, provisional_basis
from domain.echeancier import Instalment, NatureEcheance, recompute_schedule
from domain.nomenclatures import NatureCotisation, NatureRevenu
from gateway.db.models import Echeance, Travailleur
from gateway.db.repositories import account
from gateway.services.accounts import schedule_periodicite
from gateway.services.contributions import cotisation_rows
from gateway.services.ledger import apply_schedule_change, reallocate_payments, set_year_credit


@dataclass(frozen=True, slots=True)
class Recalcul:
    """What a recomputation produced: the basis, the new lines, the year's credit."""

    base: BaseProvisionnelle
    resultat: engine.ResultatCotisations
    credit: Decimal


async def basis_for(
    session: AsyncSession, travailleur: Travailleur, annee: int, jour: date
) -> BaseProvisionnelle:
    revenus = await account.revenus(session, travailleur.id)
    declared = {r.annee: r.montant for r in revenus if r.nature is NatureRevenu.DECLARE}
    estimate = next(
        (r.montant for r in revenus if r.nature is NatureRevenu.ESTIME and r.annee == annee), None
    )
    return provisional_basis(
        annee,
        declared,
        estimate,
        travailleur.date_debut_activite,
        bareme(annee).plafond_securite_sociale,
        jour=jour,
    )


def compute_on(travailleur: Travailleur, base: BaseProvisionnelle) -> engine.ResultatCotisations:
    nature = travailleur.statut.nature
    if base.nature is NatureBase.FORFAIT_DEBUT_ACTIVITE or base.revenu is None:
        return engine.compute_forfait_debut_activite(
            base.annee, nature, travailleur.date_debut_activite
        )
    return cotisations_of(travailleur, base.annee, base.revenu)


def cotisations_of(
    travailleur: Travailleur, annee: int, revenu: Decimal
) -> engine.ResultatCotisations:
    """The year's contributions on ``revenu``; the creation date matters (prorata, 90-day
    rule) only in the creation year itself (SPEC §3)."""
    creation = travailleur.date_debut_activite
    return engine.compute_cotisations(
        annee, travailleur.statut.nature, revenu, creation if creation.year == annee else None
    )


async def recompute_provisional(
    session: AsyncSession,
    travailleur: Travailleur,
    annee: int,
    date_demande: date,
    delai_jours: int,
) -> Recalcul:
    """Replace the year's provisional lines and rebuild its schedule (open instalments only)."""
    base = await basis_for(session, travailleur, annee, date_demande)
    resultat = compute_on(travailleur, base)
    await account.delete_cotisations(
        session, travailleur.id, annee, NatureCotisation.PROVISIONNELLE
    )
    session.add_all(
        cotisation_rows(
            travailleur_id=travailleur.id,
            nature=NatureCotisation.PROVISIONNELLE,
            resultat=resultat,
            base_calcul=base.explication,
            date_calcul=date_demande,
        )
    )
    rows = [
        r
        for r in await account.instalments(session, travailleur.id)
        if r.annee == annee and r.nature is NatureEcheance.PROVISIONNELLE
    ]
    change = recompute_schedule(
        annee,
        [Instalment(r.id, r.date_echeance, r.montant, r.montant_paye, r.nature) for r in rows],
        resultat.total,
        await schedule_periodicite(session, travailleur),
        date_demande,
        delai_jours,
        date_creation=travailleur.date_debut_activite,
    )
    apply_schedule_change(session, travailleur.id, annee, rows, change)
    await set_year_credit(
        session, travailleur.id, annee, credit_after_recompute(annee, change, date_demande)
    )
    await reallocate_payments(session, travailleur.id)
    return Recalcul(base, resultat, change.credit)


async def schedule_of_year(
    session: AsyncSession, travailleur_id: int, annee: int
) -> list[Echeance]:
    return [r for r in await account.instalments(session, travailleur_id) if r.annee == annee]
