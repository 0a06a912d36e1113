"""What an operator sees: a JSON log line per request, /metrics, /ready, the SDL, traces.

The log and metrics tests run ``gateway serve`` as a real process, configured by its
environment, and read what it prints.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from gateway.app import build_services, create_app
from tests.api.client import api_for
from tests.conftest import Database
from tests.conftest import test_settings as settings_for
from tests.served import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``gateway serve`` with JSON logs; yields (base URL, its stderr file)."""
    with serve(tmp_path_factory.mktemp("served"), {"GATEWAY_LOG_FORMAT": "json"}) as served:
        yield served


def request_lines(stderr: Path) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stderr.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "gateway.request"]


def wait_for_line(stderr: Path, request_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in request_lines(stderr):
            if line["request_id"] == request_id:
                return line
        time.sleep(0.05)
    raise AssertionError(f"no log line for {request_id}: {stderr.read_text()[-2000:]}")


def test_each_request_writes_one_json_line_and_echoes_its_request_id(served) -> None:
    base, stderr = served
    response = httpx.post(
        f"{base}/graphql",
        json={
            "query": "query Moi { me { role } }",
            "operationName": "Moi",
        },
        headers={"X-Request-Id": "essai-42", "Authorization": "Bearer pas-un-jeton"},
    )
    assert response.headers["x-request-id"] == "essai-42"
    line = wait_for_line(stderr, "essai-42")
    # A refused token: 401 (RFC 6750), logged as the client's error.
    assert response.status_code == 401
    assert line["message"] == "POST /graphql 401"
    assert {k: line[k] for k in ("status", "principal", "operation", "operation_type")} == {
        "status": 401,
        "principal": "anonyme",
        "operation": "Moi",
        "operation_type": "query",
    }
    assert line["error_codes"] == ["UNAUTHENTICATED"] and line["outcome"] == "client_error"
    assert isinstance(line["duration_ms"], float) and isinstance(line["sql_statements"], int)
    assert "pas-un-jeton" not in stderr.read_text()  # the token never reaches the log


def test_a_request_without_an_acceptable_id_gets_one(served) -> None:
    base, stderr = served
    response = httpx.get(f"{base}/health", headers={"X-Request-Id": "a b\tc" * 50})
    generated = response.headers["x-request-id"]
    assert len(generated) == 32 and generated != "a b\tc"
    assert wait_for_line(stderr, generated)["message"] == "GET /health 200"


def test_metrics_are_scraped_in_the_prometheus_format(served) -> None:
    base, _ = served
    for _ in range(3):
        httpx.post(
            f"{base}/graphql", json={"query": "query Ping { __typename }", "operationName": "Ping"}
        )
    response = httpx.get(f"{base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    requests = {
        (s.labels["operation"], s.labels["outcome"]): s.value
        for s in families["gateway_requests"].samples
        if s.name == "gateway_requests_total"
    }
    assert requests[("Ping", "ok")] == 3
    latency = [
        s
        for s in families["gateway_request_duration_seconds"].samples
        if s.name.endswith("_count") and s.labels["operation"] == "Ping"
    ]
    assert latency[0].value == 3
    assert "gateway_sql_statements_per_request" in families
    assert [s.value for s in families["gateway_outbox_backlog"].samples] == [0]
    assert [s.value for s in families["gateway_webhook_backlog"].samples] == [0]
    assert "gateway_throttled" in families


def test_ready_checks_the_database_and_its_migrations(served) -> None:
    base, _ = served
    response = httpx.get(f"{base}/ready")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "migrations": "à jour"},
    )


async def test_ready_is_503_on_a_database_not_migrated(tmp_path: Path) -> None:
    services = build_services(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'vide.sqlite3'}"))
    transport = httpx.ASGITransport(app=create_app(services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/ready")
        assert response.status_code == 503
        assert response.json()["database"] == "injoignable"
        assert (await http.get("/health")).status_code == 200
    await services.engine.dispose()


def test_the_sdl_is_served_as_committed(served) -> None:
    base, _ = served
    response = httpx.get(f"{base}/graphql/schema.graphql")
    assert response.status_code == 200
    assert response.text == (ROOT / "schema.graphql").read_text()


async def test_traces_cover_http_graphql_and_sql(db: Database) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with api_for(db) as api:
        app = create_app(services=api.services, tracer_provider=provider)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.post(
                "/graphql",
                json={
                    "query": "mutation Connexion { login(input: {identifiant: "
                    '"x@y.fr", motDePasse: "pas-le-bon-mot-de-passe"}) { accessToken } }',
                    "operationName": "Connexion",
                },
            )
            assert response.status_code == 200
    # The SQLAlchemy instrumentor is once per process: undo it for the next app.
    SQLAlchemyInstrumentor().uninstrument()
    names = {span.name for span in exporter.get_finished_spans()}
    assert "POST /graphql" in names
    assert "GraphQL Query: Connexion" in names  # strawberry names every operation so
    assert any(name.lower().startswith("select") for name in names)
