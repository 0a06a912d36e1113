"""« Ma prévention santé » in Mon compte, in a real browser against a real server with the
demo (today 23/11/2026): the demo artisan's file and family, a child added, a vaccination
recorded and its status changing, a date in the future refused beside the field, the
reminders switched off and on, a member changed then removed; at phone width, with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PHONE, log_in, serious_violations
from tests.web.test_mon_compte import no_horizontal_scroll, open_section, shot

DATE = re.compile(r"\b\d\d/\d\d/\d{4}\b")


@pytest.fixture
def tab(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.problems.append(str(error)))  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.problems.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def dossier(tab, titre: str):  # type: ignore[no-untyped-def]
    return tab.get_by_role("region", name=titre)


def action(section, libelle: str):  # type: ignore[no-untyped-def]
    return section.locator("ul.actions > li", has_text=libelle)


def test_the_artisan_sees_the_file_of_each_member(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    navigation = tab.get_by_role("navigation", name="Rubriques de Mon compte")
    navigation.get_by_role("link", name="Ma prévention santé").click()
    expect(tab.locator("h1")).to_have_text("Ma prévention santé")
    expect(tab.locator(".chargement")).to_have_count(0, timeout=20_000)
    files = tab.locator("section.dossier")
    # The worker, a spouse and two children.
    expect(files).to_have_count(4)
    expect(files.first.locator("h2")).to_have_text(re.compile(r"^Vous, "))
    expect(files.locator("h2", has_text="(conjoint(e))")).to_have_count(1)
    expect(files.locator("h2", has_text="(enfant)")).to_have_count(2)
    text = tab.locator("main").inner_text()
    # Statuses in French words, dates as dd/mm/yyyy, never the API's codes or ISO dates.
    assert re.search(r"À jour|À faire|En retard", text)
    assert "A_JOUR" not in text and "A_FAIRE" not in text and "EN_RETARD" not in text
    assert "Prochaine échéance : " in text and DATE.search(text)
    assert not re.search(r"\d{4}-\d\d-\d\d", text)
    assert "Vaccinations et dépistages enregistrés" in text
    expect(tab.get_by_label(re.compile("^Recevoir un courriel"))).to_be_checked()
    expect(tab.get_by_role("heading", name="Conseils de prévention pour vous")).to_be_visible()
    expect(tab.locator("main")).to_contain_text("3 membres déclarés : Sophie, Lucas, Emma.")
    no_horizontal_scroll(tab)
    assert serious_violations(tab) == []
    shot(tab, "compte-artisan-prevention")
    assert tab.problems == []


def test_add_a_child_record_a_vaccination_and_see_the_status_change(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "prevention", "Ma prévention santé")
    tab.get_by_role("button", name="Ajouter un ayant droit").click()
    form = tab.get_by_role("form", name="Ajouter un ayant droit")
    # A birth date in the future is refused by the server, beside the field.
    form.get_by_label("Prénom").fill("Lina")
    form.get_by_label("Date de naissance").fill("01/01/2027")
    form.get_by_role("button", name="Ajouter").click()
    expect(form.locator(".erreur-champ")).to_have_count(1)
    expect(form.get_by_label("Date de naissance")).to_have_attribute("aria-invalid", "true")
    # A date typed the wrong way is refused on the page, before anything is sent.
    form.get_by_label("Date de naissance").fill("2026-09-01")
    form.get_by_role("button", name="Ajouter").click()
    expect(form.locator(".erreur-champ")).to_have_text(
        "Saisissez la date de naissance au format jj/mm/aaaa, par exemple 05/03/2020."
    )
    expect(tab.locator("section.dossier")).to_have_count(4)
    form.get_by_label("Date de naissance").fill("01/09/2026")
    form.get_by_label("Sexe").select_option("F")
    form.get_by_label("Lien avec vous").select_option("ENFANT")
    form.get_by_role("button", name="Ajouter").click()
    lina = dossier(tab, "Lina (enfant)")
    expect(lina).to_be_visible()
    expect(lina).to_contain_text("Femme, née le 01/09/2026")
    # At 2 months and 3 weeks, the first infant doses are due since 01/11/2026.
    pneumo = action(lina, "pneumocoque")
    expect(pneumo).to_contain_text("À faire")
    expect(pneumo).to_contain_text("Prochaine échéance : 01/11/2026")
    expect(lina).to_contain_text("Rien n'est encore enregistré.")
    shot(tab, "compte-artisan-prevention-ajout")

    lina.get_by_role("button", name="Enregistrer une vaccination ou un dépistage").click()
    record = lina.get_by_role("form", name="Enregistrer pour Lina")
    record.get_by_label("Vaccin ou dépistage").select_option("NOURRISSON_PNEUMOCOQUE")
    # A date in the future: the API's French refusal, next to the date field.
    record.get_by_label("Date", exact=True).fill("01/12/2026")
    record.get_by_role("button", name="Enregistrer", exact=True).click()
    refusal = record.locator(".erreur-champ")
    expect(refusal).to_have_count(1)
    expect(record.get_by_label("Date", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(refusal).to_have_text("La date ne peut pas être dans le futur.")
    assert serious_violations(tab) == []
    shot(tab, "compte-artisan-prevention-refus")
    expect(action(lina, "pneumocoque")).to_contain_text("À faire")

    record.get_by_label("Date", exact=True).fill("20/11/2026")
    record.get_by_label("Numéro de lot (facultatif)").fill("PN-2611")
    record.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(lina.get_by_role("status")).to_contain_text("enregistré")
    pneumo = action(lina, "pneumocoque")
    expect(pneumo).to_contain_text("À jour")
    expect(pneumo).to_contain_text("Dernière fois le 20/11/2026")
    expect(lina.locator("ul.realisations")).to_contain_text(
        "20/11/2026 · Nourrisson : pneumocoque · lot PN-2611"
    )
    no_horizontal_scroll(tab)
    shot(tab, "compte-artisan-prevention-vaccination")

    # Change the member, then remove them with their file.
    lina.get_by_role("button", name="Modifier").click()
    lina.get_by_label("Prénom").fill("Lina-Rose")
    lina.get_by_role("button", name="Enregistrer les modifications").click()
    lina = dossier(tab, "Lina-Rose (enfant)")
    expect(lina).to_contain_text("Les informations sont modifiées.")
    expect(lina.locator("ul.realisations")).to_contain_text("lot PN-2611")
    lina.get_by_role("button", name="Retirer").click()
    lina.get_by_role("button", name="Confirmer le retrait").click()
    expect(dossier(tab, "Lina-Rose (enfant)")).to_have_count(0)
    expect(tab.locator("section.dossier")).to_have_count(4)
    assert tab.problems == []


def test_the_reminders_are_switched_off_and_on(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "prevention", "Ma prévention santé")
    box = tab.get_by_label(re.compile("^Recevoir un courriel"))
    expect(box).to_be_checked()
    box.uncheck()
    expect(tab.get_by_role("status").filter(has_text="Rappels")).to_have_text("Rappels désactivés.")
    # Saved on the server: still off after a reload of the page.
    tab.reload()
    expect(tab.locator(".chargement")).to_have_count(0, timeout=20_000)
    expect(tab.get_by_label(re.compile("^Recevoir un courriel"))).not_to_be_checked()
    tab.get_by_label(re.compile("^Recevoir un courriel")).check()
    expect(tab.get_by_role("status").filter(has_text="Rappels")).to_have_text("Rappels activés.")
    tab.reload()
    expect(tab.locator(".chargement")).to_have_count(0, timeout=20_000)
    expect(tab.get_by_label(re.compile("^Recevoir un courriel"))).to_be_checked()
    assert tab.problems == []


def test_a_micro_entrepreneur_without_family_has_the_section_too(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "micro")
    open_section(tab, demo_server, "prevention", "Ma prévention santé")
    expect(tab.locator("section.dossier")).to_have_count(1)
    expect(tab.locator("main")).to_contain_text("Aucun membre de votre famille n'est déclaré.")
    assert serious_violations(tab) == []
    assert tab.problems == []


def test_an_accountant_has_no_such_page(demo_server: str, tab) -> None:
    log_in(tab, demo_server, "expert")
    tab.goto(f"{demo_server}/#/compte/prevention")
    expect(tab).not_to_have_url(re.compile("#/compte"))
    expect(tab.locator("main")).not_to_contain_text("Ma prévention santé")


def test_a_screening_that_does_not_fit_is_refused_beside_the_programme(
    demo_server: str, tab
) -> None:
    log_in(tab, demo_server, "artisan")
    open_section(tab, demo_server, "prevention", "Ma prévention santé")
    lucas = dossier(tab, "Lucas (enfant)")
    before = lucas.locator("ul.realisations").inner_text()
    lucas.get_by_role("button", name="Enregistrer une vaccination ou un dépistage").click()
    record = lucas.get_by_role("form", name="Enregistrer pour Lucas")
    # The batch number is for vaccines only.
    record.get_by_label("Vaccin ou dépistage").select_option("DEPISTAGE_CANCER_SEIN")
    expect(record.get_by_label("Numéro de lot (facultatif)")).to_have_count(0)
    record.get_by_label("Date", exact=True).fill("01/11/2026")
    record.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(record.get_by_label("Vaccin ou dépistage")).to_have_attribute("aria-invalid", "true")
    expect(record.locator(".erreur-champ")).to_have_text(
        "« Dépistage du cancer du sein (mammographie) » ne concerne pas cette personne."
    )
    expect(record.get_by_label("Date", exact=True)).not_to_have_attribute("aria-invalid", "true")
    # Nothing changed; cancelling closes the form.
    record.get_by_role("button", name="Annuler").click()
    expect(lucas.get_by_role("form")).to_have_count(0)
    assert lucas.locator("ul.realisations").inner_text() == before
    assert tab.problems == []
