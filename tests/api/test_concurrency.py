"""Two concurrent mutations on one worker must not lose an update (row lock)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from domain import cotisations as engine
from domain.compte import Paiement, paid_by_instalment
from domain.cotisations import NatureActivite
from domain.echeancier import Instalment, Periodicite, recompute_schedule
from domain.nomenclatures import ModePaiement
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
ESTIMATE = """mutation($i: EstimateRevenueInput!) { estimateRevenue(input: $i) { totalCotisations userErrors { code } } }"""


async def test_concurrent_estimates_on_one_worker_leave_the_schedule_and_credit_of_the_last(
    db: Database,
) -> None:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session, caisse_id=caisse.id, today=TODAY, revenus_declares={2025: Decimal("43000")}
            )
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        # Lowering and raising estimates, 20 at once: each lowering below the fixed
        # instalments leaves a credit of the year, which the next one must replace.
        amounts = [str(m) for m in (0, 60000, 20000, 0, 80000, 5000, 0, 35000, 1000, 90000) * 2]
        async with api.session() as session:
            initial = (
                await session.scalars(
                    select(models.Echeance)
                    .where(models.Echeance.travailleur_id == worker.id)
                    .order_by(models.Echeance.date_echeance, models.Echeance.id)
                )
            ).all()
            paid = (
                await session.scalars(
                    select(models.Paiement).where(models.Paiement.travailleur_id == worker.id)
                )
            ).all()
            schedule = [Instalment(e.id, e.date_echeance, e.montant) for e in initial]
            received = [Paiement(p.id, p.date_paiement, p.montant) for p in paid]
        results = await asyncio.gather(
            *(
                api.data(
                    ESTIMATE,
                    {
                        "i": {
                            "travailleurId": encode_global_id("Travailleur", worker.id),
                            "annee": 2026,
                            "montant": m,
                            "courriel": "a@b.fr",
                            "jaiEteInforme": True,
                        }
                    },
                    token,
                )
                for m in amounts
            )
        )
        assert all(r["estimateRevenue"]["userErrors"] == [] for r in results)
        async with api.session() as session:
            estimate = await session.scalar(
                select(models.Revenu.montant).where(
                    models.Revenu.travailleur_id == worker.id, models.Revenu.annee == 2026
                )
            )
            instalments = (
                await session.scalars(
                    select(models.Echeance)
                    .where(
                        models.Echeance.travailleur_id == worker.id,
                        models.Echeance.annulee.is_(False),
                    )
                    .order_by(models.Echeance.date_echeance, models.Echeance.id)
                )
            ).all()
            credits = (
                await session.scalars(
                    select(models.Paiement).where(
                        models.Paiement.travailleur_id == worker.id,
                        models.Paiement.mode == ModePaiement.CREDIT,
                    )
                )
            ).all()
            lines = (
                await session.scalars(
                    select(models.Cotisation).where(
                        models.Cotisation.travailleur_id == worker.id,
                        models.Cotisation.annee == 2026,
                    )
                )
            ).all()
            avis = (await session.scalars(select(models.AvisAppel))).all()
        # Whatever the order, the account is what one estimate of the last-committed
        # amount would have made of the initial one: the same schedule, one credit.
        expected = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, estimate).total
        change = recompute_schedule(2026, schedule, expected, Periodicite.MENSUEL_5, TODAY)
        amounts_by_id = {e.id: e.montant for e in schedule} | change.update
        expected_schedule = [
            Instalment(e.id, e.date_echeance, amounts_by_id[e.id])
            for e in schedule
            if e.id not in change.cancel
        ]
        assert not change.create
        credit = [Paiement(0, TODAY, change.credit)] if change.credit > 0 else []
        expected_paid = paid_by_instalment(expected_schedule, received + credit, date.max)
        assert [(i.date_echeance, i.montant, i.montant_paye) for i in instalments] == [
            (e.date_echeance, e.montant, expected_paid[e.id]) for e in expected_schedule
        ]
        assert [(c.date_paiement, c.montant, c.annee_credit) for c in credits] == [
            (TODAY, change.credit, 2026) for _ in credit
        ]
        assert sum(r.montant for r in lines) == expected
        assert len(avis) == len(amounts)
