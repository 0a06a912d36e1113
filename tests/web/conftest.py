"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests.

In CI (CI=true) a missing browser fails the tests; elsewhere they skip saying why.
Playwright never downloads a browser here: it is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
