"""The stored account situation behind the portfolio (issue 11): valid for one day,
refreshed by writes, by a read on another day and by the accounting day; keyset
cursors that neither repeat nor skip a client while others come and go."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from domain.delais import StatutDelai
from domain.evenements import TypeEvenement
from domain.nomenclatures import StatutMandat
from gateway import cursors
from gateway.clock import Clock
from gateway.db import models
from gateway.db.models_situation import SituationCompte
from gateway.db.repositories import portfolio_situation
from gateway.events.models import Evenement
from gateway.services.situation_compte import accounting_day_in
from tests import builders
from tests.api.client import Api, api_for, error_codes
from tests.api.workspace_world import PASSWORD, build_portfolio_world
from tests.conftest import TODAY, Database

PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $tri: PortfolioTri) {
  portfolio(first: $first, after: $after, last: $last, before: $before, tri: $tri) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { nom } indicateurs { montantEnRetard prochaineEcheance } }
  }
}"""
RESUME = """{ portfolio(first: 0) { totalCount resume { nombreClients montantEnRetard
  clientsEnRetard clientsPlanDenonce clientsASurveiller } } }"""
ALL = ["Bernard", "Dubois", "Fontaine", "Garcia", "Lefebvre", "Moreau", "Petit"]


@pytest.fixture
async def world(db: Database):
    async with api_for(db) as api:
        world = await build_portfolio_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, world, admin


async def stored_and_computed(api: Api, today: date) -> tuple[dict, dict]:
    async with api.session() as session:
        stored = await portfolio_situation.stored(session)
        computed = await portfolio_situation.from_scratch(session, today)
    return stored, computed


async def test_a_read_on_another_day_is_served_from_rows_refreshed_for_that_day(world) -> None:
    api, world_, admin = world
    first = (await api.data(RESUME, {}, admin))["portfolio"]
    assert first["resume"]["montantEnRetard"] == "1352.00"
    later = TODAY + timedelta(days=20)  # Bernard's and Dubois's instalments fall due
    api.services.clock = Clock.at(later)
    token = await api.login("admin@alpha.fr", PASSWORD)
    moved = (await api.data(RESUME, {}, token))["portfolio"]
    stored, computed = await stored_and_computed(api, later)
    visible = {w.id for w in world_.clients.values()}
    assert {k: v for k, v in stored.items() if k in visible} == {
        k: v for k, v in computed.items() if k in visible
    }
    assert all(stored[k][1] == later for k in visible)
    expected = sum(computed[k][2] for k in visible)
    assert moved["resume"]["montantEnRetard"] == f"{expected / 100:.2f}"
    assert moved["resume"]["montantEnRetard"] != first["resume"]["montantEnRetard"]
    # Back to the first day: the rows follow the clock again.
    api.services.clock = Clock.at(TODAY)
    token = await api.login("admin@alpha.fr", PASSWORD)
    assert (await api.data(RESUME, {}, token))["portfolio"] == first


async def test_a_mutation_refreshes_the_touched_worker_in_its_own_transaction(world) -> None:
    api, world_, admin = world
    await api.data(RESUME, {}, admin)
    bernard = world_.clients["Bernard"]
    before = (await stored_and_computed(api, TODAY))[0][bernard.id]
    agent = await api.login("agent@idf.fr", PASSWORD)
    body = await api.post(
        """mutation($i: RecordPaiementInput!) { recordPaiement(input: $i) { userErrors { code } } }""",
        {
            "i": {
                "travailleurId": world_.gid("Bernard"),
                "montant": "350.00",
                "datePaiement": TODAY.isoformat(),
                "mode": "VIREMENT",
            }
        },
        agent,
    )
    assert body["data"]["recordPaiement"]["userErrors"] == [], body
    stored, computed = await stored_and_computed(api, TODAY)
    assert stored[bernard.id] == computed[bernard.id]
    assert stored[bernard.id][2] < before[2]  # less overdue
    data = await api.data(PAGE, {"tri": {"champ": "MONTANT_EN_RETARD"}}, admin)
    retards = {
        e["node"]["nom"]: e["indicateurs"]["montantEnRetard"] for e in data["portfolio"]["edges"]
    }
    assert retards["Bernard"] == f"{stored[bernard.id][2] / 100:.2f}"


async def test_a_page_by_name_refreshes_only_its_own_rows(world) -> None:
    api, world_, _ = world
    api.services.clock = Clock.at(TODAY + timedelta(days=3))
    token = await api.login("admin@alpha.fr", PASSWORD)
    data = await api.data(PAGE, {"first": 2}, token)
    assert [e["node"]["nom"] for e in data["portfolio"]["edges"]] == ALL[:2]
    stored, computed = await stored_and_computed(api, TODAY + timedelta(days=3))
    fresh = {k for k, v in stored.items() if v[1] == TODAY + timedelta(days=3)}
    # The page and the one more client read to know whether a next page exists.
    assert fresh == {world_.clients[n].id for n in ALL[:3]}
    assert all(stored[k] == computed[k] for k in fresh)
    # Sorted by an indicator: every visible client's row is brought to the day.
    await api.data(PAGE, {"first": 2, "tri": {"champ": "PROCHAINE_ECHEANCE"}}, token)
    stored, _ = await stored_and_computed(api, TODAY + timedelta(days=3))
    visible = {w.id for w in world_.clients.values()}
    assert {k for k, v in stored.items() if v[1] == TODAY + timedelta(days=3)} == visible


