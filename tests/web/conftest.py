"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests.

In CI (CI=true) a missing browser fails the tests; elsewhere they skip saying why.
Playwright never downloads a browser here: it is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Per module, not per session: Playwright's sync API keeps an event loop running in
# this thread while it is open, which would stop the asyncio tests that follow.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{message}: browser tests are mandatory in CI", pytrace=False)
        pytest.skip(f"{message}: browser tests skipped (they run in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


# The demo identities of the README, as a newcomer types them.
DEMO = {
    "expert": ("expert@cabinet-demo.fr", "demo-expert-2026"),
    "collab": ("collab@cabinet-demo.fr", "demo-collab-2026"),
    "artisan": ("184127510804231", "demo-travailleur-2026"),
    "commercant": ("295101305502176", "demo-travailleur-2026"),
    "micro": ("178083301234592", "demo-travailleur-2026"),
    "sans_cabinet": ("291056912345685", "demo-travailleur-2026"),
    "agent": ("agent@caisse-demo.fr", "demo-agent-2026"),
}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


# The folder of each running demo server (its database, its e-mails in mail/).
FOLDERS: dict[str, Path] = {}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``gateway serve`` on a fresh copy of the demo (per module: the tests change it)."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from tests.served import serve

    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite+aiosqlite:///{folder / 'gateway.sqlite3'}"
    gateway = Path(sys.executable).parent / "gateway"
    env = os.environ | {"DATABASE_URL": url, "GATEWAY_TODAY": "2026-11-23"}
    for command in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run(
            [str(gateway), *command], env=env, check=True, capture_output=True, timeout=300
        )
    # serve() migrates with asyncio.run(), which cannot run in this thread once the
    # browser fixture's Playwright loop is open: enter it in a thread of its own.
    server = serve(folder)
    with ThreadPoolExecutor(1) as thread:
        base, _ = thread.submit(server.__enter__).result()
    FOLDERS[base] = folder
    try:
        yield base
    finally:
        server.__exit__(None, None, None)


def log_in(tab, base: str, who: str) -> None:  # type: ignore[no-untyped-def]
    """Logs in through the page's form, as a person would, and waits for the landing page."""
    identifiant, mot_de_passe = DEMO[who]
    tab.goto(f"{base}/")
    tab.get_by_label("Identifiant").fill(identifiant)
    tab.get_by_label("Mot de passe", exact=True).fill(mot_de_passe)
    # (wait_for_function evaluates a string, which the pages' CSP forbids: poll the URL.)
    for attempt in range(3):
        tab.get_by_role("button", name="Se connecter").click()
        try:
            expect(tab).not_to_have_url(re.compile("#/connexion"), timeout=20_000)
            return
        except AssertionError:
            # On a loaded machine SQLite may stay locked past the server's retries: the
            # page says « réessayez dans 5 secondes », and a person would.
            if attempt == 2 or "indisponible" not in tab.inner_text("main"):
                raise
            tab.wait_for_timeout(5_000)


def serious_violations(tab) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def no_horizontal_scroll(tab) -> bool:  # type: ignore[no-untyped-def]
    return bool(tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def graphql_as(base: str, who: str, query: str, variables: dict[str, object]) -> dict[str, object]:
    """The API's own answer for a demo identity, to compare a page with (no error expected)."""
    import httpx

    identifiant, mot_de_passe = DEMO[who]
    token = httpx.post(
        f"{base}/graphql",
        json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            "variables": {"i": {"identifiant": identifiant, "motDePasse": mot_de_passe}},
        },
        timeout=30,
    ).json()["data"]["login"]["accessToken"]
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert "errors" not in answer, answer
    return answer["data"]  # type: ignore[no-any-return]
