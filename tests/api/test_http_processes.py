"""Settings and the rate limit across real ``gateway`` processes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import httpx

from gateway.db.migrate import upgrade
from tests.served import GATEWAY, serve

SIMULATION = (
    '{ simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "30000"})'
    " { total lignes { code libelle montant assiette taux } } }"
)


def test_two_processes_share_one_bucket(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    upgrade(url)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    # The simulation costs 53: the bucket takes three, and restores a point a second,
    # so the fourth stays refused for 26 seconds whatever the machine's speed.
    env = {
        "DATABASE_URL": url,
        "GATEWAY_RATE_LIMIT_BUCKET": "185",
        "GATEWAY_RATE_LIMIT_RESTORE_RATE": "1",
    }
    with serve(tmp_path / "a", env) as (first, _), serve(tmp_path / "b", env) as (second, _):
        answers = [
            httpx.post(f"{base}/graphql", json={"query": SIMULATION}, timeout=60)
            for base in (first, second, first, second, first)
        ]
    statuses = [a.status_code for a in answers]
    assert answers[0].json()["extensions"]["cost"]["requestedQueryCost"] == 53
    assert statuses == [200, 200, 200, 429, 429], [a.text for a in answers]
    remaining = [int(a.headers["ratelimit-remaining"]) for a in answers[:3]]
    assert remaining[0] >= 130 and remaining[1] < remaining[0] and remaining[2] < remaining[1]
    assert answers[3].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(answers[3].headers["retry-after"]) >= 1


def test_a_bad_setting_stops_the_server_with_one_line_naming_it(tmp_path: Path) -> None:
    for variable, value, expected in (
        ("GATEWAY_TOKEN_TTL", "15min", "a whole number of seconds between 60 and 86400"),
        ("DATABASE_URL", "postgres://u@h/db", "an async SQLAlchemy URL"),
        ("GATEWAY_CORS_ORIGINS", "*", "a comma-separated list of origins"),
    ):
        done = subprocess.run(
            [str(GATEWAY), "serve", "--port", "1"],
            env=os.environ | {variable: value},
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"gateway: invalid configuration: {variable}={value!r} is")
        assert expected in lines[0]
        assert "Traceback" not in done.stderr


def test_config_check_prints_the_effective_settings_with_secrets_masked(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(GATEWAY), "config", "check"],
        env=os.environ
        | {
            "DATABASE_URL": "postgresql+asyncpg://gateway:s3cret@db.internal:5432/moncompte",
            "GATEWAY_CORS_ORIGINS": "https://app.cabinet.fr, http://localhost:3000",
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "s3cret" not in done.stdout
    lines = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if line}
    assert lines["DATABASE_URL"] == ["postgresql+asyncpg://gateway:***@db.internal:5432/moncompte"]
    assert lines["GATEWAY_CORS_ORIGINS"] == ["https://app.cabinet.fr,http://localhost:3000"]
    assert lines["GATEWAY_RATE_LIMIT_BUCKET"] == ["800000"]
    assert done.stdout.strip().endswith("Configuration is valid.")


def test_documents_add_and_list_keep_the_trusted_registry(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'docs.sqlite3'}"
    upgrade(url)
    query = "query Moi { me { role } }"
    (tmp_path / "moi.graphql").write_text(f"\n{query}\n", encoding="utf-8")
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "x", "name": "Simulation", "body": SIMULATION}],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    env = os.environ | {"DATABASE_URL": url}

    def gateway(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(GATEWAY), "documents", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )

    added = gateway("add", "moi.graphql", "manifest.json")
    assert added.returncode == 0, added.stderr
    digest = hashlib.sha256(query.encode()).hexdigest()  # the text without its blank lines
    assert f"sha256:{digest}  moi" in added.stdout
    assert added.stdout.strip().endswith("2 document(s) ajouté(s), 0 déjà enregistré(s).")
    again = gateway("add", "moi.graphql")
    assert again.stdout.strip().endswith("0 document(s) ajouté(s), 1 déjà enregistré(s).")
    listed = gateway("list")
    assert f"sha256:{digest}" in listed.stdout and "Simulation" in listed.stdout
    assert listed.stdout.strip().endswith("2 document(s) de confiance.")
    (tmp_path / "broken.graphql").write_text("{ me { role ", encoding="utf-8")
    broken = gateway("add", "broken.graphql", "moi.graphql")
    assert broken.returncode == 1
    assert broken.stderr.strip().splitlines()[-1] == (
        "Document « broken » illisible : Syntax Error: Expected Name, found <EOF>."
    )
