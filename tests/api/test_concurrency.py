"""Two concurrent mutations on one worker must not lose an update (row lock)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
ESTIMATE = """mutation($i: EstimateRevenueInput!) { estimateRevenue(input: $i) { totalCotisations userErrors { code } } }"""


async def test_concurrent_estimates_on_one_worker_leave_a_consistent_schedule(db: Database) -> None:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session, caisse_id=caisse.id, today=TODAY, revenus_declares={2025: Decimal("43000")}
            )
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        amounts = ["20000", "60000", "35000", "80000"]
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
                    select(models.Echeance).where(
                        models.Echeance.travailleur_id == worker.id,
                        models.Echeance.annulee.is_(False),
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
        # Whatever the order, the last writer's estimate is the one everything agrees with.
        expected = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, estimate).total
        assert sum(r.montant for r in lines) == expected
        assert sum(i.montant for i in instalments) == expected
        assert len(avis) == 4
        assert len(instalments) == 12
