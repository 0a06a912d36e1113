"""The cabinet's dashboard in headless Chromium against a real server with the demo:
the portfolio (filters, sorts, search as you type, totals, CSV), the batch forms,
accessibility at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web import conftest
from tests.web.conftest import DESKTOP, PHONE, log_in, no_horizontal_scroll, serious_violations

PORTFOLIO = """query($filtre: PortfolioFiltre, $tri: PortfolioTri) {
  portfolio(first: 500, filtre: $filtre, tri: $tri) {
    totalCount resume { nombreClients clientsEnRetard }
    edges { indicateurs { montantEnRetard } node { nom prenom } }
  }
}"""


def api(base: str, query: str, variables: dict[str, object]) -> dict[str, object]:
    return conftest.graphql_as(base, "expert", query, variables)


def rows(tab):  # type: ignore[no-untyped-def]
    return tab.get_by_role("table", name="Clients du portefeuille").locator("tbody tr")


@pytest.fixture
def tab(browser, demo_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, demo_server, "expert")
    expect(rows(page).first).to_be_visible(timeout=20_000)
    yield page
    assert problems == []
    context.close()


def test_the_table_shows_every_client_with_the_apis_totals(tab, demo_server: str) -> None:
    expected = api(demo_server, PORTFOLIO, {"tri": {"champ": "NOM"}})["portfolio"]
    assert expected["totalCount"] == 52
    expect(rows(tab)).to_have_count(52)
    expect(tab.get_by_text("52 clients trouvés")).to_be_visible()
    figures = tab.get_by_label("Totaux du portefeuille filtré")
    assert "Clients\n52" in figures.inner_text()
    names = [f"{e['node']['nom']} {e['node']['prenom']}" for e in expected["edges"]]
    shown = [t.split("\n")[0] for t in rows(tab).locator("td:nth-child(2)").all_inner_texts()]
    assert shown == names


def test_filters_sorts_and_search_as_you_type(tab, demo_server: str) -> None:
    tab.get_by_label("En retard", exact=True).check()
    expect(tab.get_by_text("11 clients trouvés")).to_be_visible()
    expect(rows(tab)).to_have_count(11)
    # Sort on the overdue amount, largest first (a second click reverses the order).
    tab.get_by_role("button", name=re.compile("^En retard")).click()
    tab.get_by_role("button", name=re.compile("^En retard")).click()
    expected = api(
        demo_server,
        PORTFOLIO,
        {"filtre": {"enRetard": True}, "tri": {"champ": "MONTANT_EN_RETARD", "sens": "DESC"}},
    )["portfolio"]["edges"]
    first = expected[0]["node"]
    expect(rows(tab).first).to_contain_text(f"{first['nom']} {first['prenom']}")
    expect(rows(tab).first).to_contain_text("16\u00a0304,75\u00a0€")
    # Search as you type, accents and case ignored, combined with the other filters.
    tab.get_by_label("En retard", exact=True).uncheck()
    tab.get_by_label("Rechercher").press_sequentially("emilie", delay=30)
    expect(rows(tab)).to_have_count(1)
    expect(rows(tab).first).to_contain_text("Benali Émilie")
    tab.get_by_role("button", name="Effacer les filtres").click()
    expect(rows(tab)).to_have_count(52)
    tab.get_by_role("group", name="Situation").get_by_label("Radié").check()
    expect(tab.get_by_text(re.compile(r"^\d+ clients? trouvés?$"))).not_to_have_text(
        "52 clients trouvés"
    )
    for text in rows(tab).locator("td:nth-child(3)").all_inner_texts():
        assert text == "Radié"


def test_csv_export_of_the_filtered_portfolio(tab) -> None:
    tab.get_by_label("En retard", exact=True).check()
    expect(rows(tab)).to_have_count(11)
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Exporter en CSV").click()
    download = info.value
    assert download.suggested_filename == "portefeuille.csv"
    content = Path(download.path()).read_bytes().decode("utf-8")
    assert content.startswith("\ufeffNom;Prénom;NIR;SIRET;Régime;Situation;Montant en retard;")
    lines = content.strip("\r\n").split("\r\n")
    assert len(lines) == 12
    assert any(line.startswith("Marty;Yasmina;") and ";16304,75;" in line for line in lines)


def test_batch_periodicity_gives_one_result_per_row(tab) -> None:
    rows(tab).nth(0).get_by_role("checkbox").check()
    rows(tab).nth(1).get_by_role("checkbox").check()
    expect(tab.get_by_text("2 clients sélectionnés")).to_be_visible()
    tab.get_by_role("button", name="Actions groupées").click()
    tab.get_by_role("tab", name="Périodicité").click()
    tab.get_by_label("Nouvelle périodicité de prélèvement").select_option("MENSUEL_20")
    tab.get_by_role("button", name="Changer la périodicité de 2 clients").click()
    results = tab.get_by_role("table", name="Résultat par client").locator("tbody tr")
    expect(results).to_have_count(2)
    expect(tab.get_by_text(re.compile(r"\d réussites?, \d échecs?\."))).to_be_visible()


def test_batch_estimate_checks_each_amount_then_answers_per_row(tab) -> None:
    tab.get_by_label("Rechercher").fill("Aubert")
    expect(rows(tab)).to_have_count(1)
    expect(rows(tab).first).to_contain_text("Aubert Virginie")
    rows(tab).first.get_by_role("checkbox").check()
    tab.get_by_label("Rechercher").fill("Berger")
    expect(rows(tab).first).to_contain_text("Berger Samir")
    rows(tab).first.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Actions groupées").click()
    tab.get_by_label("Revenu estimé de Virginie Aubert").fill("41 000")
    tab.get_by_label("Revenu estimé de Samir Berger").fill("beaucoup")
    tab.get_by_role("button", name="Enregistrer les estimations").click()
    expect(tab.get_by_role("alert").filter(has_text="deux décimales au plus")).to_have_count(1)
    tab.get_by_label("Revenu estimé de Samir Berger").fill("38000,50")
    tab.get_by_role("button", name="Enregistrer les estimations").click()
    results = tab.get_by_role("table", name="Résultat par client").locator("tbody tr")
    expect(results).to_have_count(2)
    # Without « j'ai été informé(e) » the API refuses each item, in French.
    expect(results.first).to_contain_text("Refusé")
    tab.get_by_label(re.compile("^J'ai été informé")).check()
    tab.get_by_role("button", name="Enregistrer les estimations").click()
    expect(tab.get_by_text("2 réussites, 0 échec.")).to_be_visible()
    expect(results.first).to_contain_text("cotisations de l'année")


def test_the_collaborator_sees_only_the_assigned_clients(browser, demo_server: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    tab = context.new_page()
    log_in(tab, demo_server, "collab")
    expect(tab.get_by_text("10 clients trouvés")).to_be_visible(timeout=20_000)
    expect(tab.get_by_label("Collaborateur")).to_have_count(0)  # the admin's filter only
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboard_is_accessible_and_fits_the_screen(
    browser, demo_server: str, viewport
) -> None:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    tab = context.new_page()
    tab.goto(f"{demo_server}/")
    tab.get_by_role("button", name="Se connecter").wait_for()
    assert serious_violations(tab) == []
    log_in(tab, demo_server, "expert")
    expect(rows(tab).first).to_be_visible(timeout=20_000)
    assert serious_violations(tab) == []
    assert no_horizontal_scroll(tab)
    rows(tab).first.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Actions groupées").click()
    assert serious_violations(tab) == []
    assert no_horizontal_scroll(tab)
    context.close()


def test_a_refused_search_is_said_in_french_and_the_table_stays(tab) -> None:
    tab.get_by_label("Rechercher").fill("a" * 101)
    expect(tab.get_by_role("alert")).to_contain_text("filtre.recherche : au plus 100 caractères.")
    expect(rows(tab)).to_have_count(52)  # the last answer stays on screen
    tab.get_by_label("Rechercher").fill("Aubert")
    expect(tab.get_by_role("alert")).to_have_count(0)
    expect(rows(tab)).to_have_count(1)
