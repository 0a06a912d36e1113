"""GraphiQL served by the gateway itself: no CDN, its own CSP, nothing in localStorage."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.served import serve

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "gateway" / "web" / "static" / "vendor"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("graphiql")) as (base, _):
        yield base


def page(base: str) -> httpx.Response:
    return httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})


def test_graphiql_loads_only_the_gateways_own_files(server: str) -> None:
    response = page(server)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"(src|href)=\"https?:", response.text)
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", response.text)
    assert len(assets) == 6
    for asset in assets:
        served = httpx.get(f"{server}{asset}")
        assert served.status_code == 200, asset
        expected = "immutable" if "/vendor/" in asset else "no-cache"
        assert expected in served.headers["cache-control"], asset


def test_the_graphiql_page_forbids_inline_scripts(server: str) -> None:
    policy = page(server).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "<script>" not in page(server).text  # every script has a src


def test_an_unknown_asset_is_404(server: str) -> None:
    assert httpx.get(f"{server}/static/vendor/nothing.js").status_code == 404
    assert httpx.get(f"{server}/static/../gateway/app.py").status_code == 404


def test_vendored_files_are_the_ones_recorded_with_their_licences() -> None:
    recorded = json.loads((VENDOR / "vendor.json").read_text())
    on_disk = {
        str(p.relative_to(VENDOR)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name != "vendor.json"
    }
    assert on_disk == recorded
    packages = {name.split("/")[0] for name in recorded}
    # Each licence under the name its package gives it (LICENSE, LICENSE.md).
    assert all(
        f"{package}/LICENSE" in recorded or f"{package}/LICENSE.md" in recorded
        for package in packages
    )


def test_vendored_files_match_their_npm_packages() -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm not found: the check against the npm packages needs Node.js")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_assets.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0 and "npm" in result.stderr and "ERR" in result.stderr:
        pytest.skip(f"npm registry not reachable: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_graphiql_runs_the_default_query_in_a_real_browser(server: str, browser) -> None:
    context = browser.new_context()
    tab = context.new_page()
    failures: list[str] = []
    tab.on("requestfailed", lambda request: failures.append(request.url))
    tab.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    tab.goto(f"{server}/graphql")
    tab.wait_for_selector(".graphiql-container", timeout=20_000)
    tab.click(".graphiql-execute-button")
    # A locator, not wait_for_function: evaluating a string is what the page's CSP forbids.
    tab.locator(".result-window").filter(has_text="total").wait_for(timeout=20_000)
    result = tab.inner_text(".result-window")
    assert '"simulateCotisations"' in result and '"total"' in result
    assert tab.evaluate("window.localStorage.length") == 0
    assert tab.evaluate("window.sessionStorage.length") > 0
    assert failures == []
    context.close()
