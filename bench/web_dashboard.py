"""The dashboard's 500-row table in headless Chromium, on a synthetic cabinet.

Seeds ``gateway seed synthetic`` into a fresh SQLite file, runs ``gateway serve``,
logs in as the cabinet admin through the page, then navigates to the portfolio again
and again and reads the browser's own clock (``performance.now()``, from the
navigation's start) when the 500th row is drawn and when a row's checkbox has
answered a click (the table is interactive). Prints the medians; asserts nothing.

    .venv/bin/python bench/web_dashboard.py --clients 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

GATEWAY = Path(sys.executable).parent / "gateway"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    env = os.environ | {
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
        "GATEWAY_TODAY": "2026-11-23",
        "GATEWAY_MAIL_DIR": str(folder / "mail"),
    }
    subprocess.run([str(GATEWAY), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            str(GATEWAY),
            "seed",
            "synthetic",
            "--clients",
            str(args.clients),
            "--seed",
            str(args.seed),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(GATEWAY), "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(f"{base}/")
            tab.get_by_label("Identifiant").fill(f"admin@synthetique-{args.seed}.fr")
            tab.get_by_label("Mot de passe", exact=True).fill("synthetic-admin")
            for _ in range(5):  # a first login on a loaded machine may meet a busy database
                tab.get_by_role("button", name="Se connecter").click()
                try:
                    tab.locator("tbody tr:nth-child(500)").wait_for(timeout=60_000)
                    break
                except Exception:
                    print(f"not yet: {tab.inner_text('main')[:300]!r}", file=sys.stderr)
                    time.sleep(5)
            drawn, interactive, api = [], [], []
            for _ in range(args.repeat):
                tab.goto("about:blank")
                tab.goto(f"{base}/#/portefeuille")  # the session stays in sessionStorage
                tab.locator("tbody tr:nth-child(500)").wait_for(timeout=60_000)
                drawn.append(tab.evaluate("performance.now()"))
                # The portfolio request's own duration (the server's share).
                api.append(
                    tab.evaluate(
                        "Math.max(...performance.getEntriesByType('resource')"
                        ".filter(e => e.name.endsWith('/graphql')).map(e => e.duration))"
                    )
                )
                tab.locator("tbody tr:nth-child(250) input[type=checkbox]").check()
                tab.get_by_text("1 client sélectionné").wait_for()
                interactive.append(tab.evaluate("performance.now()"))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"{args.clients}-client cabinet, page of 500, {args.repeat} navigations: "
        f"500th row drawn at {statistics.median(drawn):.0f} ms (median; "
        f"min {min(drawn):.0f}, max {max(drawn):.0f}), interactive at "
        f"{statistics.median(interactive):.0f} ms after the navigation's start; "
        f"the longest GraphQL request took {statistics.median(api):.0f} ms (median)"
    )


if __name__ == "__main__":
    main()
