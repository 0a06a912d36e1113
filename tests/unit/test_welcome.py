"""`make run` ends by printing the URLs and the demo identities; PORT and HOST are
settable and the links follow the configured public URL."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.welcome import welcome

ROOT = Path(__file__).resolve().parents[2]


def test_the_banner_lists_the_faces_under_the_public_url_and_the_demo_identities() -> None:
    text = welcome("https://moncompte.example/")
    assert "  Tableau de bord du cabinet  https://moncompte.example/#/portefeuille" in text
    assert "  Mon compte (travailleur)    https://moncompte.example/#/compte" in text
    assert "  GraphiQL (API GraphQL)      https://moncompte.example/graphql" in text
    for identifiant, password in [
        ("expert@cabinet-demo.fr", "demo-expert-2026"),
        ("collab@cabinet-demo.fr", "demo-collab-2026"),
        ("184127510804231", "demo-travailleur-2026"),
        ("295101305502176", "demo-travailleur-2026"),
        ("178083301234592", "demo-travailleur-2026"),
        ("291056912345685", "demo-travailleur-2026"),
        ("agent@caisse-demo.fr", "demo-agent-2026"),
    ]:
        assert any(identifiant in line and line.endswith(password) for line in text.splitlines())


def _dry_run(*arguments: str, env: dict[str, str] | None = None) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k != "GATEWAY_PUBLIC_URL"}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=ROOT,
        env=environment | (env or {}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.strip().splitlines()[-1]


def test_make_run_serves_on_the_port_and_host_given() -> None:
    line = _dry_run("PORT=8080", "HOST=0.0.0.0")
    assert line.endswith('gateway serve --host "0.0.0.0" --port "8080" --welcome')
    assert line.startswith('GATEWAY_PUBLIC_URL="http://0.0.0.0:8080" ')


def test_a_configured_public_url_wins_over_host_and_port() -> None:
    line = _dry_run("PORT=8080", env={"GATEWAY_PUBLIC_URL": "https://moncompte.example"})
    assert line.startswith('GATEWAY_PUBLIC_URL="https://moncompte.example" ')
