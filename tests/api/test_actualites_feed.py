"""The news feed: each worker sees what targets them, online today; agents manage theirs."""

from __future__ import annotations

from datetime import date

import pytest

from domain.actualites import Ciblage, Lecteur, StatutCible, concerne, statut_cible
from gateway.schema.relay import encode_global_id
from tests.api.client import Api, api_for, error_codes
from tests.api.test_actualites import (
    FEED,
    STAFF_PASSWORD,
    T0,
    WORKER_PASSWORD,
    build_news_world,
    publish,
)
from tests.conftest import Database

T1 = date(2026, 11, 12)  # ten days later
#: title → targeting (and dates) of the items the Île-de-France agent publishes on T0.
ITEMS: dict[str, dict] = {
    "Pour tous": {},
    "Bretagne seulement": {"regions": ["Bretagne"]},
    "Artisans": {"statuts": ["ARTISAN"]},
    "Micro et retraités": {"statuts": ["MICRO", "RETRAITE"]},
    "Boulangers": {"professions": ["boulanger patissier"]},
    "Commerçants franciliens": {"regions": ["Île-de-France"], "statuts": ["COMMERCANT"]},
    "Expirée": {"dateFin": "2026-11-11"},
    "Programmée": {"datePublication": "2026-11-13"},
    "Dernier jour": {"dateFin": "2026-11-12"},
}
WITHDRAW = """mutation($id: ID!) {
  withdrawActualite(input: {actualiteId: $id}) {
    actualite { titre etat dateRetrait } userErrors { field message code }
  }
}"""


@pytest.fixture
async def published(db: Database):
    """The items published on T0 (ids by title); the tests read on T1."""
    async with api_for(db, today=T0) as api:
        news = await build_news_world(api)
        agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
        ids = {titre: (await publish(api, agent, titre, **c))["id"] for titre, c in ITEMS.items()}
        breton = await api.login("agent@bre.fr", STAFF_PASSWORD)
        ids["En Bretagne"] = (await publish(api, breton, "En Bretagne"))["id"]
    async with api_for(db, today=T1) as api:
        yield api, news, ids


async def titles(api: Api, token: str | None, first: int = 100) -> tuple[int, list[str]]:
    data = (await api.data(FEED, {"first": first}, token))["actualites"]
    return data["totalCount"], [n["titre"] for n in data["nodes"]]


async def test_each_worker_sees_the_items_of_their_caisse_online_today_that_target_them(
    published,
) -> None:
    api, news, _ = published
    seen = {}
    for who, row in news.workers.items():
        token = await api.login(row.nir, WORKER_PASSWORD)
        seen[who] = await titles(api, token)
    # Most recent publication first; same day: most recently published first.
    assert seen == {
        "artisan": (4, ["Dernier jour", "Boulangers", "Artisans", "Pour tous"]),
        "commercant": (3, ["Dernier jour", "Commerçants franciliens", "Pour tous"]),
        "micro": (3, ["Dernier jour", "Micro et retraités", "Pour tous"]),
        "retraite": (4, ["Dernier jour", "Boulangers", "Micro et retraités", "Pour tous"]),
        "breton": (1, ["En Bretagne"]),
    }


async def test_the_sql_feed_applies_exactly_the_domain_targeting_rule(published) -> None:
    api, news, _ = published
    online = {t: c for t, c in ITEMS.items() if t not in ("Expirée", "Programmée")}
    for row in news.workers.values():
        if row.caisse_id != news.caisse.id:
            continue
        lecteur = Lecteur(
            row.region, statut_cible(row.statut, row.regime, row.situation), row.profession
        )
        expected = {
            titre
            for titre, c in online.items()
            if concerne(
                Ciblage(
                    regions=tuple(c.get("regions", ())),
                    statuts=tuple(StatutCible(s) for s in c.get("statuts", ())),
                    professions=tuple(c.get("professions", ())),
                ),
                lecteur,
            )
        }
        token = await api.login(row.nir, WORKER_PASSWORD)
        total, got = await titles(api, token)
        assert (total, set(got)) == (len(expected), expected)


