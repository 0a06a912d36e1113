"""A client's page for the cabinet, in headless Chromium against the demo: every
section, the three-step estimate, the actions with their refusals, documents
downloaded with the token, accessibility at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import DESKTOP, PHONE, log_in, no_horizontal_scroll, serious_violations

SECTIONS = [
    "Synthèse",
    "Échéances",
    "Paiements",
    "Cotisations",
    "Délais de paiement",
    "Documents",
    "Journal",
    "Actions",
]


def open_client(tab, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    log_in(tab, base, "expert")
    tab.get_by_role("link", name=name).click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text(name.split()[1], timeout=20_000)


def section(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    tab.get_by_role("navigation", name="Rubriques du client").get_by_role(
        "link", name=name, exact=True
    ).click()


@pytest.fixture
def tab(demo_server: str, browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    assert problems == []
    context.close()


def test_every_section_of_a_client_in_arrears(tab, demo_server: str) -> None:
    open_client(tab, demo_server, "Blanc Sébastien")
    summary = tab.get_by_label("Synthèse du compte")
    expect(summary).to_contain_text("Solde au 20/11/2026")
    expect(summary).to_contain_text("5\u00a0035,68\u00a0€")
    expect(summary).to_contain_text("266,89\u00a0€")
    expect(tab.get_by_text("SIRET 37899339800015")).to_be_visible()
    section(tab, "Échéances")
    expect(tab.locator(".mois")).to_have_count(12)
    october = tab.get_by_role("region", name="octobre 2026")
    expect(october).to_contain_text("En retard")
    expect(october).to_contain_text("2\u00a0517,84\u00a0€")
    tab.get_by_role("button", name="Année précédente").click()
    expect(tab.get_by_role("heading", name="Échéances de 2025")).to_be_visible()
    section(tab, "Paiements")
    expect(tab.get_by_role("table", name=re.compile(r"^Paiements \(\d+\)"))).to_be_visible()
    section(tab, "Cotisations")
    tab.get_by_role("button", name="2025", exact=True).click()
    tab.get_by_role("tab", name="Provisionnelles").click()
    lines = tab.get_by_role("table", name="Cotisations provisionnelles").locator("tbody tr")
    expect(lines.first).to_be_visible()
    assert all(t.strip() for t in lines.locator("td.explication").all_inner_texts())
    tab.get_by_role("tab", name="Définitives").click()
    expect(tab.get_by_role("tabpanel")).to_be_visible()
    tab.get_by_role("tab", name="Récapitulatif").click()
    expect(tab.get_by_role("tabpanel")).to_contain_text(re.compile("Régularisation|Pas encore"))
    section(tab, "Délais de paiement")
    expect(tab.get_by_role("main")).to_contain_text(re.compile("Aucun délai|Délai demandé"))
    section(tab, "Journal")
    expect(tab.get_by_role("table", name=re.compile("^Journal"))).to_be_visible()
    section(tab, "Documents")
    expect(tab.get_by_role("heading", name="Attestations")).to_be_visible()


def test_the_estimate_in_three_steps_then_the_avis_dappel(tab, demo_server: str) -> None:
    open_client(tab, demo_server, "Aubert Virginie")
    section(tab, "Actions")
    steps = tab.locator(".etapes li[aria-current='step']")
    expect(steps).to_have_text("1. Estimation")
    expect(tab.get_by_text("Ne sous-estimez pas le revenu")).to_be_visible()
    expect(tab.get_by_label("Adresse électronique (vérifiez-la)")).not_to_have_value("")
    # Step 1 refused: no amount, then no « j'ai été informé(e) ».
    tab.get_by_role("button", name="Étape suivante").click()
    expect(tab.get_by_role("alert")).to_contain_text("deux décimales au plus")
    tab.get_by_label("Revenu estimé 2026 (€)").fill("52 000")
    tab.get_by_role("button", name="Étape suivante").click()
    expect(tab.get_by_role("alert")).to_contain_text("(jaiEteInforme)")
    expect(steps).to_have_text("1. Estimation")
    tab.get_by_label(re.compile("^J'ai été informé")).check()
    tab.get_by_role("button", name="Étape suivante").click()
    # Step 2: the preview (nothing written yet).
    expect(steps).to_have_text("2. Prévisualisation")
    expect(
        tab.get_by_role("table", name="Cotisations provisionnelles 2026 recalculées")
    ).to_be_visible()
    expect(
        tab.get_by_role("table", name="Nouvel échéancier").locator("tbody tr").first
    ).to_be_visible()
    expect(tab.get_by_text("52\u00a0000,00\u00a0€")).to_be_visible()
    tab.get_by_role("button", name="Confirmer").click()
    # Step 3: confirmed, the avis d'appel downloaded with the token (never in the URL).
    expect(steps).to_have_text("3. Confirmation")
    expect(
        tab.get_by_role("status").filter(has_text="L'estimation est prise en compte")
    ).to_be_visible()
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Télécharger l'avis d'appel rectificatif").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    assert "Bearer" not in download.url and download.url.startswith("blob:")
    section(tab, "Journal")
    expect(tab.get_by_role("table", name=re.compile("^Journal"))).to_contain_text("estimateRevenue")


def test_attestations_refused_then_generated_and_downloaded(tab, demo_server: str) -> None:
    # In arrears: no attestation de vigilance, said in French; nothing is issued.
    open_client(tab, demo_server, "Blanc Sébastien")
    section(tab, "Actions")
    tab.get_by_role("button", name="Générer l'attestation").click()
    expect(tab.get_by_role("alert").filter(has_text="n'a pas été acceptée")).to_be_visible()
    tab.get_by_label("Attestation", exact=True).select_option("CSG_CRDS")
    expect(tab.get_by_label("Année")).to_have_value("2025")
    # Up to date: the attestation de vigilance, downloaded with the token.
    tab.get_by_role("link", name="← Portefeuille").click()
    tab.get_by_role("link", name="Aubert Virginie").click()
    section(tab, "Actions")
    tab.get_by_role("button", name="Générer l'attestation").click()
    expect(tab.get_by_role("status").filter(has_text="code de vérification")).to_be_visible()
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Télécharger l'attestation").click()
    assert info.value.suggested_filename.startswith("attestation-vigilance-")
    assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"
    section(tab, "Documents")
    expect(tab.get_by_role("main")).to_contain_text("Attestation de vigilance du 23/11/2026")


def test_periodicity_direct_debit_and_payment_plan(tab, demo_server: str) -> None:
    open_client(tab, demo_server, "Blanc Sébastien")
    section(tab, "Actions")
    # A bad IBAN is refused, naming the field; nothing changes.
    tab.get_by_label("IBAN").fill("FR00 1234")
    tab.get_by_label("BIC").fill("BNPAFRPP")
    tab.get_by_role("button", name="Mettre en place le prélèvement").click()
    expect(tab.get_by_role("alert").filter(has_text="(iban)")).to_be_visible()
    # A payment plan over the two overdue instalments.
    tab.get_by_label("Nombre de mensualités").fill("6")
    tab.get_by_label("Première mensualité le").fill("2026-12-15")
    tab.get_by_label("Motif").fill("Baisse d'activité passagère")
    tab.get_by_role("button", name="Demander le délai").click()
    expect(tab.get_by_role("status").filter(has_text="Délai demandé")).to_be_visible(timeout=20_000)
    # The periodicity, once a year.
    tab.get_by_label("Périodicité", exact=True).select_option("TRIMESTRIEL")
    tab.get_by_role("button", name="Changer la périodicité").click()
    expect(tab.get_by_role("status").filter(has_text="Périodicité changée")).to_be_visible()
    tab.get_by_label("Périodicité", exact=True).select_option("MENSUEL_20")
    tab.get_by_role("button", name="Changer la périodicité").click()
    expect(tab.get_by_role("alert").filter(has_text="(periodicite)")).to_be_visible()
    section(tab, "Délais de paiement")
    expect(tab.get_by_role("main")).to_contain_text("Délai demandé le")


def test_an_unknown_client_looks_like_one_that_does_not_exist(tab, demo_server: str) -> None:
    log_in(tab, demo_server, "expert")
    tab.goto(f"{demo_server}/#/client/VHJhdmFpbGxldXI6OTk5OTk")
    expect(tab.get_by_role("heading", name="Client introuvable")).to_be_visible(timeout=20_000)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_client_page_is_accessible_and_fits_the_screen(
    demo_server: str, browser, viewport
) -> None:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    tab = context.new_page()
    open_client(tab, demo_server, "Blanc Sébastien")
    for name in SECTIONS:
        section(tab, name)
        tab.get_by_role("link", name=name, exact=True).and_(
            tab.locator("[aria-current=page]")
        ).wait_for()
        tab.wait_for_timeout(200)
        assert serious_violations(tab) == [], name
        assert no_horizontal_scroll(tab), name
    context.close()
