"""Periodicity changes on the demo portfolio: every open instalment moves, provisional
and REGULARISATION alike; without an active direct debit the periodicity is quarterly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from domain.echeancier import Periodicite
from domain.nomenclatures import Regime, Situation
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.seed.demo import seed_demo
from gateway.seed.demo_identites import AGENT, MOT_DE_PASSE_TRAVAILLEUR, NIR_ARTISAN
from tests.api.client import Api, api_for
from tests.builders import password_hash
from tests.conftest import Database

TODAY = date(2026, 6, 14)
SCHEDULE = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  prelevement { actif periodicite }
  echeances(first: 100, du: "2026-07-01") { nodes { nature dateEcheance montant } }
} } }"""
REMOVE = """mutation($id: ID!) {
  removePrelevementAutomatique(input: {travailleurId: $id}) {
    prelevement { actif periodicite } userErrors { code }
  }
}"""
PERIODICITE = """mutation($id: ID!, $p: Periodicite!) {
  setPrelevementPeriodicite(input: {travailleurId: $id, periodicite: $p}) {
    modifiee userErrors { code }
  }
}"""


@dataclass
class Demo:
    api: Api
    artisan: str  # global ID of Julien Moreau (NIR 184127510804231)
    token: str


@pytest.fixture
async def demo(db: Database) -> AsyncIterator[Demo]:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            await seed_demo(session, TODAY, password_hash)
            await session.commit()
            artisan = await session.scalar(
                select(models.Travailleur.id).where(models.Travailleur.nir == NIR_ARTISAN)
            )
        token = await api.login(NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
        yield Demo(api, encode_global_id("Travailleur", artisan), token)


async def schedule(demo: Demo) -> list[tuple[str, str, str]]:
    data = await demo.api.data(SCHEDULE, {"id": demo.artisan}, demo.token)
    return [
        (e["dateEcheance"], e["nature"], e["montant"]) for e in data["node"]["echeances"]["nodes"]
    ]


# Julien Moreau on 14 June 2026: 2026 provisional 1 637.35 a month from June, and the
# 2025 régularisation (761.44) spread monthly, 152.28 from June to November, 152.32 in
# December. Instalments due before 14 July (30 days) stay where they are.
KEPT = [
    ("2026-07-05", "PROVISIONNELLE", "1637.35"),
    ("2026-07-05", "REGULARISATION", "152.28"),
]


async def test_the_demo_schedule_before_any_change(demo: Demo) -> None:
    assert await schedule(demo) == KEPT + [
        row
        for mois in range(8, 13)
        for row in (
            (f"2026-{mois:02d}-05", "PROVISIONNELLE", "1637.35"),
            (f"2026-{mois:02d}-05", "REGULARISATION", "152.32" if mois == 12 else "152.28"),
        )
    ]


async def test_removing_the_direct_debit_moves_the_regularisation_onto_the_quarterly_dates(
    demo: Demo,
) -> None:
    removed = (await demo.api.data(REMOVE, {"id": demo.artisan}, demo.token))[
        "removePrelevementAutomatique"
    ]
    assert removed == {
        "prelevement": {"actif": False, "periodicite": "TRIMESTRIEL"},
        "userErrors": [],
    }
    # Open amounts: provisional 5 × 1 637.35 = 8 186.75; régularisation 4 × 152.28 + 152.32
    # = 761.44, each split again over 5 August and 5 November.
    assert await schedule(demo) == [
        *KEPT,
        ("2026-08-05", "PROVISIONNELLE", "4093.37"),
        ("2026-08-05", "REGULARISATION", "380.72"),
        ("2026-11-05", "PROVISIONNELLE", "4093.38"),
        ("2026-11-05", "REGULARISATION", "380.72"),
    ]


async def test_a_change_to_the_20th_leaves_no_open_instalment_on_the_5th(demo: Demo) -> None:
    changed = (
        await demo.api.data(PERIODICITE, {"id": demo.artisan, "p": "MENSUEL_20"}, demo.token)
    )["setPrelevementPeriodicite"]
    assert changed == {"modifiee": True, "userErrors": []}
    # From 20 July (the first 20th at least 30 days away): 8 186.75 over 6 → 1 364.45 × 5
    # + 1 364.50; 761.44 over 6 → 126.90 × 5 + 126.94.
    assert await schedule(demo) == KEPT + [
        row
        for mois in range(7, 13)
        for row in (
            (f"2026-{mois:02d}-20", "PROVISIONNELLE", "1364.50" if mois == 12 else "1364.45"),
            (f"2026-{mois:02d}-20", "REGULARISATION", "126.94" if mois == 12 else "126.90"),
        )
    ]


async def test_without_an_active_direct_debit_the_periodicity_shown_is_quarterly(
    demo: Demo,
) -> None:
    """Radiés and retraités keep the periodicity chosen while they were debited, but
    nothing is debited any more: they pay quarterly, and that is what is shown."""
    api = demo.api
    async with api.session() as session:
        sans_prelevement = list(
            await session.scalars(
                select(models.Travailleur).where(
                    models.Travailleur.regime == Regime.CLASSIQUE,
                    ~select(models.CoordonneesBancaires.id)
                    .where(
                        models.CoordonneesBancaires.travailleur_id == models.Travailleur.id,
                        models.CoordonneesBancaires.actif.is_(True),
                    )
                    .exists(),
                )
            )
        )
    # The demo has radiés and retraités whose former choice was monthly.
    anciens_mensuels = [
        t
        for t in sans_prelevement
        if t.situation is not Situation.ACTIF and t.periodicite is not Periodicite.TRIMESTRIEL
    ]
    assert anciens_mensuels
    agent = await api.login(AGENT.courriel, AGENT.mot_de_passe)
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on TravailleurClassique {
      prelevement { actif periodicite } } } }"""
    ids = [encode_global_id("Travailleur", t.id) for t in sans_prelevement]
    data = await api.data(query, {"ids": ids}, agent)
    assert [n["prelevement"] for n in data["nodes"]] == [
        {"actif": False, "periodicite": "TRIMESTRIEL"}
    ] * len(ids)
