"""Property: whatever sequence of payments, declarations, portfolio reads, accounting
days and clock moves (forward and back) a cabinet goes through, every stored account
situation valid today equals the from-scratch computation, and the rows a step needs
are valid today (issue 11).

The from-scratch computation is the SQL the portfolio ran on every request before the
situations were stored (``portfolio_situation.from_scratch``); the stored rows are
only ever written by the incremental paths under test.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gateway.clock import Clock
from gateway.db.repositories import portfolio_situation
from gateway.services.situation_compte import accounting_day_in
from tests.api.client import Api, api_for
from tests.api.workspace_world import PASSWORD, PortfolioWorld, build_portfolio_world
from tests.conftest import TODAY, Database

CLIENTS = ["Bernard", "Dubois", "Fontaine", "Garcia", "Lefebvre", "Moreau", "Petit"]
PAIEMENT = """mutation($i: RecordPaiementInput!) {
  recordPaiement(input: $i) { userErrors { code } } }"""
DECLARE = """mutation($i: DeclareRevenuInput!) {
  declareRevenu(input: $i) { userErrors { code } } }"""
PORTFOLIO = """query($tri: PortfolioTri) { portfolio(first: 3, tri: $tri) {
  edges { node { nom } indicateurs { montantEnRetard } } } }"""
RESUME = "{ portfolio(first: 0) { resume { nombreClients montantEnRetard } } }"
_keys = itertools.count(1)

STEPS = st.one_of(
    st.tuples(st.just("jour"), st.integers(-40, 75)),
    st.tuples(
        st.just("paiement"),
        st.sampled_from(CLIENTS),
        st.sampled_from(["100.00", "250.00", "350.00", "1000.00"]),
    ),
    st.tuples(st.just("declare"), st.sampled_from(CLIENTS), st.sampled_from([2024, 2025])),
    st.tuples(
        st.just("lecture"), st.sampled_from(["NOM", "MONTANT_EN_RETARD", "PROCHAINE_ECHEANCE"])
    ),
    st.tuples(st.just("resume")),
    st.tuples(st.just("journee")),
)


async def check_invariant(api: Api, today: date, must_be_fresh: set[int]) -> None:
    async with api.session() as session:
        stored = await portfolio_situation.stored(session)
        computed = await portfolio_situation.from_scratch(session, today)
    valid = {k: v for k, v in stored.items() if v[1] == today}
    assert valid == {k: computed[k] for k in valid}
    assert must_be_fresh <= set(valid), sorted(must_be_fresh - set(valid))


async def run_steps(api: Api, world: PortfolioWorld, steps: list[tuple[Any, ...]]) -> None:
    today = TODAY
    api.services.clock = Clock.at(today)
    visible = {w.id for w in world.clients.values()}
    for step in steps:
        kind = step[0]
        fresh: set[int] = set()
        if kind == "jour":
            today = TODAY + timedelta(days=step[1])
            api.services.clock = Clock.at(today)
        elif kind in ("paiement", "declare"):
            client = world.clients[step[1]]
            if kind == "paiement":
                token = await api.login("agent@idf.fr", PASSWORD)
                inputs = {"montant": step[2], "datePaiement": today.isoformat(), "mode": "VIREMENT"}
                query, name = PAIEMENT, "recordPaiement"
            else:
                token = await api.login("admin@alpha.fr", PASSWORD)
                inputs = {"annee": step[2], "montant": "30000", "idempotencyKey": f"k{next(_keys)}"}
                query, name = DECLARE, "declareRevenu"
            body = await api.post(
                query, {"i": {"travailleurId": world.gid(step[1]), **inputs}}, token
            )
            assert "errors" not in body, body
            if not body["data"][name]["userErrors"]:
                fresh = {client.id}
        elif kind in ("lecture", "resume"):
            token = await api.login("admin@alpha.fr", PASSWORD)
            fresh = visible
            if kind == "lecture":
                data = await api.data(PORTFOLIO, {"tri": {"champ": step[1]}}, token)
                if step[1] == "NOM":  # only the page's rows are needed
                    names = [e["node"]["nom"] for e in data["portfolio"]["edges"]]
                    fresh = {world.clients[n].id for n in names}
            else:
                await api.data(RESUME, {}, token)
        else:
            async with api.session() as session:
                await accounting_day_in(session, Clock.at(today))
            fresh = visible | {world.revoked.id, world.unmandated.id}
        await check_invariant(api, today, fresh)


async def test_the_stored_situation_equals_the_computed_one_after_any_sequence(
    db: Database,
) -> None:
    loop = asyncio.get_running_loop()
    async with api_for(db) as api:
        world = await build_portfolio_world(api)

        @settings(
            max_examples=8,
            derandomize=True,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(steps=st.lists(STEPS, min_size=1, max_size=7))
        # A read, a payment, then the clock moves past due dates and a plan's 30 days.
        @example(
            steps=[
                ("lecture", "NOM"),
                ("paiement", "Moreau", "250.00"),
                ("jour", 20),
                ("resume",),
                ("jour", 45),
                ("paiement", "Lefebvre", "1000.00"),
                ("journee",),
                ("jour", -10),
                ("lecture", "MONTANT_EN_RETARD"),
            ]
        )
        def property_holds(steps: list[tuple[Any, ...]]) -> None:
            # Hypothesis drives plain functions: each example runs on the test's loop
            # while this thread waits for it.
            asyncio.run_coroutine_threadsafe(run_steps(api, world, steps), loop).result()

        await asyncio.to_thread(property_holds)
