"""portfolio(filtre: {recherche}): accents and case ignored, the same on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from domain.echeancier import Periodicite
from domain.nomenclatures import Regime, Role, Situation, StatutProfessionnel
from gateway.db import models
from tests import builders
from tests.api.client import api_for
from tests.conftest import Database

PASSWORD = "secret-utilisateur"
QUERY = """query($filtre: PortfolioFiltre) {
  portfolio(filtre: $filtre) { edges { node { nom prenom } } }
}"""

CLIENTS = [
    ("Benali", "Émilie"),
    ("Dupont", "Emilie"),
    ("Çelik", "Mehmet"),
    ("Œuvray", "Jean"),
    ("Marchand", "Lætitia"),
    ("D'Ornano", "Éric"),
]


@pytest.fixture
async def world(db: Database):
    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            cabinet = await builders.cabinet(session)
            await builders.user(
                session,
                identifiant="admin@cabinet.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=cabinet.id,
                administrateur_cabinet=True,
            )
            for nom, prenom in CLIENTS:
                worker = await builders.travailleur(
                    session, caisse_id=caisse.id, nom=nom, prenom=prenom, with_user=False
                )
                await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
            await session.commit()
        token = await api.login("admin@cabinet.fr", PASSWORD)
        yield api, token, caisse.id, cabinet.id


async def found(api, token, recherche: str) -> list[str]:
    data = await api.data(QUERY, {"filtre": {"recherche": recherche}}, token)
    return [f"{e['node']['nom']} {e['node']['prenom']}" for e in data["portfolio"]["edges"]]


@pytest.mark.parametrize(
    ("recherche", "expected"),
    [
        ("Émilie", ["Benali Émilie", "Dupont Emilie"]),
        ("emilie", ["Benali Émilie", "Dupont Emilie"]),
        ("ÉMILIE", ["Benali Émilie", "Dupont Emilie"]),
        ("Benali Émilie", ["Benali Émilie"]),
        ("émilie BENALI", ["Benali Émilie"]),
        ("Çelik", ["Çelik Mehmet"]),
        ("celik", ["Çelik Mehmet"]),
        ("ÇELIK", ["Çelik Mehmet"]),
        ("Œuvray", ["Œuvray Jean"]),
        ("oeuvray", ["Œuvray Jean"]),
        ("OEUVRAY", ["Œuvray Jean"]),
        ("Lætitia", ["Marchand Lætitia"]),
        ("laetitia", ["Marchand Lætitia"]),
        ("LÆTITIA", ["Marchand Lætitia"]),
        ("D'Ornano", ["D'Ornano Éric"]),
        ("d\u2019ornano", ["D'Ornano Éric"]),
        ("ornano eric", ["D'Ornano Éric"]),
        ("Émilie Çelik", []),
        ("émile", []),
        # LIKE's wildcards and its escape character are searched as themselves.
        ("e_ilie", []),
        ("%milie", []),
        ("emi%", []),
        ("emi/lie", []),
        ("1%", []),
    ],
)
async def test_a_search_ignores_accents_and_case(world, recherche, expected) -> None:
    api, token, _, _ = world
    assert await found(api, token, recherche) == expected


async def test_the_key_follows_a_name_changed_on_the_row(world) -> None:
    api, token, _, _ = world
    async with api.session() as session:
        worker = await session.scalar(
            select(models.Travailleur).where(models.Travailleur.nom == "Dupont")
        )
        worker.nom = "Müller"
        await session.commit()
    assert await found(api, token, "muller emilie") == ["Müller Emilie"]
    assert await found(api, token, "dupont") == []


async def test_a_row_inserted_in_bulk_gets_its_key(world) -> None:
    """The seed inserts plain rows (Core ``insert``): the column default folds them."""
    api, token, caisse_id, cabinet_id = world
    async with api.session() as session:
        await session.execute(
            insert(models.Travailleur),
            [
                {
                    "caisse_id": caisse_id,
                    "nir": builders.valid_nir(1, 75, 3, "13", 424242),
                    "civilite": "M.",
                    "nom": "Straßer",
                    "prenom": "Jürgen",
                    "date_naissance": date(1975, 3, 2),
                    "courriel": "j.strasser@example.fr",
                    "adresse": "3 rue Paradis",
                    "code_postal": "13001",
                    "ville": "Marseille",
                    "region": "Provence-Alpes-Côte d'Azur",
                    "statut": StatutProfessionnel.ARTISAN,
                    "profession": "Menuisier",
                    "regime": Regime.CLASSIQUE,
                    "situation": Situation.ACTIF,
                    "date_debut_activite": date(2019, 1, 1),
                    "periodicite": Periodicite.MENSUEL_5,
                }
            ],
        )
        ident = await session.scalar(
            select(models.Travailleur.id).where(models.Travailleur.nom == "Straßer")
        )
        await builders.mandat(session, cabinet_id=cabinet_id, travailleur_id=ident)
        await session.commit()
        key = await session.scalar(
            select(models.Travailleur.cle_recherche).where(models.Travailleur.id == ident)
        )
    assert key == "strasser jurgen"
    assert await found(api, token, "STRASSER jürgen") == ["Straßer Jürgen"]
