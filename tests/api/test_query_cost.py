"""Costs that follow the work (issue 9, item 8): portfolio-wide fields cost per visible
client, account replays and unpaginated lists are bounded so that the requested cost is
never below the actual one, and a request deadline ends a longer operation."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine, event

from domain.echeancier import Periodicite
from domain.nomenclatures import Regime, Role, Situation, StatutMandat, StatutProfessionnel
from gateway.app import build_services, create_app
from gateway.db import models
from gateway.schema.limits import (
    ACCOUNT_REPLAY_COST,
    COST_BUDGET,
    DEFAULT_LIST_MAXIMUM,
    PORTFOLIO_ROW_COST,
)
from gateway.seed.demo import seed_demo
from tests import builders
from tests.api.client import Api, api_for
from tests.api.world import PASSWORD, build_world
from tests.conftest import TODAY, Database
from tests.conftest import test_settings as settings_for
from tests.unit.test_limits_cost import README_ME, README_PORTFOLIO


class SlowStatements:
    """While active, every statement of the engine takes at least ``seconds`` longer: the
    pause blocks the event loop, so the deadline falls due during the statement and the
    cancellation lands at the await that is waiting for the driver."""

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.seconds = seconds
        self.active = False
        event.listen(engine, "before_cursor_execute", self._pause)

    def _pause(self, *_statement: object) -> None:
        if self.active:
            time.sleep(self.seconds)

    def __enter__(self) -> None:
        self.active = True

    def __exit__(self, *_exc: object) -> None:
        self.active = False


RESUME = "portfolio(first: 1) { resume { nombreClients montantEnRetard } }"


def portfolio_cost(clients: int) -> int:
    # portfolio: 1 + 2 passes over the visible clients; resume: 1 + its 2 fields.
    return 1 + 2 * PORTFOLIO_ROW_COST * clients + 1 + 2


async def test_the_documented_weights() -> None:
    assert (COST_BUDGET, PORTFOLIO_ROW_COST, ACCOUNT_REPLAY_COST, DEFAULT_LIST_MAXIMUM) == (
        400_000,
        1,
        20,
        10,
    )


async def test_the_portfolio_costs_per_visible_client(db: Database) -> None:
    async with api_for(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        collab = await api.login("collab@alpha.fr", PASSWORD)
        for token, clients in ((admin, 2), (collab, 1)):
            body = await api.post(f"{{ {RESUME} }}", token=token)
            assert body["data"]["portfolio"]["resume"]["nombreClients"] == clients
            assert body["extensions"]["cost"]["requestedQueryCost"] == portfolio_cost(clients)
        # A page alone reads only its clients: compte replays an account, 1 + its
        # weight + its fields, per client of the page.
        page = "nodes { compte { solde } }"
        body = await api.post(f"{{ portfolio(first: 5) {{ {page} }} }}", token=admin)
        per_page = 1 + 1 + 5 * (1 + ACCOUNT_REPLAY_COST + 1)
        assert body["extensions"]["cost"]["requestedQueryCost"] == per_page
        # Its totals, an indicator sort or a filter read every visible client, also
        # through a fragment.
        whole = 2 * PORTFOLIO_ROW_COST * 2
        for document, extra in (
            (f"{{ portfolio(first: 5) {{ totalCount {page} }} }}", 1),
            (f"{{ portfolio(first: 5, tri: {{champ: MONTANT_EN_RETARD}}) {{ {page} }} }}", 0),
            (f"{{ portfolio(first: 5, filtre: {{regime: MICRO}}) {{ {page} }} }}", 0),
            (
                f"{{ portfolio(first: 5) {{ ...totals {page} }} }} "
                "fragment totals on PortfolioConnection { totalCount }",
                1,
            ),
        ):
            body = await api.post(document, token=admin)
            assert "errors" not in body, body
            cost = body["extensions"]["cost"]["requestedQueryCost"]
            assert cost == per_page + whole + extra, document


async def bulk_clients(api: Api, clients: int) -> None:
    async with api.session() as session:
        caisse = await builders.caisse(session)
        cabinet = await builders.cabinet(session, nom="Cabinet Gamma")
        await builders.user(
            session,
            identifiant="admin@gamma.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        rows = [
            models.Travailleur(
                caisse_id=caisse.id,
                nir=builders.valid_nir(1, 70, 1, "75", 200000 + n),
                civilite="M.",
                nom=f"Client{n:04d}",
                prenom="Paul",
                date_naissance=date(1970, 1, 1),
                courriel=f"client{n}@example.fr",
                telephone=None,
                adresse="1 rue A",
                code_postal="75001",
                ville="Paris",
                region="Île-de-France",
                statut=StatutProfessionnel.ARTISAN,
                profession="Menuisier",
                regime=Regime.CLASSIQUE,
                situation=Situation.ACTIF,
                date_debut_activite=date(2015, 1, 1),
                periodicite=Periodicite.MENSUEL_5,
            )
            for n in range(clients)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            models.Mandat(
                cabinet_id=cabinet.id,
                travailleur_id=row.id,
                statut=StatutMandat.ACTIF,
                date_demande=date(2024, 1, 10),
                date_activation=date(2024, 1, 12),
            )
            for row in rows
        )
        await session.commit()


async def test_30_aliases_of_the_portfolio_totals_are_refused_before_execution(
    db: Database,
) -> None:
    # A whole-portfolio pass reads one stored row per client: 30 aliases of the totals
    # pass the budget from 6 667 visible clients on.
    async with api_for(db) as api:
        await bulk_clients(api, 6_700)
        token = await api.login("admin@gamma.fr", PASSWORD)
        query = "{ " + " ".join(f"a{n}: {RESUME}" for n in range(30)) + " }"
        counter = api.counter()
        async with counter.counting():
            body = await api.post(query, token=token)
        cost = 30 * portfolio_cost(6_700)
        assert cost == 402_120 > COST_BUDGET
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {
            "code": "QUERY_TOO_COSTLY",
            "cost": cost,
            "budget": COST_BUDGET,
        }
        # The principal, then the count of the visible clients: nothing else ran.
        assert counter.count == 2
        body = await api.post("{ " + RESUME + " }", token=token)
        assert body["data"]["portfolio"]["resume"]["nombreClients"] == 6_700


@pytest.fixture
async def demo(db: Database):
    async with api_for(db) as api:
        async with api.session() as session:
            await seed_demo(session, TODAY, builders.password_hash)
            await session.commit()
        yield api


async def test_the_readme_examples_never_cost_more_than_requested(demo: Api) -> None:
    worker = await demo.login("184127510804231", "demo-travailleur-2026")
    expert = await demo.login("expert@cabinet-demo.fr", "demo-expert-2026")
    costs = {}
    for name, query, token in (
        ("account", README_ME, worker),
        ("portfolio", README_PORTFOLIO, expert),
    ):
        body = await demo.post(query, token=token)
        assert "errors" not in body, body["errors"]
        costs[name] = body["extensions"]["cost"]
    assert all(c["requestedQueryCost"] >= c["actualQueryCost"] for c in costs.values()), costs
    assert costs["account"]["requestedQueryCost"] == 567


async def test_a_request_past_its_deadline_ends_with_request_timeout(db: Database) -> None:
    settings = replace(settings_for(db.url), request_timeout_seconds=0.000001)
    services = build_services(settings)
    app = create_app(services=services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": 'mutation { login(input: {identifiant: "x", motDePasse: "y"}) '
                "{ accessToken } }"
            },
        )
    await services.engine.dispose()
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": (
                    "Requête interrompue : plus de 1e-06 s d'exécution. "
                    "Demandez moins de données à la fois (paginez)."
                ),
                "extensions": {"code": "REQUEST_TIMEOUT", "seconds": 0.000001},
            }
        ],
    }


async def test_a_deadline_in_the_middle_of_statements_leaves_the_server_usable(
    db: Database,
) -> None:
    async with api_for(db) as api:
        await bulk_clients(api, 300)
        token = await api.login("admin@gamma.fr", PASSWORD)
    settings = replace(settings_for(db.url), request_timeout_seconds=0.02)
    services = build_services(settings)
    slow = SlowStatements(services.engine.sync_engine, seconds=0.01)
    transport = httpx.ASGITransport(app=create_app(services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        short = Api(http, services)
        # Five passes of at least two statements of 10 ms each: always more than 20 ms,
        # however fast the machine (once the situations are stored, the passes are quick).
        query = "{ " + " ".join(f"a{n}: {RESUME}" for n in range(5)) + " }"
        with slow:
            for _ in range(3):
                body = await short.post(query, token=token)
                assert body["data"] is None
                assert [e["extensions"]["code"] for e in body["errors"]] == ["REQUEST_TIMEOUT"]
        assert await short.data("{ __typename }", token=token) == {"__typename": "Query"}
    await services.engine.dispose()
