"""Live updates in a real browser against a real server with the demo: the dashboard's
table and totals, a client's page and the worker's "Mon compte" follow a change made
through the API by another person (an agent records a payment), without a reload; a
revoked mandate interrupts the client page's live updates, and « Actualiser » still
works. Each wait is for the DOM to change (Playwright's expect), never a fixed sleep."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.conftest import DEMO, DESKTOP, log_in, serious_violations

LOGIN = """mutation($i: LoginInput!) { login(input: $i) { accessToken } }"""
PAY = """mutation($i: RecordPaiementInput!) { recordPaiement(input: $i) { userErrors { code } } }"""
PORTFOLIO = """{ portfolio(first: 500, tri: {champ: NOM, sens: ASC}) {
  resume { montantEnRetard }
  edges { indicateurs { montantEnRetard } node { id nom prenom } }
} }"""
NBSP = "\u00a0"


def euros(value: str) -> str:
    """The page's "1 234,50 €" (format.js)."""
    whole, _, fraction = value.partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return f"{grouped},{(fraction + '00')[:2]}{NBSP}€"


def token(base: str, who: str) -> str:
    identifiant, mot_de_passe = DEMO[who]
    answer = post(base, LOGIN, {"i": {"identifiant": identifiant, "motDePasse": mot_de_passe}})
    return str(answer["login"]["accessToken"])


def post(base: str, query: str, variables: dict[str, object], bearer: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    body = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    ).json()
    assert "errors" not in body, body
    data: dict = body["data"]
    return data


def pay(base: str, travailleur_id: str, montant: str) -> None:
    """The agent of the caisse records a payment: another person, through the API."""
    paid = post(
        base,
        PAY,
        {
            "i": {
                "travailleurId": travailleur_id,
                "montant": montant,
                "datePaiement": "2026-11-20",
                "mode": "VIREMENT",
            }
        },
        token(base, "agent"),
    )
    assert paid["recordPaiement"]["userErrors"] == []


