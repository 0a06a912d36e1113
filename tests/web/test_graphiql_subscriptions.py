"""GraphiQL runs a subscription over the gateway's WebSocket, in a real browser."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.seed.demo_identites import AGENT, EXPERT, MOT_DE_PASSE_TRAVAILLEUR, NIR_ARTISAN
from tests.served import GATEWAY, serve

SUBSCRIPTION = "subscription { evenementsPortefeuille { sequence type travailleurId } }"
LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken }
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("graphiql-live")
    with serve(folder) as (base, _):
        env = os.environ | {
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'gateway.sqlite3'}",
            "GATEWAY_TODAY": "2026-11-23",
        }
        subprocess.run([str(GATEWAY), "seed", "demo"], env=env, check=True, capture_output=True)
        yield base


def post(base: str, query: str, variables: dict[str, object], token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict = response.json()
    return body


def token(base: str, identifiant: str, password: str) -> str:
    return str(post(base, LOGIN, {"i": identifiant, "m": password})["data"]["login"]["accessToken"])


def test_graphiql_runs_a_subscription_and_shows_the_events_as_they_come(
    server: str, browser
) -> None:
    expert = token(server, EXPERT.courriel, EXPERT.mot_de_passe)
    headers = json.dumps({"Authorization": f"Bearer {expert}"})
    tab_state = {
        "tabs": [
            {
                "id": "abonnement",
                "hash": None,
                "title": "abonnement",
                "query": SUBSCRIPTION,
                "variables": None,
                "headers": headers,
                "operationName": None,
                "response": None,
            }
        ],
        "activeTabIndex": 0,
    }
    context = browser.new_context()
    # What a user would type in the editors: GraphiQL reads its tabs from sessionStorage.
    context.add_init_script(
        "window.sessionStorage.setItem('graphiql:tabState', "
        f"{json.dumps(json.dumps(tab_state))});"
        f"window.sessionStorage.setItem('graphiql:query', {json.dumps(SUBSCRIPTION)});"
        f"window.sessionStorage.setItem('graphiql:headers', {json.dumps(headers)});"
    )
    tab = context.new_page()
    failures: list[str] = []
    tab.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    tab.goto(f"{server}/graphql")
    tab.wait_for_selector(".graphiql-container", timeout=20_000)
    tab.click(".graphiql-execute-button")
    tab.wait_for_timeout(1500)  # the socket is open and the subscription has started
    worker = token(server, NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
    worker_id = post(server, "{ me { travailleur { id } } }", {}, worker)["data"]["me"][
        "travailleur"
    ]["id"]
    agent = token(server, AGENT.courriel, AGENT.mot_de_passe)
    paid = post(
        server,
        """mutation($id: ID!) {
             recordPaiement(input: {travailleurId: $id, montant: "15.00",
                                    datePaiement: "2026-11-20", mode: VIREMENT}) {
               userErrors { code } } }""",
        {"id": worker_id},
        agent,
    )
    assert paid["data"]["recordPaiement"]["userErrors"] == []
    # A locator, not wait_for_function: evaluating a string is what the page's CSP forbids.
    tab.locator(".result-window").filter(has_text="PAIEMENT_ENREGISTRE").wait_for(timeout=10_000)
    assert worker_id in tab.inner_text(".result-window")
    assert failures == []
    context.close()
