"""Each stored contribution line is written with its explanation, and that kept text is
what the engine says of the line as stored, whatever sequence of computations wrote it
(services and seeds, on both databases)."""

from __future__ import annotations

import random

from sqlalchemy import select

from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.seed.synthetic import seed_synthetic_command
from gateway.services.contributions import ligne_from_row
from tests.api.client import api_for
from tests.api.test_lifecycle_revenus import (
    ESTIMATE,
    estimate_input,
    setting,  # noqa: F401  (fixture)
)
from tests.conftest import Database
from tests.conftest import test_settings as settings_for

LINES = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  cotisations { annee provisionnelles { code explication } definitives { code explication } }
} } }"""


LINE = """fragment Line on LigneCotisation {
  code libelle montant assiette taux deduction explication
  tranches { de a taux base montant } plancher { type montant } plafond { type montant }
  explicationDetaillee { nature texte montant taux }
}"""
STORED = (
    """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  cotisations(annee: 2026) { provisionnelles { ...Line } } } } }"""
    + LINE
)
SIMULATED = (
    """query($r: Decimal!) { simulateCotisations(input:
  {annee: 2026, nature: ARTISANALE, revenuProfessionnel: $r}) { lignes { ...Line } } }"""
    + LINE
)


async def _kept_and_recomputed(api, travailleur_id: int | None = None) -> tuple[list, list]:
    """Every stored line's kept explanation, and the engine's from its stored values."""
    async with api.session() as session:
        query = select(models.Cotisation).order_by(models.Cotisation.id)
        if travailleur_id is not None:
            query = query.where(models.Cotisation.travailleur_id == travailleur_id)
        rows = (await session.scalars(query)).all()
        return [r.explication for r in rows], [ligne_from_row(r).explication for r in rows]


async def test_estimates_in_any_order_keep_each_lines_explanation(setting) -> None:  # noqa: F811
    api, worker, token, _caisse = setting
    rng = random.Random(20261203)
    # Incomes under the floors, in the slices, above the ceilings.
    for montant in rng.sample([0, 1500, 9000, 23000, 47000, 61000, 140000, 260000], 6):
        data = await api.data(ESTIMATE, estimate_input(worker, montant=str(montant)), token)
        assert data["estimateRevenue"]["userErrors"] == []
        kept, recomputed = await _kept_and_recomputed(api, worker.id)
        assert kept == recomputed and len(kept) >= 9  # one per line of the year
        # The API shows the kept text, as it showed the engine's before.
        answer = await api.data(LINES, {"id": encode_global_id("Travailleur", worker.id)}, token)
        shown = [
            line["explication"]
            for year in answer["node"]["cotisations"]
            for kind in ("provisionnelles", "definitives")
            for line in year[kind] or ()
        ]
        assert sorted(shown) == sorted(recomputed)
        # Every other field of a stored line still comes from its detail: the same as
        # the simulator's line for that income.
        stored = await api.data(STORED, {"id": encode_global_id("Travailleur", worker.id)}, token)
        simulated = await api.data(SIMULATED, {"r": str(montant)})
        lines = stored["node"]["cotisations"][0]["provisionnelles"]
        assert lines == simulated["simulateCotisations"]["lignes"]


async def test_a_seeded_portfolio_keeps_each_lines_explanation(db: Database) -> None:
    await seed_synthetic_command(settings_for(db.url), clients=6, seed=5)
    async with api_for(db) as api:
        kept, recomputed = await _kept_and_recomputed(api)
    assert kept == recomputed and len(kept) > 50