async def test_a_commit_outside_the_unit_of_work_drops_the_rows_it_touched(world) -> None:
    api, world_, admin = world
    await api.data(RESUME, {}, admin)
    petit = world_.clients["Petit"]
    async with api.session() as session:
        await builders.echeance(
            session, travailleur_id=petit.id, date_echeance=date(2026, 11, 2), montant=700
        )
        await session.commit()
        assert await session.get(SituationCompte, petit.id) is None
    data = await api.data(PAGE, {"tri": {"champ": "MONTANT_EN_RETARD"}}, admin)
    assert data["portfolio"]["edges"][0]["node"]["nom"] == "Petit"
    assert data["portfolio"]["edges"][0]["indicateurs"]["montantEnRetard"] == "700.00"


async def test_the_accounting_day_refreshes_everything_and_is_idempotent(world) -> None:
    api, world_, _ = world
    lefebvre, moreau = world_.clients["Lefebvre"], world_.clients["Moreau"]

    async def denounced_events() -> list[int]:
        """The workers of the DELAI_DENONCE events: the date alone changed their plan."""
        async with api.session() as session:
            found = await session.scalars(
                select(Evenement.travailleur_id)
                .where(Evenement.type == TypeEvenement.DELAI_DENONCE)
                .order_by(Evenement.travailleur_id)
            )
            return list(found)

    async def statuts() -> dict[int, StatutDelai]:
        async with api.session() as session:
            rows = await session.execute(
                select(models.DelaiPaiement.travailleur_id, models.DelaiPaiement.statut)
            )
            return {travailleur: statut for travailleur, statut in rows}

    # Both plans have an instalment the plan did not collect 30 days after its date
    # (Moreau's 15 October one: the instalment it covers is still unpaid): the
    # accounting day stores them as denounced, as the account's own reading does.
    async with api.session() as session:
        first = await accounting_day_in(session, Clock.at(TODAY))
    assert await statuts() == {lefebvre.id: StatutDelai.DENONCE, moreau.id: StatutDelai.DENONCE}
    assert first.plans_denonces == 2
    assert await denounced_events() == sorted([lefebvre.id, moreau.id])
    stored, computed = await stored_and_computed(api, TODAY)
    assert stored == computed
    assert len(stored) == first.situations == 9
    assert stored[moreau.id][7] is True  # plan denounced
    # A month later: only the rows' day and what it changes.
    clock = Clock.at(date(2026, 12, 20))
    async with api.session() as session:
        second = await accounting_day_in(session, clock)
    assert second.plans_denonces == 0
    stored, computed = await stored_and_computed(api, clock.today())
    assert stored == computed
    assert all(row[1] == clock.today() for row in stored.values())
    # Again the same day: nothing changes.
    async with api.session() as session:
        third = await accounting_day_in(session, clock)
    assert (third.plans_denonces, third.situations) == (0, 9)
    assert await denounced_events() == sorted([lefebvre.id, moreau.id])  # not twice
    assert (await stored_and_computed(api, clock.today()))[0] == stored
    assert await statuts() == {lefebvre.id: StatutDelai.DENONCE, moreau.id: StatutDelai.DENONCE}