@pytest.fixture
def tab(browser, demo_server: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A WebSocket the CSP refused would be reported here.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield page
    assert problems == []
    context.close()


def live(tab):  # type: ignore[no-untyped-def]
    return tab.locator(".direct").filter(has_text="En direct")


def mark_the_page(tab) -> None:  # type: ignore[no-untyped-def]
    """A mark a reload of the page would erase."""
    tab.evaluate("window.marqueDuTest = 'toujours la même page'")


def still_the_same_page(tab) -> bool:  # type: ignore[no-untyped-def]
    return bool(tab.evaluate("window.marqueDuTest === 'toujours la même page'"))


def test_the_dashboard_row_and_totals_follow_a_payment_recorded_by_the_agent(
    tab, demo_server: str
) -> None:
    expert = token(demo_server, "expert")
    before = post(demo_server, PORTFOLIO, {}, expert)["portfolio"]
    late = next(e for e in before["edges"] if float(e["indicateurs"]["montantEnRetard"]) > 15)
    node = late["node"]
    log_in(tab, demo_server, "expert")
    row = tab.get_by_role("row").filter(has_text=f"{node['nom']} {node['prenom']}")
    overdue = row.locator("td").nth(3)
    expect(overdue).to_have_text(euros(late["indicateurs"]["montantEnRetard"]), timeout=20_000)
    total = (
        tab.get_by_label("Totaux du portefeuille filtré")
        .locator("div")
        .filter(has=tab.locator("dt", has_text="Montant en retard"))
        .locator("dd")
    )
    expect(total).to_have_text(euros(before["resume"]["montantEnRetard"]))
    expect(live(tab)).to_be_visible(timeout=20_000)
    assert serious_violations(tab) == []
    mark_the_page(tab)

    pay(demo_server, node["id"], "15.00")

    after = post(demo_server, PORTFOLIO, {}, expert)["portfolio"]
    now = next(e for e in after["edges"] if e["node"]["id"] == node["id"])
    assert now["indicateurs"]["montantEnRetard"] != late["indicateurs"]["montantEnRetard"]
    assert after["resume"]["montantEnRetard"] != before["resume"]["montantEnRetard"]
    expect(overdue).to_have_text(euros(now["indicateurs"]["montantEnRetard"]), timeout=15_000)
    expect(total).to_have_text(euros(after["resume"]["montantEnRetard"]), timeout=15_000)
    assert still_the_same_page(tab)
    expect(live(tab)).to_be_visible()


def worker_id(base: str, who: str) -> tuple[str, str]:
    """A demo worker's global ID, and their token."""
    bearer = token(base, who)
    me = post(base, "{ me { travailleur { id } } }", {}, bearer)
    return str(me["me"]["travailleur"]["id"]), bearer


def test_a_client_page_shows_a_payment_recorded_by_the_agent_without_a_reload(
    tab, demo_server: str
) -> None:
    client, _ = worker_id(demo_server, "artisan")
    log_in(tab, demo_server, "expert")
    tab.goto(f"{demo_server}/#/client/{client}/paiements")
    caption = tab.get_by_role("table").locator("caption")
    expect(caption).to_have_text(re.compile(r"^Paiements \(\d+\)$"), timeout=20_000)
    count = int(caption.inner_text().split("(")[1].rstrip(")"))
    expect(live(tab)).to_be_visible(timeout=20_000)
    mark_the_page(tab)

    pay(demo_server, client, "17.35")

    expect(caption).to_have_text(f"Paiements ({count + 1})", timeout=15_000)
    expect(tab.get_by_role("cell", name=f"17,35{NBSP}€")).to_be_visible()
    assert still_the_same_page(tab)
    assert serious_violations(tab) == []


def test_mon_compte_shows_a_payment_recorded_by_the_agent_without_a_reload(
    tab, demo_server: str
) -> None:
    worker, _ = worker_id(demo_server, "artisan")
    log_in(tab, demo_server, "artisan")
    tab.goto(f"{demo_server}/#/compte/paiements")
    expect(live(tab)).to_be_visible(timeout=20_000)
    expect(tab.get_by_text("Les versements reçus pour la période choisie.")).to_be_visible()
    mark_the_page(tab)

    pay(demo_server, worker, "21.40")

    expect(tab.get_by_role("cell", name=f"21,40{NBSP}€")).to_be_visible(timeout=15_000)
    assert still_the_same_page(tab)
    assert serious_violations(tab) == []


def test_a_lost_connection_is_opened_again_and_a_refused_token_stops_the_live_updates(
    tab, demo_server: str
) -> None:
    """The page's WebSocket goes through Playwright, which cuts it as a network or the
    server would: a lost connection (1001) is opened again by the page itself and
    nothing is missed; a refused token (4401, as at its expiry) stops the live updates
    until « Actualiser »."""
    routes: list = []

    def forward(route) -> None:  # type: ignore[no-untyped-def]
        route.connect_to_server()
        routes.append(route)

    tab.route_web_socket(re.compile(r"/graphql$"), forward)
    client, _ = worker_id(demo_server, "artisan")
    log_in(tab, demo_server, "expert")
    tab.goto(f"{demo_server}/#/client/{client}/paiements")
    caption = tab.get_by_role("table").locator("caption")
    expect(caption).to_have_text(re.compile(r"^Paiements \(\d+\)$"), timeout=20_000)
    expect(live(tab)).to_be_visible(timeout=20_000)
    mark_the_page(tab)

    with tab.expect_websocket(timeout=40_000):
        routes[-1].close(code=1001, reason="Coupure du réseau")
    expect(live(tab)).to_be_visible(timeout=20_000)
    count = int(caption.inner_text().split("(")[1].rstrip(")"))
    pay(demo_server, client, "23.45")
    expect(caption).to_have_text(f"Paiements ({count + 1})", timeout=15_000)

    routes[-1].close(code=4401, reason="Jeton expiré")
    interrupted = tab.locator(".direct").filter(has_text="Mises à jour en direct interrompues")
    expect(interrupted).to_be_visible(timeout=15_000)
    pay(demo_server, client, "24.56")
    with tab.expect_websocket(timeout=20_000):
        tab.get_by_role("button", name="Actualiser").click()
    expect(caption).to_have_text(f"Paiements ({count + 2})", timeout=15_000)
    expect(live(tab)).to_be_visible(timeout=20_000)
    assert still_the_same_page(tab)


def test_a_revoked_mandate_interrupts_the_live_updates_and_actualiser_still_works(
    tab, demo_server: str
) -> None:
    """Last of the module: the demo's cabinet loses this client."""
    client, worker = worker_id(demo_server, "commercant")
    log_in(tab, demo_server, "expert")
    tab.goto(f"{demo_server}/#/client/{client}/synthese")
    expect(tab.get_by_role("heading", level=1)).not_to_have_text(
        "Client introuvable", timeout=20_000
    )
    expect(live(tab)).to_be_visible(timeout=20_000)
    mandats = post(demo_server, "{ me { travailleur { mandats { id statut } } } }", {}, worker)[
        "me"
    ]["travailleur"]["mandats"]
    (active,) = [m for m in mandats if m["statut"] == "ACTIF"]
    revoked = post(
        demo_server,
        "mutation($i: RevokeMandatInput!) { revokeMandat(input: $i) { userErrors { code } } }",
        {"i": {"mandatId": active["id"]}},
        worker,
    )
    assert revoked["revokeMandat"]["userErrors"] == []

    interrupted = tab.locator(".direct").filter(has_text="Mises à jour en direct interrompues")
    expect(interrupted).to_be_visible(timeout=20_000)
    assert serious_violations(tab) == []
    tab.get_by_role("button", name="Actualiser").click()
    expect(tab.get_by_role("heading", name="Client introuvable")).to_be_visible(timeout=15_000)
