"""The web face's foundation, in a real browser against a real server with the demo:
the page at /, its CSP and cache headers, logging in as each demo identity, the
provisional password, the French formats, documents downloaded with the token."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.conftest import DESKTOP, PHONE, log_in

LANDING = {
    "expert": "#/portefeuille",
    "collab": "#/portefeuille",
    "artisan": "#/compte",
    "commercant": "#/compte",
    "micro": "#/compte",
    "sans_cabinet": "#/compte",
    "agent": "#/agent",
}


def test_the_page_at_root_forbids_inline_scripts_and_loads_only_own_files(demo_server: str) -> None:
    response = httpx.get(f"{demo_server}/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    directives = dict(
        d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert response.headers["cache-control"] == "no-cache"
    assert "<script>" not in response.text and "style=" not in response.text
    assert not re.search(r"(src|href)=\"https?:", response.text)
    for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", response.text):
        served = httpx.get(f"{demo_server}{asset}")
        assert served.status_code == 200 and served.headers["cache-control"] == "no-cache"
        assert served.headers["etag"]  # revalidated, answered 304 when unchanged
        again = httpx.get(
            f"{demo_server}{asset}", headers={"If-None-Match": served.headers["etag"]}
        )
        assert again.status_code == 304
    vendored = httpx.get(f"{demo_server}/static/vendor/preact@10.29.8/preact.module.js")
    assert vendored.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in vendored.headers["content-type"]


@pytest.mark.parametrize("who", list(LANDING))
def test_each_demo_identity_logs_in_and_lands_on_its_page(
    demo_server: str, browser, who: str
) -> None:
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(tab, demo_server, who)
    expect(tab).to_have_url(re.compile(re.escape(LANDING[who])), timeout=20_000)
    tab.get_by_role("button", name="Se déconnecter").wait_for()
    assert tab.evaluate("window.localStorage.length") == 0
    stored = tab.evaluate("JSON.parse(sessionStorage.getItem('moncompte.session'))")
    assert stored["accessToken"] and stored["refreshToken"]
    # A reload keeps the session (sessionStorage); logging out forgets it.
    tab.reload()
    tab.get_by_role("button", name="Se déconnecter").click()
    expect(tab).to_have_url(re.compile("#/connexion$"))
    assert tab.evaluate("sessionStorage.getItem('moncompte.session')") is None
    assert problems == []
    context.close()


def test_a_wrong_password_is_refused_in_french_and_nothing_is_stored(
    demo_server: str, browser
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.goto(f"{demo_server}/")
    tab.get_by_label("Identifiant").fill("expert@cabinet-demo.fr")
    tab.get_by_label("Mot de passe", exact=True).fill("pas-le-bon")
    tab.get_by_role("button", name="Se connecter").click()
    alert = tab.get_by_role("alert")
    alert.wait_for()
    assert "n'a pas été acceptée" in alert.inner_text()
    assert tab.evaluate("location.hash") in ("#/connexion", "")
    assert tab.evaluate("sessionStorage.length") == 0
    # A page that needs a login sends there.
    tab.goto(f"{demo_server}/#/portefeuille")
    expect(tab).to_have_url(re.compile("#/connexion$"))
    context.close()


def test_french_formats(demo_server: str, browser) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{demo_server}/")
    formats = tab.evaluate(
        """async () => {
            const f = await import('/static/app/format.js');
            return [f.euros('1234.50'), f.euros('-0.5'), f.euros('1234567'), f.date('2026-03-05'),
                    f.decimalDepuisSaisie('1 234,5'), f.decimalDepuisSaisie('12,345'),
                    f.isoDepuisSaisie('5/3/2026')];
        }"""
    )
    nbsp = "\u00a0"
    assert formats == [
        f"1{nbsp}234,50{nbsp}€",
        f"-0,50{nbsp}€",
        f"1{nbsp}234{nbsp}567,00{nbsp}€",
        "05/03/2026",
        "1234.5",
        None,
        "2026-03-05",
    ]
    context.close()


def test_an_invited_collaborator_changes_the_provisional_password_first(
    demo_server: str, browser
) -> None:
    import time

    from tests.web.conftest import DEMO, FOLDERS

    identifiant, mot_de_passe = DEMO["expert"]
    login = httpx.post(
        f"{demo_server}/graphql",
        json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            "variables": {"i": {"identifiant": identifiant, "motDePasse": mot_de_passe}},
        },
    ).json()["data"]["login"]
    invited = httpx.post(
        f"{demo_server}/graphql",
        json={
            "query": "mutation($i: InviteCollaborateurInput!) { inviteCollaborateur(input: $i)"
            " { collaborateur { id } userErrors { message } } }",
            "variables": {"i": {"courriel": "nouvelle@cabinet-demo.fr", "nom": "Nina Nouvelle"}},
        },
        headers={"Authorization": f"Bearer {login['accessToken']}"},
    ).json()["data"]["inviteCollaborateur"]
    assert invited["userErrors"] == []
    # The server's sender delivers the e-mail into mail/ within a few seconds.
    deadline = time.monotonic() + 30
    provisoire = None
    while provisoire is None and time.monotonic() < deadline:
        for message in (FOLDERS[demo_server] / "mail").glob("*.eml"):
            import email
            from email import policy

            parsed = email.message_from_bytes(message.read_bytes(), policy=policy.default)
            if "nouvelle@cabinet-demo.fr" in str(parsed["To"]):
                body = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
                found = re.search(r"Mot de passe provisoire : (\S+)", body)
                provisoire = found.group(1) if found else None
        time.sleep(0.5)
    assert provisoire, "no invitation e-mail"

    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    tab = context.new_page()
    tab.goto(f"{demo_server}/")
    tab.get_by_label("Identifiant").fill("nouvelle@cabinet-demo.fr")
    tab.get_by_label("Mot de passe", exact=True).fill(provisoire)
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab).to_have_url(re.compile("#/mot-de-passe$"), timeout=20_000)
    # The portfolio is out of reach until the password is changed.
    tab.goto(f"{demo_server}/#/portefeuille")
    expect(tab).to_have_url(re.compile("#/mot-de-passe$"))
    tab.get_by_label("Mot de passe provisoire").fill(provisoire)
    tab.get_by_label("Nouveau mot de passe").fill("court")
    tab.get_by_label("Confirmez le nouveau mot de passe").fill("court")
    tab.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(tab.get_by_role("alert")).to_contain_text("au moins 12 caractères")
    tab.get_by_label("Nouveau mot de passe").fill("un-mot-de-passe-solide-2026")
    tab.get_by_label("Confirmez le nouveau mot de passe").fill("un-mot-de-passe-solide-2026")
    tab.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(tab).to_have_url(re.compile("#/portefeuille$"), timeout=20_000)
    expect(tab.get_by_text("0 client trouvé")).to_be_visible(timeout=20_000)
    context.close()