async def pages(api: Api, token: str, tri: dict, size: int, between=None) -> list[str]:
    """Every client, page after page; ``between(n)`` runs after the n-th page."""
    seen: list[str] = []
    after = None
    for n in range(50):
        data = (await api.data(PAGE, {"first": size, "after": after, "tri": tri}, token))[
            "portfolio"
        ]
        seen += [e["node"]["nom"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return seen
        after = data["pageInfo"]["endCursor"]
        if between is not None:
            await between(n)
    raise AssertionError("no last page")


TRIS = [
    {"champ": "NOM"},
    {"champ": "NOM", "sens": "DESC"},
    {"champ": "MONTANT_EN_RETARD"},
    {"champ": "MONTANT_EN_RETARD", "sens": "ASC"},
    {"champ": "PROCHAINE_ECHEANCE"},
    {"champ": "PROCHAINE_ECHEANCE", "sens": "DESC"},
]


@pytest.mark.parametrize("tri", TRIS, ids=lambda t: f"{t['champ']}-{t.get('sens', '')}")
async def test_keyset_pages_neither_repeat_nor_skip_while_clients_come_and_go(world, tri) -> None:
    api, world_, admin = world
    stable = await pages(api, admin, tri, 7)
    assert sorted(stable) == ALL
    assert await pages(api, admin, tri, 2) == stable
    cabinet = world_.alpha.id
    caisse = world_.clients["Bernard"].caisse_id

    removed = {"Dubois", "Moreau"}

    async def churn(n: int) -> None:
        async with api.session() as session:
            if n == 0:  # two newcomers sorting first and last, one in the middle
                for nom in ("Aaron", "Zola", "Leclerc"):
                    row = await builders.travailleur(session, caisse_id=caisse, nom=nom, prenom="X")
                    await builders.mandat(session, cabinet_id=cabinet, travailleur_id=row.id)
            if n == 1:  # two clients leave (their mandates revoked)
                ids = [world_.clients[nom].id for nom in removed]
                await session.execute(
                    update(models.Mandat)
                    .where(models.Mandat.travailleur_id.in_(ids))
                    .values(statut=StatutMandat.REVOQUE)
                )
            await session.commit()

    churned = await pages(api, admin, tri, 2, churn)
    # Every client present all along is seen exactly once, in the same order.
    kept = [n for n in churned if n in ALL]
    assert len(kept) == len(set(kept))
    assert [n for n in stable if n not in removed] == [n for n in kept if n not in removed]


async def test_last_and_before_page_backward_in_the_portfolio_order(world) -> None:
    api, _, admin = world
    data = (await api.data(PAGE, {"last": 3}, admin))["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ALL[-3:]
    assert data["pageInfo"]["hasPreviousPage"] is True
    assert data["pageInfo"]["hasNextPage"] is False
    before = data["pageInfo"]["startCursor"]
    data = (await api.data(PAGE, {"last": 3, "before": before}, admin))["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ALL[1:4]
    assert data["pageInfo"]["hasNextPage"] is True
    data = (await api.data(PAGE, {"last": 5, "before": data["pageInfo"]["startCursor"]}, admin))[
        "portfolio"
    ]
    assert [e["node"]["nom"] for e in data["edges"]] == ALL[:1]
    assert data["pageInfo"]["hasPreviousPage"] is False
    # A window between two cursors.
    full = (await api.data(PAGE, {"first": 7}, admin))["portfolio"]["edges"]
    data = (
        await api.data(
            PAGE, {"first": 7, "after": full[1]["cursor"], "before": full[5]["cursor"]}, admin
        )
    )["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ALL[2:5]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"after": "nope"}, "after"),
        ({"before": "bm9wZQ"}, "before"),
        # An offset cursor of the other connections.
        ({"after": "b2Zmc2V0OjM"}, "after"),
        # A cursor of another order.
        (
            {
                "after": cursors.encode("portfolio.NOM.asc", ["A", "B", 1]),
                "tri": {"champ": "MONTANT_EN_RETARD"},
            },
            "after",
        ),
        # Well-formed JSON, wrong value kinds.
        ({"after": cursors.encode("portfolio.NOM.asc", ["A", "B", -1])}, "after"),
        ({"after": cursors.encode("portfolio.NOM.asc", ["A", 2, 1])}, "after"),
        ({"after": cursors.encode("portfolio.NOM.asc", ["A" * 101, "B", 1])}, "after"),
        ({"first": 2, "last": 2}, "last"),
        ({"last": 501}, "last"),
    ],
)
async def test_bad_cursors_and_windows_are_refused_naming_the_argument(
    world, variables, argument
) -> None:
    api, _, admin = world
    body = await api.post(PAGE, variables, admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == argument
    assert body["errors"][0]["message"].startswith(f"{argument} : ")


def test_the_cursor_decoder_is_strict() -> None:
    kind, shape = "k", (cursors.Part.DATE_OR_NONE, cursors.Part.TEXT, cursors.Part.ID)
    good = cursors.encode(kind, [date(2026, 1, 5), "Émile", 7])
    assert cursors.decode(good, kind, shape) == (date(2026, 1, 5), "Émile", 7)
    assert cursors.decode(cursors.encode(kind, [None, "a", 0]), kind, shape) == (None, "a", 0)
    assert cursors.decode(good + "=", kind, shape) is None  # padding: not canonical
    assert cursors.decode(good, "other", shape) is None
    for values in (
        ["2026-1-5", "a", 1],
        ["2026-02-30", "a", 1],
        [None, "a", True],
        [None, "a", 1.0],
        [None, "a"],
    ):
        assert cursors.decode(cursors.encode(kind, values), kind, shape) is None, values


async def test_the_totals_run_only_when_selected(world) -> None:
    api, _, admin = world
    await api.data(RESUME, {}, admin)  # rows valid today

    async def count(query: str) -> int:
        counter = api.counter()
        async with counter.counting():
            await api.data(query, {}, admin)
        return counter.count

    page_only = await count("{ portfolio(first: 3) { edges { node { nom } } } }")
    with_totals = await count("{ portfolio(first: 3) { totalCount edges { node { nom } } } }")
    totals_only = await count("{ portfolio(first: 3) { resume { nombreClients } } }")
    # principal, then: the page alone (sorted by name, its rows valid today; it reads
    # only its clients, so the visible clients are not counted for its cost); the
    # visible clients (the cost), the totals and the page; the count and the totals.
    assert (page_only, with_totals, totals_only) == (2, 4, 3)
