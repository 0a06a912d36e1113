"""HTTP conventions through a real server: GraphQL over HTTP media types and status
codes, RFC 6750 challenges, 405 for a mutation over GET, CORS, persisted queries and
trusted documents, the per-principal rate limit (429 and its headers)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from gateway.clock import Clock
from gateway.config import Settings
from gateway.http.persisted import Document, add_documents
from tests.api.client import api_for
from tests.api.live_server import live_server
from tests.api.world import PASSWORD, build_world
from tests.conftest import TODAY, Database
from tests.conftest import test_settings as settings_for

GR = "application/graphql-response+json"
SIMULATION = (
    '{ simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "30000"})'
    " { total } }"
)
ME = "{ me { role } }"


@asynccontextmanager
async def served(
    db: Database, build: bool = True, **changes: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A real server on the test database (the world built first unless ``build`` is
    False), and an admin token."""
    async with api_for(db) as api:
        if build:
            await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
    settings = replace(settings_for(db.url), **changes)
    async with live_server(settings) as base, httpx.AsyncClient(base_url=base) as http:
        yield http, admin


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def post(
    http: httpx.AsyncClient,
    body: dict[str, Any],
    accept: str | None = None,
    token: str | None = None,
) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json=body, headers=headers)


# --- GraphQL over HTTP --------------------------------------------------------------


async def test_graphql_response_json_is_answered_with_the_specs_status_codes(db) -> None:
    async with served(db) as (http, admin):
        ok = await post(http, {"query": ME}, GR, admin)
        assert ok.status_code == 200
        assert ok.headers["content-type"] == GR
        assert ok.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}

        # Refused before execution: 400, and no `data` entry at all.
        for query, code in (
            ("{ me { role ", "GRAPHQL_PARSE_FAILED"),
            ("{ me { nimporte } }", "GRAPHQL_VALIDATION_FAILED"),
            ("{ " + " ".join(f"a{i}: me {{ role }}" for i in range(31)) + " }", "TOO_MANY_ALIASES"),
        ):
            refused = await post(http, {"query": query}, GR, admin)
            assert refused.status_code == 400, refused.text
            assert refused.headers["content-type"] == GR
            assert "data" not in refused.json()
            assert codes(refused) == [code]

        # A client preferring application/json keeps the former answers: 200 and data null.
        legacy = await post(http, {"query": "{ me { role "}, "application/json", admin)
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == "application/json"
        assert legacy.json()["data"] is None
        assert codes(legacy) == ["GRAPHQL_PARSE_FAILED"]
        # q-values decide; without an Accept header, application/json.
        preferred = await post(http, {"query": ME}, f"application/json;q=0.5, {GR}", admin)
        assert preferred.headers["content-type"] == GR
        plain = await http.post("/graphql", json={"query": ME}, headers={"Accept": ""})
        assert plain.headers["content-type"] == "application/json"

        # Unreadable JSON is a GraphQL error body too (no more text/plain).
        garbage = await http.post(
            "/graphql", content=b"{nope", headers={"Content-Type": "application/json"}
        )
        assert garbage.status_code == 400
        assert garbage.json()["errors"][0]["message"] == (
            "Corps de requête illisible : JSON attendu."
        )


async def test_a_mutation_over_get_is_405_with_allow_post(db) -> None:
    async with served(db) as (http, admin):
        response = await http.get(
            "/graphql",
            params={"query": 'mutation { logout(input: {refreshToken: "x"}) { ok } }'},
            headers={"Accept": GR, "Authorization": f"Bearer {admin}"},
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.headers["content-type"] == GR
        assert codes(response) == ["METHOD_NOT_ALLOWED"]
        # A query over GET still works.
        query = await http.get(
            "/graphql", params={"query": ME}, headers={"Authorization": f"Bearer {admin}"}
        )
        assert query.status_code == 200
        assert query.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}


