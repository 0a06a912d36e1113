"""Realistic accounts for the lifecycle tests, built with the domain rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain import cotisations as engine
from domain.echeancier import Periodicite, initial_schedule
from domain.nomenclatures import ModePaiement, NatureCotisation, StatutProfessionnel
from gateway.db import models
from gateway.services.contributions import cotisation_rows
from gateway.services.ledger import reallocate_payments
from tests import builders


async def classique_account(
    session: AsyncSession,
    *,
    caisse_id: int,
    today: date,
    revenus_declares: dict[int, Decimal],
    periodicite: Periodicite = Periodicite.MENSUEL_5,
    statut: StatutProfessionnel = StatutProfessionnel.ARTISAN,
    paid_until: date | None = None,
    with_debit: bool = True,
    nom: str = "Martin",
) -> models.Travailleur:
    """A worker active since 2015 whose current-year provisional contributions are called
    on the last declared income, with instalments paid up to ``paid_until`` (default:
    every instalment due before today)."""
    worker = await builders.travailleur(
        session, caisse_id=caisse_id, statut=statut, periodicite=periodicite, nom=nom
    )
    for annee, montant in revenus_declares.items():
        await builders.revenu(session, travailleur_id=worker.id, annee=annee, montant=montant)
    year = today.year
    basis = revenus_declares[max(revenus_declares)]
    resultat = engine.compute_cotisations(year, statut.nature, basis)
    session.add_all(
        cotisation_rows(
            travailleur_id=worker.id,
            nature=NatureCotisation.PROVISIONNELLE,
            resultat=resultat,
            base_calcul=f"Revenu {max(revenus_declares)} déclaré",
            date_calcul=date(year, 1, 1),
        )
    )
    add_schedule(
        session, worker.id, year, resultat.total, periodicite, paid_before=paid_until or today
    )
    if with_debit:
        session.add(
            models.CoordonneesBancaires(
                travailleur_id=worker.id,
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                titulaire=worker.nom,
                reference_mandat_sepa=f"RUM-T-{worker.id:06d}",
                date_signature=date(2015, 3, 1),
                actif=True,
            )
        )
    await session.flush()
    # Allocation rows exactly as the product writes them.
    await reallocate_payments(session, worker.id)
    await session.flush()
    return worker


def add_schedule(
    session: AsyncSession,
    travailleur_id: int,
    annee: int,
    total: Decimal,
    periodicite: Periodicite,
    *,
    paid_before: date,
) -> None:
    """The provisional schedule of ``annee`` on ``total``; each instalment due before
    ``paid_before`` paid by direct debit on its day (allocations: ``reallocate_payments``)."""
    for plan in initial_schedule(annee, periodicite, total, None):
        paid = plan.date_echeance < paid_before
        session.add(
            models.Echeance(
                travailleur_id=travailleur_id,
                annee=annee,
                nature=plan.nature,
                date_echeance=plan.date_echeance,
                montant=plan.montant,
                montant_paye=plan.montant if paid else Decimal(0),
                annulee=False,
                rejets=0,
                montant_reporte=Decimal(0),
            )
        )
        if paid:
            session.add(
                models.Paiement(
                    travailleur_id=travailleur_id,
                    date_paiement=plan.date_echeance,
                    montant=plan.montant,
                    mode=ModePaiement.PRELEVEMENT,
                    reference=f"PRLV-{plan.date_echeance:%Y%m}",
                )
            )
