"""Caisse information through the API: the caller's caisse, news personalised per worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import Regime, Role, Situation, StatutProfessionnel
from gateway.db import models
from gateway.db.models_caisse import Actualite, CibleActualite
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import Api, api_for, error_codes
from tests.conftest import Database

T0 = date(2026, 11, 2)  # a Monday
STAFF_PASSWORD = "secret-utilisateur"
WORKER_PASSWORD = "secret-travailleur"
PUBLISH = """mutation($input: PublishActualiteInput!) {
  publishActualite(input: $input) {
    actualite { id titre contenu datePublication dateFin etat dateRetrait
                ciblage { regions statuts professions } }
    userErrors { field message code }
  }
}"""
FEED = """query($first: Int, $after: String) {
  actualites(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { titre etat ciblage { regions statuts professions } }
  }
}"""


@dataclass
class NewsWorld:
    caisse: models.Caisse
    bretagne: models.Caisse
    workers: dict[str, models.Travailleur]


async def worker(
    session,
    caisse: models.Caisse,
    nom: str,
    *,
    statut: StatutProfessionnel = StatutProfessionnel.ARTISAN,
    regime: Regime = Regime.CLASSIQUE,
    situation: Situation = Situation.ACTIF,
    profession: str = "Boulanger-pâtissier",
) -> models.Travailleur:
    row = await builders.travailleur(
        session, caisse_id=caisse.id, nom=nom, statut=statut, regime=regime, situation=situation
    )
    row.region, row.profession = caisse.region, profession
    return row


async def build_news_world(api: Api) -> NewsWorld:
    async with api.session() as session:
        caisse = await builders.caisse(session, code="IDF")
        bretagne = await builders.caisse(session, code="BRE", region="Bretagne")
        workers = {
            "artisan": await worker(session, caisse, "Bernard"),
            "commercant": await worker(
                session,
                caisse,
                "Dubois",
                statut=StatutProfessionnel.COMMERCANT,
                profession="Fleuriste",
            ),
            "micro": await worker(
                session,
                caisse,
                "Petit",
                regime=Regime.MICRO,
                profession="Dépanneur informatique",
            ),
            "retraite": await worker(session, caisse, "Roux", situation=Situation.RETRAITE),
            "breton": await worker(session, bretagne, "Le Gall"),
        }
        for identifiant, caisse_id in (("agent@idf.fr", caisse.id), ("agent@bre.fr", bretagne.id)):
            await builders.user(
                session, identifiant=identifiant, role=Role.AGENT, caisse_id=caisse_id
            )
        cabinet = await builders.cabinet(session)
        await builders.user(
            session,
            identifiant="admin@cabinet.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=workers["artisan"].id)
        await session.commit()
    return NewsWorld(caisse, bretagne, workers)


@pytest.fixture
async def world(db: Database):
    async with api_for(db, today=T0) as api:
        yield api, await build_news_world(api)


def item(titre: str, **changes) -> dict:
    return {"input": {"titre": titre, "contenu": f"Texte de « {titre} ».", **changes}}


async def publish(api: Api, token: str, titre: str, **changes) -> dict:
    data = (await api.data(PUBLISH, item(titre, **changes), token))["publishActualite"]
    assert data["userErrors"] == [], data["userErrors"]
    return data["actualite"]


async def test_the_caisse_query_gives_the_callers_own_caisse(world) -> None:
    api, news = world
    query = "{ caisse { code nom adresse telephone courriel horaires } }"
    worker = await api.login(news.workers["breton"].nir, WORKER_PASSWORD)
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    accountant = await api.login("admin@cabinet.fr", STAFF_PASSWORD)
    assert (await api.data(query, token=worker))["caisse"] == {
        "code": "BRE",
        "nom": "Urssaf Bretagne",
        "adresse": "22 rue de Lagny, 93100 Montreuil",
        "telephone": "3698",
        "courriel": "contact@urssaf-idf.example",
        "horaires": "Du lundi au vendredi, 8h30–17h00",
    }
    assert (await api.data("{ caisse { code } }", token=agent))["caisse"] == {"code": "IDF"}
    assert (await api.data("{ caisse { code } }", token=accountant))["caisse"] is None
    clients = await api.data("{ portfolio { nodes { nom caisse { code } } } }", token=accountant)
    assert clients["portfolio"]["nodes"] == [{"nom": "Bernard", "caisse": {"code": "IDF"}}]
    assert error_codes(await api.post("{ caisse { code } }")) == ["UNAUTHENTICATED"]


async def test_an_agent_publishes_an_item_with_its_targeting_cleaned(world) -> None:
    api, _ = world
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    actualite = await publish(
        api,
        agent,
        "  Nouvelle   permanence à Montreuil ",
        dateFin="2026-12-31",
        regions=["ile de france", "Île-de-France"],
        statuts=["ARTISAN", "COMMERCANT"],
        professions=["Boulanger-pâtissier", "boulanger patissier", "Fleuriste"],
    )
    assert {k: v for k, v in actualite.items() if k != "id"} == {
        "titre": "Nouvelle permanence à Montreuil",
        "contenu": "Texte de «   Nouvelle   permanence à Montreuil  ».",
        "datePublication": "2026-11-02",
        "dateFin": "2026-12-31",
        "etat": "EN_LIGNE",
        "dateRetrait": None,
        "ciblage": {
            "regions": ["Île-de-France"],
            "statuts": ["ARTISAN", "COMMERCANT"],
            "professions": ["Boulanger-pâtissier", "Fleuriste"],
        },
    }
    async with api.session() as session:
        row = (await session.scalars(select(Actualite))).one()
        cles = (
            await session.execute(
                select(CibleActualite.axe, CibleActualite.cle).order_by(
                    CibleActualite.axe, CibleActualite.cle
                )
            )
        ).all()
        audit = (
            await session.scalars(
                select(models.EvenementAudit).where(
                    models.EvenementAudit.operation == "publishActualite"
                )
            )
        ).one()
    assert row.caisse_id == (await _caisse_id(api, "IDF"))
    assert [(axe.value, cle) for axe, cle in cles] == [
        ("PROFESSION", "boulanger patissier"),
        ("PROFESSION", "fleuriste"),
        ("REGION", "ile de france"),
        ("STATUT", "ARTISAN"),
        ("STATUT", "COMMERCANT"),
    ]
    assert (audit.issue.value, audit.acteur) == ("SUCCES", "agent")


async def _caisse_id(api: Api, code: str) -> int:
    async with api.session() as session:
        return int(await session.scalar(select(models.Caisse.id).where(models.Caisse.code == code)))


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"titre": "   "}, ["input", "titre"], "TITRE_VIDE"),
        ({"contenu": ""}, ["input", "contenu"], "CONTENU_VIDE"),
        (
            {"datePublication": "2026-11-01"},
            ["input", "datePublication"],
            "DATE_PUBLICATION_PASSEE",
        ),
        (
            {"datePublication": "2026-12-01", "dateFin": "2026-11-30"},
            ["input", "dateFin"],
            "DATE_FIN_AVANT_PUBLICATION",
        ),
        ({"regions": ["Bretagne", "Wallonie"]}, ["input", "regions", "1"], "REGION_INCONNUE"),
        ({"professions": [" "]}, ["input", "professions", "0"], "PROFESSION_VIDE"),
    ],
)
async def test_a_bad_publication_is_refused_naming_the_field_and_stores_nothing(
    world, changes, field, code
) -> None:
    api, _ = world
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    variables = item("Fermeture exceptionnelle")
    variables["input"].update(changes)
    data = (await api.data(PUBLISH, variables, agent))["publishActualite"]
    assert data["actualite"] is None
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [(field, code)]
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(Actualite)) == 0
        assert await session.scalar(select(func.count()).select_from(CibleActualite)) == 0


async def test_the_refusal_messages_are_clear(world) -> None:
    api, _ = world
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    variables = item("Titre", datePublication="2026-12-01", dateFin="2026-11-30")
    data = (await api.data(PUBLISH, variables, agent))["publishActualite"]
    assert [e["message"] for e in data["userErrors"]] == [
        "La date de fin précède la date de publication."
    ]
    variables = item("", regions=["Wallonie"])
    data = (await api.data(PUBLISH, variables, agent))["publishActualite"]
    assert [e["message"] for e in data["userErrors"]] == ["Le titre est obligatoire."]


async def test_an_unknown_status_is_refused_by_the_enum_naming_the_field(world) -> None:
    api, _ = world
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    body = await api.post(PUBLISH, item("Titre", statuts=["ARTISAN", "LIBERAL"]), agent)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "Variable '$input' has invalid value at .statuts[1]: "
        "Value 'LIBERAL' does not exist in 'StatutCible' enum."
    )
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(Actualite)) == 0


@pytest.mark.parametrize(
    ("caller", "code"),
    [("worker", "FORBIDDEN"), ("accountant", "FORBIDDEN"), ("anonymous", "UNAUTHENTICATED")],
)
async def test_only_agents_publish_and_withdraw(world, caller, code) -> None:
    api, news = world
    tokens = {
        "worker": lambda: api.login(news.workers["artisan"].nir, WORKER_PASSWORD),
        "accountant": lambda: api.login("admin@cabinet.fr", STAFF_PASSWORD),
    }
    token = await tokens[caller]() if caller in tokens else None
    published = await api.post(PUBLISH, item("Titre"), token)
    withdrawn = await api.post(
        "mutation($id: ID!) { withdrawActualite(input: {actualiteId: $id}) { userErrors { code } } }",
        {"id": encode_global_id("Actualite", 1)},
        token,
    )
    assert error_codes(published) == error_codes(withdrawn) == [code]
    if code == "FORBIDDEN":
        assert published["errors"][0]["message"] == "Opération réservée aux rôles : AGENT."
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(Actualite)) == 0


async def test_a_retry_with_the_same_key_publishes_once(world) -> None:
    api, _ = world
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    variables = item("Titre", idempotencyKey="actu-1")
    first = (await api.data(PUBLISH, variables, agent))["publishActualite"]
    retry = (await api.data(PUBLISH, variables, agent))["publishActualite"]
    assert retry == first
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(Actualite)) == 1
