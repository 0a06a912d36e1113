"""The cabinet dashboard's calendar of due dates and its batch attestation form, in
headless Chromium against a real server with the demo (whose clock is 23/11/2026; the
browser's clock is set to the same day, so "the next 3 months" is the same period)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import (
    DESKTOP,
    PHONE,
    graphql_as,
    log_in,
    no_horizontal_scroll,
    serious_violations,
)

CALENDRIER = """query($du: Date!, $au: Date!) {
  calendrierCabinet(du: $du, au: $au, first: 500) {
    totalCount pageInfo { hasNextPage }
    nodes { date type libelle travailleurId travailleur { nom prenom } echeance { resteDu } }
  }
}"""
MOIS = ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre",
        "Octobre", "Novembre", "Décembre"]  # fmt: skip
NBSP = "\u00a0"


def euros(value: Decimal) -> str:
    whole, cents = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", NBSP) + f",{cents}{NBSP}€"


def calendrier(base: str, du: str, au: str, who: str = "expert") -> dict:  # type: ignore[type-arg]
    answer = graphql_as(base, who, CALENDRIER, {"du": du, "au": au})["calendrierCabinet"]
    assert not answer["pageInfo"]["hasNextPage"]  # type: ignore[index]
    return answer  # type: ignore[return-value]


def open_tab(browser, base: str, viewport=DESKTOP, who: str = "expert"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True
    )
    page = context.new_page()
    page.clock.set_fixed_time("2026-11-23T10:00:00")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, base, who)
    return context, page, problems


@pytest.fixture
def tab(browser, demo_server: str):  # type: ignore[no-untyped-def]
    context, page, problems = open_tab(browser, demo_server)
    yield page
    assert problems == []
    context.close()


def status(tab):  # type: ignore[no-untyped-def]
    return tab.get_by_role("status").filter(has_text="événement")


def events(tab):  # type: ignore[no-untyped-def]
    return tab.locator("li.evenement")


def show(tab, du: str, au: str) -> None:  # type: ignore[no-untyped-def]
    tab.get_by_label("Du", exact=True).fill(du)
    tab.get_by_label("Au", exact=True).fill(au)
    tab.get_by_role("button", name="Afficher").click()


def open_calendar(tab) -> None:  # type: ignore[no-untyped-def]
    tab.get_by_role("navigation", name="Tableau de bord du cabinet").get_by_role(
        "link", name="Calendrier des échéances"
    ).click()
    expect(tab.get_by_role("heading", name="Calendrier des échéances", level=1)).to_be_visible()


def test_the_calendar_groups_the_apis_due_dates_by_month_and_day(tab, demo_server: str) -> None:
    open_calendar(tab)
    # By default the next 3 months, from today.
    expected = calendrier(demo_server, "2026-11-23", "2027-02-22")
    nodes = expected["nodes"]
    assert expected["totalCount"] == len(nodes) == 51
    expect(status(tab)).to_have_text("51 événements du 23/11/2026 au 22/02/2027")
    expect(tab.get_by_label("Du", exact=True)).to_have_value("23/11/2026")
    expect(tab.get_by_label("Au", exact=True)).to_have_value("22/02/2027")
    expect(events(tab)).to_have_count(51)

    # Months, then days (with their weekday), in the API's order.
    months = list(dict.fromkeys(n["date"][:7] for n in nodes))
    assert months == ["2026-12", "2027-01"]
    headings = tab.locator("section.mois-calendrier > h2").all_inner_texts()
    assert headings == [f"{MOIS[int(m[5:]) - 1]} {m[:4]}" for m in months]
    days = tab.locator("section.jour h3").all_inner_texts()
    assert days[:3] == ["Samedi 05/12/2026", "Dimanche 20/12/2026", "Jeudi 31/12/2026"]
    per_day = Counter(n["date"] for n in nodes)
    assert len(days) == len(per_day)
    for day, count in per_day.items():
        y, m, d = day.split("-")
        section = tab.locator("section.jour").filter(has_text=f"{d}/{m}/{y}")
        expect(section.locator("li.evenement")).to_have_count(count)

    # Each line: the client, what falls due, what is left to pay ("1 234,50 €").
    first = nodes[0]
    line = events(tab).first
    expect(line).to_contain_text(f"{first['travailleur']['nom']} {first['travailleur']['prenom']}")
    expect(line).to_contain_text(first["libelle"])
    expect(line).to_contain_text(euros(Decimal(first["echeance"]["resteDu"])))
    # The declaration deadlines not met yet are there too.
    declarations = [n for n in nodes if n["type"] != "ECHEANCE_COTISATIONS"]
    assert len(declarations) == 14
    expect(tab.locator("li.evenement .badge", has_text="À déclarer")).to_have_count(14)
    expect(tab.get_by_text(declarations[0]["libelle"]).first).to_be_visible()

    # The totals of the period, from the API's amounts (no float on the way).
    echeances = [n for n in nodes if n["echeance"]]
    total = sum((Decimal(n["echeance"]["resteDu"]) for n in echeances), Decimal("0"))
    clients = len({n["travailleurId"] for n in nodes})
    assert tab.get_by_label("Totaux de la période").inner_text().split("\n") == [
        "Échéances de cotisations", str(len(echeances)), "Reste à payer", euros(total),
        "Déclarations à faire", "14", "Clients concernés", str(clients),
    ]  # fmt: skip

    # A client's name leads to the client's page.
    line.get_by_role("link").click()
    expect(tab).to_have_url(re.compile(f"#/client/{first['travailleurId']}$"))
    expect(tab.get_by_role("heading", level=1)).to_contain_text(first["travailleur"]["nom"])


def test_the_period_selector_and_what_it_refuses(tab, demo_server: str) -> None:
    open_calendar(tab)
    expect(status(tab)).to_have_text("51 événements du 23/11/2026 au 22/02/2027")
    # A period from today, in the address (a link one can keep).
    tab.get_by_role("link", name="12 mois").click()
    expect(tab).to_have_url(re.compile(r"#/calendrier\?du=2026-11-23&au=2027-11-22$"))
    year = calendrier(demo_server, "2026-11-23", "2027-11-22")
    expect(status(tab)).to_have_text(f"{year['totalCount']} événements du 23/11/2026 au 22/11/2027")
    expect(events(tab)).to_have_count(year["totalCount"])
    expect(tab.get_by_role("link", name="12 mois")).to_have_attribute("aria-current", "true")
    # The income declarations due on 31 May, for the clients who have not declared.
    revenus = [n for n in year["nodes"] if n["type"] == "DECLARATION_REVENUS"]
    assert revenus
    may = tab.locator("section.jour").filter(has_text="31/05/2027")
    expect(may.get_by_text(revenus[0]["libelle"]).first).to_be_visible()

    # Any two dates, typed as dd/mm/yyyy.
    show(tab, "01/12/2026", "31/12/2026")
    december = calendrier(demo_server, "2026-12-01", "2026-12-31")["totalCount"]
    on_screen = f"{december} événements du 01/12/2026 au 31/12/2026"
    expect(status(tab)).to_have_text(on_screen)
    expect(events(tab)).to_have_count(december)

    # Refusals, each naming its field; the calendar on screen stays as it was.
    refusals = [
        ("", "31/12/2026", "Du : saisissez une date au format jj/mm/aaaa, par exemple 01/01/2026."),
        ("01/12/2026", "01/11/2026", "au : la fin de la période (01/11/2026) précède son début (01/12/2026)."),
        ("01/12/2026", "01/01/2028", "au : la période couvre au plus 366 jours (reçu 397) ; découpez-la."),
    ]  # fmt: skip
    for du, au, message in refusals:
        show(tab, du, au)
        expect(tab.get_by_role("alert")).to_have_text(message)
        expect(status(tab)).to_have_text(on_screen)
        expect(events(tab)).to_have_count(december)


def test_a_long_calendar_comes_page_by_page_and_can_be_narrowed(tab, demo_server: str) -> None:
    open_calendar(tab)
    expect(events(tab)).to_have_count(51)
    tab.get_by_label("Événements par page").select_option("50")
    expect(status(tab)).to_have_text("51 événements du 23/11/2026 au 22/02/2027 (50 affichés)")
    expect(events(tab)).to_have_count(50)
    expect(tab.get_by_label("Totaux des événements affichés")).to_be_visible()
    tab.get_by_role("button", name="Afficher la suite (1 restants)").click()
    expect(events(tab)).to_have_count(51)
    expect(status(tab)).to_have_text("51 événements du 23/11/2026 au 22/02/2027")
    expect(tab.get_by_role("button", name=re.compile("^Afficher la suite"))).to_have_count(0)
    # A new answer starts again from its first page.
    tab.get_by_role("button", name="Actualiser").click()
    expect(status(tab)).to_have_text("51 événements du 23/11/2026 au 22/02/2027 (50 affichés)")
    expect(events(tab)).to_have_count(50)
    tab.get_by_role("button", name="Afficher la suite (1 restants)").click()
    expect(events(tab)).to_have_count(51)
    # Only the declarations, or only the instalments.
    tab.get_by_label("Afficher", exact=True).select_option(label="Déclarations à faire")
    expect(events(tab)).to_have_count(14)
    expect(tab.locator("li.evenement .badge", has_text="À déclarer")).to_have_count(14)
    tab.get_by_label("Afficher", exact=True).select_option(label="Échéances de cotisations")
    expect(events(tab)).to_have_count(37)
    expect(tab.locator("li.evenement .badge", has_text="À déclarer")).to_have_count(0)


def test_a_collaborator_sees_the_dates_of_the_assigned_clients_only(
    browser, demo_server: str
) -> None:
    context, tab, problems = open_tab(browser, demo_server, PHONE, who="collab")
    open_calendar(tab)
    expected = calendrier(demo_server, "2026-11-23", "2027-02-22", who="collab")
    assert 0 < expected["totalCount"] < 51
    expect(status(tab)).to_have_text(
        f"{expected['totalCount']} événements du 23/11/2026 au 22/02/2027"
    )
    shown = tab.locator("li.evenement a.client").all_inner_texts()
    assert shown == [
        f"{n['travailleur']['nom']} {n['travailleur']['prenom']}" for n in expected["nodes"]
    ]
    assert problems == []
    context.close()


def rows(tab):  # type: ignore[no-untyped-def]
    return tab.get_by_role("table", name="Clients du portefeuille").locator("tbody tr")


def results(tab):  # type: ignore[no-untyped-def]
    return tab.get_by_role("table", name="Résultat par client").locator("tbody tr")


def select_and_open_attestations(tab, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    expect(rows(tab).first).to_be_visible(timeout=20_000)
    for name in names:
        tab.get_by_label(f"Sélectionner {name}").check()
    tab.get_by_role("button", name="Actions groupées").click()
    tab.get_by_role("tab", name="Attestations").click()


def test_batch_attestations_give_a_download_or_the_refusal_per_client(tab) -> None:
    documents: list[tuple[str, str | None]] = []
    tab.on(
        "request",
        lambda r: (
            "/documents/" in r.url and documents.append((r.url, r.headers.get("authorization")))
        ),
    )
    select_and_open_attestations(tab, ["Virginie Aubert", "Sébastien Blanc", "Samir Berger"])
    tab.get_by_role("button", name="Générer 3 attestations").click()
    expect(results(tab)).to_have_count(3)
    expect(tab.get_by_text("2 réussites, 1 échec.")).to_be_visible()
    expect(results(tab).nth(0)).to_contain_text(
        "Aubert VirginieFait Attestation de vigilance du 23/11/2026, valable jusqu'au 22/05/2027."
    )
    # The client whose contributions are overdue is refused, and told why.
    expect(results(tab).nth(1)).to_contain_text("Blanc SébastienRefusé")
    expect(results(tab).nth(1)).to_contain_text(
        "5 035,68 € de cotisations restent impayés après leur échéance (le 05/10/2026, le 05/11/2026)"
    )
    expect(results(tab).nth(1).get_by_role("button")).to_have_count(0)
    expect(results(tab).nth(2)).to_contain_text("Berger SamirFait Attestation de vigilance")
    # The PDF comes with the token in a header, never in the address.
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Télécharger l'attestation de Samir Berger (PDF)").click()
    download = info.value
    assert re.fullmatch(r"attestation-vigilance-\d+-2026-11-23\.pdf", download.suggested_filename)
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert len(documents) == 1
    url, authorization = documents[0]
    assert authorization is not None and authorization.startswith("Bearer ")
    assert authorization.removeprefix("Bearer ") not in url and "?" not in url


def test_batch_attestations_for_a_closed_year_check_the_year_first(tab) -> None:
    sent: list[str] = []
    tab.on(
        "request",
        lambda r: (
            r.url.endswith("/graphql")
            and "generateAttestations" in (r.post_data or "")
            and sent.append(r.post_data or "")
        ),
    )
    select_and_open_attestations(tab, ["Virginie Aubert", "Alexandre Carré"])
    tab.get_by_label("Attestation", exact=True).select_option("CSG_CRDS")
    expect(tab.get_by_label("Année")).to_have_value("2025")
    tab.get_by_label("Année").fill("25")
    tab.get_by_role("button", name="Générer 2 attestations").click()
    expect(tab.get_by_role("alert")).to_have_text(
        "Année : l'année close, en quatre chiffres (ex. 2025)."
    )
    expect(results(tab)).to_have_count(0)
    assert sent == []  # nothing was asked of the server
    tab.get_by_label("Année").fill("2025")
    tab.get_by_role("button", name="Générer 2 attestations").click()
    expect(results(tab)).to_have_count(2)
    assert len(sent) == 1
    expect(tab.get_by_text("1 réussite, 1 échec.")).to_be_visible()
    expect(results(tab).nth(0)).to_contain_text("Fait Attestation CSG-CRDS 2025 du 23/11/2026.")
    expect(results(tab).nth(1)).to_contain_text(
        "Refusé Les micro-entrepreneurs n'ont pas de cotisations définitives annuelles"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_calendar_and_batch_attestations_are_accessible_and_fit_the_screen(
    browser, demo_server: str, viewport
) -> None:
    context, tab, problems = open_tab(browser, demo_server, viewport)
    select_and_open_attestations(tab, ["Sylvie Dubois", "Romain Dubois"])
    tab.get_by_role("button", name="Générer 2 attestations").click()
    expect(results(tab)).to_have_count(2)
    expect(results(tab).nth(1)).to_contain_text("Toutes vos déclarations doivent être faites")
    assert serious_violations(tab) == []
    assert no_horizontal_scroll(tab)
    open_calendar(tab)
    expect(events(tab)).to_have_count(51)
    assert serious_violations(tab) == []
    assert no_horizontal_scroll(tab)
    tab.get_by_label("Au", exact=True).fill("01/11/2026")
    tab.get_by_role("button", name="Afficher").click()
    expect(tab.get_by_role("alert")).to_be_visible()
    assert serious_violations(tab) == []
    assert problems == []
    context.close()


def test_the_periods_offered_from_today(tab) -> None:
    periods = tab.evaluate(
        """async () => {
            const c = await import('/static/app/calendrier.js');
            return [c.aujourdhui(), c.periode('2026-11-23', { jours: 30 }),
                    c.periode('2026-11-23', { mois: 3 }), c.periode('2026-11-23', { mois: 12 }),
                    c.periode('2027-01-31', { mois: 1 }), c.periode('2028-02-29', { mois: 12 })];
        }"""
    )
    assert periods == [
        "2026-11-23",
        {"du": "2026-11-23", "au": "2026-12-22"},
        {"du": "2026-11-23", "au": "2027-02-22"},
        {"du": "2026-11-23", "au": "2027-11-22"},  # 365 days: within the API's 366
        {"du": "2027-01-31", "au": "2027-02-28"},  # a month from 31 January: to 28 February
        {"du": "2028-02-29", "au": "2029-02-28"},  # 366 days
    ]