async def test_the_feed_pages_with_an_exact_total_count(published) -> None:
    api, news, _ = published
    token = await api.login(news.workers["artisan"].nir, WORKER_PASSWORD)
    first = (await api.data(FEED, {"first": 3}, token))["actualites"]
    rest = (await api.data(FEED, {"first": 3, "after": first["pageInfo"]["endCursor"]}, token))[
        "actualites"
    ]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (4, True)
    assert [n["titre"] for n in first["nodes"]] == ["Dernier jour", "Boulangers", "Artisans"]
    assert (rest["totalCount"], rest["pageInfo"]["hasNextPage"]) == (4, False)
    assert [n["titre"] for n in rest["nodes"]] == ["Pour tous"]
    body = await api.post(FEED, {"first": 101}, token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_an_agent_sees_every_item_of_their_caisse_with_its_state(published) -> None:
    api, _, _ = published
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    data = (await api.data(FEED, {"first": 100}, agent))["actualites"]
    assert data["totalCount"] == 9
    states = {n["titre"]: n["etat"] for n in data["nodes"]}
    assert states == {
        **{titre: "EN_LIGNE" for titre in ITEMS},
        "Expirée": "EXPIREE",
        "Programmée": "PROGRAMMEE",
    }
    assert data["nodes"][0]["titre"] == "Programmée"  # published on 13 November
    bretagne = await api.data(FEED, {"first": 100}, await api.login("agent@bre.fr", STAFF_PASSWORD))
    assert [n["titre"] for n in bretagne["actualites"]["nodes"]] == ["En Bretagne"]


async def test_an_accountant_has_no_feed_and_an_anonymous_caller_must_log_in(published) -> None:
    api, _, _ = published
    accountant = await api.login("admin@cabinet.fr", STAFF_PASSWORD)
    assert await titles(api, accountant) == (0, [])
    assert error_codes(await api.post(FEED, {"first": 5})) == ["UNAUTHENTICATED"]


async def test_a_withdrawn_item_disappears_from_the_feed_and_stays_listed_for_agents(
    published,
) -> None:
    api, news, ids = published
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    artisan = await api.login(news.workers["artisan"].nir, WORKER_PASSWORD)
    data = (await api.data(WITHDRAW, {"id": ids["Artisans"]}, agent))["withdrawActualite"]
    assert data == {
        "actualite": {"titre": "Artisans", "etat": "RETIREE", "dateRetrait": "2026-11-12"},
        "userErrors": [],
    }
    assert await titles(api, artisan) == (3, ["Dernier jour", "Boulangers", "Pour tous"])
    states = {
        n["titre"]: n["etat"]
        for n in (await api.data(FEED, {"first": 100}, agent))["actualites"]["nodes"]
    }
    assert states["Artisans"] == "RETIREE"
    again = (await api.data(WITHDRAW, {"id": ids["Artisans"]}, agent))["withdrawActualite"]
    assert again["userErrors"] == [
        {
            "field": ["input", "actualiteId"],
            "message": "Cette actualité est déjà retirée depuis le 12/11/2026.",
            "code": "DEJA_RETIREE",
        }
    ]


@pytest.mark.parametrize("target", ["other caisse", "unknown", "malformed", "wrong type"])
async def test_withdrawing_an_item_of_another_caisse_looks_like_an_unknown_one(
    published, target
) -> None:
    api, news, ids = published
    breton = await api.login("agent@bre.fr", STAFF_PASSWORD)
    item_id = {
        "other caisse": ids["Pour tous"],
        "unknown": encode_global_id("Actualite", 999_999),
        "malformed": "pas-un-id",
        "wrong type": encode_global_id("Travailleur", news.workers["breton"].id),
    }[target]
    data = (await api.data(WITHDRAW, {"id": item_id}, breton))["withdrawActualite"]
    assert data == {
        "actualite": None,
        "userErrors": [
            {
                "field": ["input", "actualiteId"],
                "message": "Aucune actualité ne correspond à cet identifiant.",
                "code": "NOT_FOUND",
            }
        ],
    }
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    assert len((await api.data(FEED, {"first": 100}, agent))["actualites"]["nodes"]) == 9


async def test_node_returns_an_item_only_to_those_who_read_it(published) -> None:
    api, news, ids = published
    query = "query($id: ID!) { node(id: $id) { ... on Actualite { titre } } }"
    artisan = await api.login(news.workers["artisan"].nir, WORKER_PASSWORD)
    commercant = await api.login(news.workers["commercant"].nir, WORKER_PASSWORD)
    breton_agent = await api.login("agent@bre.fr", STAFF_PASSWORD)
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)

    async def node(token: str, titre: str):
        return (await api.data(query, {"id": ids[titre]}, token))["node"]

    assert await node(artisan, "Artisans") == {"titre": "Artisans"}
    assert await node(commercant, "Artisans") is None  # not for them
    assert await node(artisan, "Expirée") is None
    assert await node(artisan, "En Bretagne") is None  # another caisse
    assert await node(agent, "Expirée") == {"titre": "Expirée"}
    assert await node(breton_agent, "Pour tous") is None


async def test_the_feed_costs_the_same_statements_whatever_its_length(published) -> None:
    api, news, _ = published
    retraite = await api.login(news.workers["retraite"].nir, WORKER_PASSWORD)
    agent = await api.login("agent@idf.fr", STAFF_PASSWORD)
    counts = []
    for token, first in ((retraite, 1), (retraite, 100), (agent, 1), (agent, 100)):
        async with api.counter().counting() as counter:
            await api.data(FEED, {"first": first}, token)
        counts.append(counter.count)
    # Token check, the worker's profile (workers only), count, page, targeting of the page.
    assert counts == [5, 5, 4, 4]


async def test_a_scheduled_item_appears_on_its_publication_day(db: Database, published) -> None:
    _, news, _ = published
    async with api_for(db, today=date(2026, 11, 13)) as api:
        token = await api.login(news.workers["micro"].nir, WORKER_PASSWORD)
        assert await titles(api, token) == (
            3,
            ["Programmée", "Micro et retraités", "Pour tous"],
        )


async def test_the_demo_identities_each_see_their_own_news(db: Database) -> None:
    from gateway.seed.demo import seed_demo
    from gateway.seed.demo_identites import MOT_DE_PASSE_TRAVAILLEUR, NIR_ARTISAN, NIR_MICRO
    from tests.builders import password_hash

    today = date(2026, 11, 23)
    async with api_for(db, today=today) as api:
        async with api.session() as session:
            await seed_demo(session, today, password_hash)
            await session.commit()
        artisan = await api.login(NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
        micro_token = await api.login(NIR_MICRO, MOT_DE_PASSE_TRAVAILLEUR)
        agent = await api.login("agent@caisse-demo.fr", "demo-agent-2026")
        assert await titles(api, artisan) == (
            4,
            [
                "Fermeture de l'accueil pendant les fêtes",
                "Difficultés de paiement : demandez un délai en ligne",
                "Artisans du bâtiment : permanence à la Chambre de métiers",
                "Votre espace en ligne évolue",
            ],
        )
        assert await titles(api, micro_token) == (
            3,
            [
                "Fermeture de l'accueil pendant les fêtes",
                "Micro-entrepreneurs : déclarez votre chiffre d'affaires à temps",
                "Votre espace en ligne évolue",
            ],
        )
        assert (await titles(api, agent))[0] == 8
