"""The worker's "Mon compte" in a real browser against a real server with the demo:
every section of the brochure at phone width, the three-step estimate, the direct
debit and periodicity, a payment-plan request, attestations downloaded with the token,
and the micro-entrepreneur's declarations in place of revenus/cotisations/échéances."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import DESKTOP, PHONE, log_in, serious_violations

SHOTS = Path(os.environ.get("WEB_SCREENSHOTS", "var/screenshots"))
CLASSIQUE = {
    "synthese": "Synthèse du compte",
    "infos": "Informations générales",
    "revenus": "Revenus",
    "cotisations": "Cotisations",
    "echeances": "Échéances dues",
    "paiements": "Paiements",
    "prelevement": "Prélèvement automatique",
    "delais": "Délais de paiement",
    "attestations": "Attestations",
    "carriere": "Relevé de carrière",
    "prevention": "Ma prévention santé",
    "caisse": "Ma caisse",
}
MICRO = {
    "synthese": "Synthèse du compte",
    "infos": "Informations générales",
    "declarations": "Déclarations",
    "paiements": "Paiements",
    "prelevement": "Prélèvement automatique",
    "delais": "Délais de paiement",
    "attestations": "Attestations",
    "prevention": "Ma prévention santé",
    "caisse": "Ma caisse",
}
EUROS = re.compile(r"\d,\d\d\u00a0€")
DATE = re.compile(r"\b\d\d/\d\d/\d{4}\b")


@pytest.fixture
def tab(browser, request) -> Iterator[object]:  # type: ignore[no-untyped-def]
    viewport = getattr(request, "param", PHONE)
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.problems.append(str(error)))  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.problems.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def open_section(tab, base: str, section: str, title: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(f"{base}/#/compte/{section}")
    expect(tab.locator("h1")).to_have_text(title)
    expect(tab.locator(".chargement")).to_have_count(0, timeout=20_000)


def no_horizontal_scroll(tab) -> None:  # type: ignore[no-untyped-def]
    width = tab.evaluate("document.documentElement.clientWidth")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width


def shot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_section_of_an_artisan_at_phone_width(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    navigation = tab.get_by_role("navigation", name="Rubriques de Mon compte")
    expect(navigation.get_by_role("link")).to_have_text(list(CLASSIQUE.values()))
    for section, title in CLASSIQUE.items():
        open_section(tab, demo_server, section, title)
        no_horizontal_scroll(tab)
        assert serious_violations(tab) == [], section
        shot(tab, f"compte-artisan-{section}")
    assert tab.problems == []


def test_the_sections_show_french_amounts_and_dates(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "synthese", "Synthèse du compte")
    text = tab.locator("main").inner_text()
    assert "Solde du compte\n0,00\u00a0€" in text
    assert "dernière journée comptable, le 20/11/2026" in text
    open_section(tab, demo_server, "infos", "Informations générales")
    text = tab.locator("main").inner_text()
    assert "184127510804231" in text and "Artisan" in text and "SIRET" in text
    open_section(tab, demo_server, "cotisations", "Cotisations")
    for tab_name in ("Cotisations provisionnelles", "Cotisations définitives"):
        tab.get_by_role("tab", name=tab_name).click()
        expect(tab.get_by_role("tab", name=tab_name)).to_have_attribute("aria-selected", "true")
    tab.get_by_role("combobox", name="Année").select_option("2025")
    tab.get_by_role("tab", name="Récapitulatif des cotisations").click()
    recap = tab.get_by_role("tabpanel").inner_text()
    assert "Récapitulatif 2025" in recap and "Régularisation" in recap
    assert EUROS.search(recap)
    open_section(tab, demo_server, "echeances", "Échéances dues")
    table = tab.get_by_role("table").inner_text()
    assert "05/01/2026" in table and DATE.search(table) and EUROS.search(table)
    # Another period: only its instalments.
    tab.get_by_label("Du", exact=True).fill("01/01/2025")
    tab.get_by_label("Au", exact=True).fill("31/03/2025")
    tab.get_by_role("button", name="Afficher").click()
    expect(tab.get_by_role("table")).to_contain_text("Échéances du 01/01/2025 au 31/03/2025")
    tab.get_by_label("Au", exact=True).fill("2025-03-31")
    tab.get_by_role("button", name="Afficher").click()
    expect(tab.get_by_role("alert")).to_have_text(
        "Au : saisissez une date au format jj/mm/aaaa, par exemple 01/01/2026."
    )
    assert "2026" not in tab.get_by_role("table").locator("tbody").inner_text()
    open_section(tab, demo_server, "paiements", "Paiements")
    expect(tab.get_by_role("table")).to_contain_text("Prélèvement")
    open_section(tab, demo_server, "carriere", "Relevé de carrière")
    expect(tab.locator("main")).to_contain_text("trimestres")
    open_section(tab, demo_server, "caisse", "Ma caisse")
    expect(tab.locator("main")).to_contain_text("Horaires")
    assert tab.problems == []


def test_the_estimate_in_three_steps_then_the_avis_d_appel(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "revenus", "Revenus")
    steps = tab.locator(".etapes li[aria-current='step']")
    expect(steps).to_have_text("1. Estimation")
    expect(tab.locator(".estimation .avertissement")).to_contain_text(
        "Ne sous-estimez pas votre revenu."
    )
    # The e-mail address is the one on file, to be checked.
    assert "@" in tab.get_by_label("Adresse électronique (accusé de réception)").input_value()
    # A bad amount is refused on the page, before anything is sent.
    tab.get_by_label("Revenu professionnel estimé 2026 (€)").fill("beaucoup")
    tab.get_by_role("button", name="Prévisualiser").click()
    expect(tab.get_by_role("alert")).to_contain_text("Montant : saisissez un montant en euros")
    # Without the box ticked, the server refuses, naming the field.
    tab.get_by_label("Revenu professionnel estimé 2026 (€)").fill("48 000")
    tab.get_by_role("button", name="Prévisualiser").click()
    expect(tab.get_by_role("alert")).to_contain_text("jaiEteInforme")
    expect(steps).to_have_text("1. Estimation")
    tab.get_by_label(re.compile("J'ai été informé\\(e\\)")).check()
    tab.get_by_role("button", name="Prévisualiser").click()
    expect(steps).to_have_text("2. Prévisualisation")
    preview = tab.locator(".estimation").inner_text()
    assert "rien n'est encore enregistré" in preview
    assert "Cotisations provisionnelles recalculées" in preview and "Nouvel échéancier" in preview
    assert EUROS.search(preview)
    assert serious_violations(tab) == []
    shot(tab, "compte-artisan-estimation-apercu")
    # Back to the form keeps what was typed; preview again, then confirm.
    tab.get_by_role("button", name="Modifier").click()
    expect(tab.get_by_label("Revenu professionnel estimé 2026 (€)")).to_have_value("48 000")
    tab.get_by_role("button", name="Prévisualiser").click()
    tab.get_by_role("button", name="Confirmer l'estimation").click()
    expect(steps).to_have_text("3. Confirmation")
    expect(tab.get_by_role("status").first).to_contain_text(
        "Votre estimation de 48\u00a0000,00\u00a0€ pour 2026 est enregistrée."
    )
    shot(tab, "compte-artisan-estimation-confirmation")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Télécharger l'avis d'appel rectificatif").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.url.startswith("blob:")
    # The new estimate is listed with the other incomes, and its avis below.
    expect(tab.get_by_role("table").first).to_contain_text("48\u00a0000,00\u00a0€")
    expect(tab.locator("main")).to_contain_text("revenu estimé 48\u00a0000,00\u00a0€")
    assert tab.problems == []


def test_direct_debit_periodicity_and_a_refused_iban(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "prelevement", "Prélèvement automatique")
    expect(tab.locator("main")).to_contain_text("Mensuel, le 5")
    tab.get_by_role("combobox", name="Périodicité de prélèvement").select_option("MENSUEL_20")
    tab.get_by_role("button", name="Changer la périodicité").click()
    expect(tab.get_by_role("status").first).to_contain_text("La périodicité est changée.")
    expect(tab.locator("dl.fiche")).to_contain_text("Mensuel, le 20")
    # Once a calendar year: a second change is refused, in French.
    tab.get_by_role("combobox", name="Périodicité de prélèvement").select_option("TRIMESTRIEL")
    tab.get_by_role("button", name="Changer la périodicité").click()
    expect(tab.get_by_role("alert")).to_contain_text("n'a pas été acceptée")
    tab.get_by_label("IBAN").fill("FR76 0000 0000 0000")
    tab.get_by_label("BIC").fill("AGRIFRPP")
    tab.get_by_role("button", name="Signer le mandat de prélèvement").click()
    expect(tab.get_by_role("alert").last).to_contain_text("iban")
    assert tab.problems == []


def test_a_commercant_with_arrears_is_refused_the_vigilance(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "commercant")
    open_section(tab, demo_server, "attestations", "Attestations")
    tab.get_by_role("button", name="Obtenir l'attestation").click()
    expect(tab.get_by_role("alert")).to_contain_text("n'a pas été acceptée")
    expect(tab.get_by_role("alert")).to_contain_text("(travailleurId)")
    assert tab.problems == []


# After the refusal above: an accepted, respected plan makes the vigilance obtainable.
def test_a_commercant_asks_for_a_payment_plan_and_follows_it(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "commercant")
    open_section(tab, demo_server, "synthese", "Synthèse du compte")
    assert not tab.locator(".chiffres").inner_text().count("Dont en retard\n0,00")
    open_section(tab, demo_server, "delais", "Délais de paiement")
    overdue = tab.get_by_role("group", name="Échéances en retard couvertes").get_by_role("checkbox")
    expect(overdue).to_have_count(3)
    tab.get_by_label("Nombre de mensualités").fill("6")
    tab.get_by_label("Première mensualité").fill("15/12/2026")
    tab.get_by_label("Motif").fill("Baisse d'activité passagère")
    tab.get_by_role("button", name="Envoyer la demande").click()
    expect(tab.get_by_role("status").first).to_contain_text("Demande enregistrée : Accepté.")
    expect(tab.locator("ul.liste")).to_contain_text("en 6 mensualités à partir du 15/12/2026")
    # One plan at a time: no new request while this one runs.
    expect(tab.locator("main")).to_contain_text("Un délai de paiement est en cours")
    expect(tab.get_by_role("button", name="Envoyer la demande")).to_have_count(0)
    assert serious_violations(tab) == []
    shot(tab, "compte-commercant-delais")
    # Renegotiate the accepted plan: more instalments.
    tab.get_by_role("button", name="Renégocier cet échéancier").click()
    form = tab.locator("form", has_text="Renégocier l'échéancier")
    form.get_by_label("Nombre de mensualités").fill("10")
    form.get_by_label("Première mensualité").fill("15/12/2026")
    form.get_by_label("Motif").fill("Une mensualité plus légère")
    form.get_by_role("button", name="Envoyer la demande").click()
    expect(tab.locator("ul.liste")).to_contain_text("en 10 mensualités")
    expect(tab.locator("ul.liste")).to_contain_text("Renégocié")
    expect(tab.get_by_role("status").first).to_contain_text("Demande enregistrée : Accepté.")
    no_horizontal_scroll(tab)
    assert tab.problems == []


def test_attestations_are_issued_refused_and_downloaded_with_the_token(
    demo_server: str, tab
) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "attestations", "Attestations")
    tab.get_by_role("button", name="Obtenir l'attestation").click()
    expect(tab.get_by_role("status").first).to_contain_text("Attestation de vigilance délivrée")
    with tab.expect_download() as download:
        tab.get_by_role("status").first.get_by_role("button", name="Télécharger le PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    expect(tab.locator("ul.liste")).to_contain_text("Code de vérification")
    # A year not closed yet is refused, with the server's reason.
    tab.get_by_role("combobox", name="Attestation").select_option("CSG_CRDS")
    tab.get_by_label("Année").fill("2026")
    tab.get_by_role("button", name="Obtenir l'attestation").click()
    expect(tab.get_by_role("alert")).to_contain_text("annee")
    assert tab.problems == []


def test_a_micro_entrepreneur_sees_declarations_instead_of_revenus(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "micro")
    expect(tab.locator("h1")).to_have_text("Synthèse du compte")
    navigation = tab.get_by_role("navigation", name="Rubriques de Mon compte")
    expect(navigation.get_by_role("link")).to_have_text(list(MICRO.values()))
    for section, title in MICRO.items():
        open_section(tab, demo_server, section, title)
        no_horizontal_scroll(tab)
        assert serious_violations(tab) == [], section
        shot(tab, f"compte-micro-{section}")
    open_section(tab, demo_server, "declarations", "Déclarations")
    table = tab.get_by_role("table").inner_text()
    assert "chaque mois" in tab.locator("main").inner_text()
    assert re.search(r"2026-\d\d", table) and EUROS.search(table) and "%" in table
    # The classic sections are not there, even typed in the address.
    tab.goto(f"{demo_server}/#/compte/revenus")
    expect(tab.locator("h1")).to_have_text("Synthèse du compte")
    assert tab.problems == []


@pytest.mark.parametrize("tab", [DESKTOP], indirect=True)
def test_the_desktop_layout(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "synthese", "Synthèse du compte")
    no_horizontal_scroll(tab)
    assert serious_violations(tab) == []
    shot(tab, "compte-artisan-synthese-desktop")
    open_section(tab, demo_server, "revenus", "Revenus")
    shot(tab, "compte-artisan-revenus-desktop")
    assert tab.problems == []