async def test_refused_or_missing_tokens_are_401_with_an_rfc6750_challenge(db) -> None:
    async with served(db) as (http, admin):
        for accept in (GR, "application/json"):
            forged = await post(http, {"query": ME}, accept, admin[:-4] + "AAAA")
            assert forged.status_code == 401
            assert forged.headers["www-authenticate"] == (
                'Bearer realm="moncompte-independant", error="invalid_token", '
                'error_description="The access token is invalid"'
            )
            assert codes(forged) == ["UNAUTHENTICATED"]
            assert forged.json()["errors"][0]["message"] == "Jeton invalide : reconnectez-vous."

            # No token for an operation that needs one: 401, a challenge without error.
            anonymous = await post(http, {"query": ME}, accept)
            assert anonymous.status_code == 401
            assert anonymous.headers["www-authenticate"] == 'Bearer realm="moncompte-independant"'
            assert codes(anonymous) == ["UNAUTHENTICATED"]

            # The simulators need no login: 200, no challenge.
            simulation = await post(http, {"query": SIMULATION}, accept)
            assert simulation.status_code == 200
            assert "www-authenticate" not in simulation.headers
            assert simulation.json()["data"]["simulateCotisations"]["total"] == "12982.00"

    # The same token, a day later: expired, told apart from a forged one.
    settings = replace(settings_for(db.url), today=TODAY + timedelta(days=1))
    async with live_server(settings) as base, httpx.AsyncClient(base_url=base) as http:
        expired = await post(http, {"query": ME}, GR, admin)
        assert expired.status_code == 401
        assert codes(expired) == ["TOKEN_EXPIRED"]
        assert "data" not in expired.json()
        assert expired.json()["errors"][0]["message"] == (
            "Jeton expiré : renouvelez-le (refreshToken) ou demandez-en un nouveau."
        )
        assert expired.headers["www-authenticate"] == (
            'Bearer realm="moncompte-independant", error="invalid_token", '
            'error_description="The access token expired"'
        )


# --- CORS ----------------------------------------------------------------------------


async def test_cors_answers_the_configured_origins_only(db) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    async with served(db, cors_origins=("https://app.cabinet.fr",)) as (http, admin):
        allowed = await http.options(
            "/graphql", headers={"Origin": "https://app.cabinet.fr", **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.cabinet.fr"
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "Authorization" in allowed.headers["access-control-allow-headers"]
        other = await http.options(
            "/graphql", headers={"Origin": "https://evil.example", **preflight}
        )
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers
        # The actual request carries the header, and exposes the rate-limit ones.
        response = await http.post(
            "/graphql",
            json={"query": ME},
            headers={"Origin": "https://app.cabinet.fr", "Authorization": f"Bearer {admin}"},
        )
        assert response.headers["access-control-allow-origin"] == "https://app.cabinet.fr"
        assert "RateLimit-Remaining" in response.headers["access-control-expose-headers"]

    # By default no origin is allowed: no CORS header at all.
    async with served(db, build=False) as (http, _):
        response = await http.options(
            "/graphql", headers={"Origin": "https://app.cabinet.fr", **preflight}
        )
        assert "access-control-allow-origin" not in response.headers


# --- Persisted queries ---------------------------------------------------------------


def apq(query: str) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def test_automatic_persisted_queries_follow_apollos_protocol(db) -> None:
    async with served(db) as (http, admin):
        extensions = apq(ME)
        # Unknown hash: PERSISTED_QUERY_NOT_FOUND (200: Apollo's clients then send the query).
        unknown = await post(http, {"extensions": extensions}, GR, admin)
        assert unknown.status_code == 200
        assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        # The query with its hash registers it...
        registered = await post(http, {"query": ME, "extensions": extensions}, GR, admin)
        assert registered.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}
        # ...after which the hash alone runs it, by POST or GET (a cacheable URL).
        by_hash = await post(http, {"extensions": extensions}, GR, admin)
        assert by_hash.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}
        by_get = await http.get(
            "/graphql",
            params={"extensions": json.dumps(extensions)},
            headers={"Authorization": f"Bearer {admin}", "Accept": GR},
        )
        assert by_get.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}
        # A hash that is not the query's is refused, before execution.
        wrong = await post(http, {"query": SIMULATION, "extensions": extensions}, GR, admin)
        assert wrong.status_code == 400
        assert codes(wrong) == ["PERSISTED_QUERY_HASH_MISMATCH"]
        bad = await post(
            http, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}}, GR
        )
        assert bad.status_code == 400
        assert codes(bad) == ["BAD_USER_INPUT"]

    async with served(db, build=False, persisted_queries=False) as (http, admin):
        off = await post(http, {"extensions": apq(ME)}, GR, admin)
        assert off.status_code == 400
        assert codes(off) == ["PERSISTED_QUERY_NOT_SUPPORTED"]


