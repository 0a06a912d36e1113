"""Database outages, against a real server: an unreachable database answers 503 with
Retry-After and a SERVICE_UNAVAILABLE error; a killed connection is replaced."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.nomenclatures import Role
from gateway.db.engine import RequestSession, session_factory
from tests import builders, conftest
from tests.api.live_server import free_port, live_server
from tests.conftest import Database

ME = "{ me { role motDePasseAChanger } }"
LOGIN = """mutation { login(input: {identifiant: "agent@caisse.fr", motDePasse: "secret-utilisateur"}) {
  accessToken userErrors { code } } }"""
UNAVAILABLE = {
    "data": None,
    "errors": [
        {
            "message": (
                "Service momentanément indisponible (base de données injoignable) : "
                "réessayez dans 5 secondes."
            ),
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ],
}


async def test_an_unreachable_database_answers_503_with_retry_after(tmp_path: Path) -> None:
    closed = free_port()
    settings = dataclasses.replace(
        conftest.test_settings(f"postgresql+asyncpg://postgres@127.0.0.1:{closed}/gateway"),
        mail_dir=tmp_path,
    )
    # A well-formed token: checking it needs the stored signing keys, hence the database.
    key = ECKey.generate_key("P-256", parameters={"kid": "cle-inconnue"})
    token = jwt.encode({"alg": "ES256", "kid": "cle-inconnue"}, {"sub": "user:1"}, key)
    bearer = {"Authorization": f"Bearer {token}"}
    async with live_server(settings) as base, httpx.AsyncClient(base_url=base) as http:
        for headers, query in (({}, LOGIN), (bearer, ME)):
            response = await http.post("/graphql", json={"query": query}, headers=headers)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "5"
            assert response.headers["content-type"] == "application/json"
            assert response.json() == UNAVAILABLE
        document = await http.get("/documents/attestation-1.pdf", headers=bearer)
        assert (document.status_code, document.headers["retry-after"]) == (503, "5")
        assert document.json() == {
            "error": "SERVICE_UNAVAILABLE",
            "message": UNAVAILABLE["errors"][0]["message"],
        }
        # What needs no database still answers.
        typename = await http.post("/graphql", json={"query": "{ __typename }"})
        assert (typename.status_code, typename.json()["data"]) == (200, {"__typename": "Query"})


async def kill_other_connections(db: Database) -> int:
    """pg_terminate_backend of every other connection to the test database."""
    async with db.engine.connect() as connection:
        killed = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return len(killed.all())


async def test_a_read_after_the_servers_connections_were_killed_succeeds(
    db: Database, tmp_path: Path
) -> None:
    if db.name != "postgresql":
        pytest.skip("killing a connection from outside is PostgreSQL's (pg_terminate_backend)")
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        await builders.user(
            session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
        )
        await session.commit()
    settings = dataclasses.replace(conftest.test_settings(db.url), mail_dir=tmp_path)
    async with live_server(settings) as base, httpx.AsyncClient(base_url=base) as http:
        login = await http.post("/graphql", json={"query": LOGIN})
        token = login.json()["data"]["login"]["accessToken"]
        bearer = {"Authorization": f"Bearer {token}"}
        before = await http.post("/graphql", json={"query": ME}, headers=bearer)
        assert await kill_other_connections(db) >= 1
        after = await http.post("/graphql", json={"query": ME}, headers=bearer)
    expected = {"me": {"role": "AGENT", "motDePasseAChanger": False}}
    assert (before.status_code, before.json()["data"]) == (200, expected)
    assert (after.status_code, after.json().get("errors"), after.json()["data"]) == (
        200,
        None,
        expected,
    )


async def backend_pid(db: RequestSession) -> int:
    pid: int = await db.scalar(text("SELECT pg_backend_pid()"))
    return pid


async def test_a_read_whose_connection_dies_mid_request_is_read_again(db: Database) -> None:
    if db.name != "postgresql":
        pytest.skip("killing a connection from outside is PostgreSQL's (pg_terminate_backend)")
    async with session_factory(db.engine)() as session:
        request = RequestSession(session)
        first = await backend_pid(request)
        await kill_other_connections(db)
        second = await backend_pid(request)
        assert second != first
        # Inside a unit of work the transaction died with the connection: no quiet retry.
        request.writing = True
        await kill_other_connections(db)
        with pytest.raises(DBAPIError):
            await backend_pid(request)