async def test_only_trusted_documents_run_when_the_operator_requires_them(db) -> None:
    async with api_for(db) as api:
        added = await add_documents(
            api.services.sessions, [Document(ME, "Moi")], Clock.at(TODAY).now()
        )
        assert added == 1
        again = await add_documents(
            api.services.sessions, [Document(ME, "Moi")], Clock.at(TODAY).now()
        )
        assert again == 0
    async with served(db, trusted_documents_only=True) as (http, admin):
        # A registered document, by hash (both spellings) or by its text.
        for body in (
            {"extensions": apq(ME)},
            {"extensions": {"documentId": "sha256:" + hashlib.sha256(ME.encode()).hexdigest()}},
            {"query": ME},
        ):
            response = await post(http, body, GR, admin)
            assert response.status_code == 200, response.text
            assert response.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}
        # Anything else is refused, and cannot be registered through APQ either.
        for body in ({"query": SIMULATION}, {"query": SIMULATION, "extensions": apq(SIMULATION)}):
            refused = await post(http, body, GR, admin)
            assert refused.status_code == 400
            assert codes(refused) == ["PERSISTED_QUERY_NOT_ALLOWED"]
            assert "data" not in refused.json()


# --- Rate limit ------------------------------------------------------------------------


async def test_an_empty_bucket_answers_429_with_retry_after_and_ratelimit_headers(db) -> None:
    # Each simulation costs 2: a bucket of 7 takes three, restoring 1 point a second.
    async with served(db, rate_limit_bucket=7, rate_limit_restore_rate=1) as (http, admin):
        first = await post(http, {"query": SIMULATION}, GR)
        assert first.status_code == 200
        assert first.json()["extensions"]["cost"]["throttleStatus"] == {
            "maximumAvailable": 7,
            "currentlyAvailable": 5,
            "restoreRate": 1,
        }
        assert first.headers["ratelimit-limit"] == "7"
        assert first.headers["ratelimit-remaining"] == "5"
        assert first.headers["ratelimit-policy"] == "7;w=7"
        assert "retry-after" not in first.headers
        await post(http, {"query": SIMULATION}, GR)
        await post(http, {"query": SIMULATION}, GR)
        refused = await post(http, {"query": SIMULATION}, GR)
        assert refused.status_code == 429, refused.text
        assert codes(refused) == ["RATE_LIMITED"]
        assert "data" not in refused.json()
        error = refused.json()["errors"][0]
        assert error["extensions"]["cost"] == 2
        assert refused.headers["retry-after"] == str(error["extensions"]["retryAfter"])
        assert int(refused.headers["retry-after"]) in (1, 2)
        assert refused.headers["ratelimit-remaining"] in ("0", "1")
        assert error["message"].startswith(
            "Limite de débit atteinte : cette requête coûte 2 points"
        )
        # Older clients get the same 429.
        legacy = await post(http, {"query": SIMULATION}, "application/json")
        assert legacy.status_code == 429
        # The bucket is the principal's: a logged-in user has a full one.
        other = await post(http, {"query": ME}, GR, admin)
        assert other.status_code == 200
        assert other.headers["ratelimit-remaining"] == "5"


async def test_the_rate_limit_costs_one_statement_per_lease_and_none_within_it(db) -> None:
    # A bucket of 1 000 points: leases of 10, five queries of 2 (`me`) each.
    settings = replace(settings_for(db.url), rate_limit_bucket=1000, rate_limit_restore_rate=10)
    async with api_for(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        async with api.counter().counting() as without:
            await api.post(ME, token=admin)
    from gateway.app import build_services, create_app

    services = build_services(settings)
    app = create_app(services=services)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        from tests.api.client import Api

        limited = Api(http, services)
        counts, remaining = [], []
        for _ in range(7):  # the first also loads the signing keys: not counted
            async with limited.counter().counting() as counted:
                response = await limited.http.post(
                    "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {admin}"}
                )
            assert response.json()["data"] == {"me": {"role": "EXPERT_COMPTABLE"}}
            counts.append(counted.count - without.count)
            remaining.append(int(response.headers["ratelimit-remaining"]))
    await services.engine.dispose()
    assert response.json()["extensions"]["cost"]["requestedQueryCost"] == 2
    assert counts[1:] == [0, 0, 0, 0, 1, 0]
    # Restored at 10 points a second while the test runs: at least what was spent.
    assert all(left >= 1000 - 2 * (n + 1) for n, left in enumerate(remaining))


def test_settings_defaults_let_a_cabinet_page_through_its_portfolio() -> None:
    # README "Rate limits": the arithmetic behind the defaults.
    settings = Settings()
    assert (settings.rate_limit_bucket, settings.rate_limit_restore_rate) == (800_000, 100_000)


@pytest.mark.parametrize("value", ["15min", "-1", "0"])
def test_a_bad_token_ttl_is_refused_naming_it(value: str) -> None:
    from gateway.config import SettingsError

    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"GATEWAY_TOKEN_TTL": value})
    assert str(refused.value) == (
        f"GATEWAY_TOKEN_TTL={value!r} is invalid: expected a whole number of seconds "
        "between 60 and 86400, e.g. 900"
    )
