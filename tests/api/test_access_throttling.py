"""Throttling of the public entry points that cost an argon2 hash or send e-mails
(createAccount, requestPasswordReset, /oauth/token) and argon2 off the event loop.

Every answer stays neutral: a throttled request is refused the same way whether the
NIR, identifier or client exists or not."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from gateway.app import create_app
from tests import builders
from tests.api.client import Api, api_for
from tests.api.test_access_support import basic, login, manual_clock, outbox, register_client
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database

CREATE = """mutation($nir: String!, $courriel: String!) {
  createAccount(input: {nir: $nir, courriel: $courriel}) {
    message retryAfter userErrors { field message code }
  }
}"""
REQUEST = """mutation($i: String!) {
  requestPasswordReset(input: {identifiant: $i}) {
    message retryAfter userErrors { field message code }
  }
}"""
NEUTRAL_CREATION = "Si ce NIR correspond à un compte, un courriel a été envoyé."
NEUTRAL_RESET = "Si cet identifiant correspond à un compte, un courriel a été envoyé."


def throttled(minutes: int, seconds: int, field: list[str] | None) -> dict:
    return {
        "message": None,
        "retryAfter": seconds,
        "userErrors": [
            {
                "field": field,
                "message": (
                    f"Trop de tentatives : réessayez dans {minutes} "
                    f"{'minute' if minutes == 1 else 'minutes'}."
                ),
                "code": "THROTTLED",
            }
        ],
    }


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        clock = manual_clock(api)
        yield api, world, clock


def from_address(api: Api, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(services=api.services), client=(host, 4000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def counting(api: Api, monkeypatch: pytest.MonkeyPatch, method: str) -> list[int]:
    """Record the thread of each call of ``Passwords.<method>`` (hash or verify)."""
    calls: list[int] = []
    original = getattr(api.services.passwords, method)

    def recorded(*args: object) -> object:
        calls.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(api.services.passwords, method, recorded)
    return calls


# --- createAccount ----------------------------------------------------------------------


async def test_create_account_is_throttled_per_address_before_any_hash(
    setting, monkeypatch
) -> None:
    api, _, clock = setting
    hashes = counting(api, monkeypatch, "hash")
    nirs = [builders.valid_nir(1, 70, 1, "13", 200000 + n) for n in range(25)]
    answers = await asyncio.gather(
        *(api.data(CREATE, {"nir": nir, "courriel": "x@example.fr"}) for nir in nirs)
    )
    payloads = [a["createAccount"] for a in answers]
    neutral = {"message": NEUTRAL_CREATION, "retryAfter": None, "userErrors": []}
    assert payloads.count(neutral) == 10
    assert payloads.count(throttled(60, 3600, None)) == 15
    assert len(hashes) == 10
    # Another address is not affected; an hour later this one may again.
    async with from_address(api, "203.0.113.7") as http:
        response = await http.post(
            "/graphql",
            json={"query": CREATE, "variables": {"nir": nirs[0], "courriel": "x@example.fr"}},
        )
        assert response.json()["data"]["createAccount"] == neutral
    clock.advance(minutes=59)
    assert (await api.data(CREATE, {"nir": nirs[1], "courriel": "x@example.fr"}))[
        "createAccount"
    ] == throttled(1, 60, None)
    clock.advance(minutes=1)
    assert (await api.data(CREATE, {"nir": nirs[1], "courriel": "x@example.fr"}))[
        "createAccount"
    ] == neutral


async def test_create_account_for_one_nir_mails_its_worker_at_most_three_times(setting) -> None:
    api, world, _ = setting
    worker = world.assigned
    hosts = [f"198.51.100.{n}" for n in range(6)]
    answers = []
    for host in hosts:
        async with from_address(api, host) as http:
            response = await http.post(
                "/graphql",
                json={
                    "query": CREATE,
                    "variables": {"nir": worker.nir, "courriel": worker.courriel},
                },
            )
            answers.append(response.json()["data"]["createAccount"])
    neutral = {"message": NEUTRAL_CREATION, "retryAfter": None, "userErrors": []}
    assert answers == [neutral] * 3 + [throttled(60, 3600, None)] * 3
    assert [subject for _, subject, _ in await outbox(api)] == ["Votre compte existe déjà"] * 3


# --- requestPasswordReset ---------------------------------------------------------------


@pytest.mark.parametrize("identifiant", ["admin@alpha.fr", "personne@alpha.fr"])
async def test_twenty_five_reset_requests_for_one_identifier_send_three_emails(
    setting, identifiant
) -> None:
    api, _, _ = setting
    answers = await asyncio.gather(*(api.data(REQUEST, {"i": identifiant}) for _ in range(25)))
    payloads = [a["requestPasswordReset"] for a in answers]
    neutral = {"message": NEUTRAL_RESET, "retryAfter": None, "userErrors": []}
    # The same answers whether the identifier exists or not.
    assert payloads.count(neutral) == 3
    assert payloads.count(throttled(60, 3600, ["input", "identifiant"])) == 22
    expected = 3 if identifiant == "admin@alpha.fr" else 0
    assert len(await outbox(api)) == expected


async def test_reset_requests_from_one_address_are_throttled_across_identifiers(setting) -> None:
    api, _, clock = setting
    for n in range(20):
        assert (await api.data(REQUEST, {"i": f"inconnu{n}@example.fr"}))["requestPasswordReset"][
            "userErrors"
        ] == []
        clock.advance(minutes=1)
    assert (await api.data(REQUEST, {"i": "admin@alpha.fr"}))["requestPasswordReset"] == throttled(
        40, 2400, ["input", "identifiant"]
    )
    assert await outbox(api) == []


# --- /oauth/token -----------------------------------------------------------------------


async def token(http: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )


async def test_wrong_client_secrets_are_throttled_per_client_id(setting, monkeypatch) -> None:
    api, _, clock = setting
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, ["read"])
    checks = counting(api, monkeypatch, "verify")
    responses = await asyncio.gather(*(token(api.http, client_id, "wrong") for _ in range(8)))
    assert sorted(r.status_code for r in responses) == [401] * 5 + [429] * 3
    assert len(checks) == 5
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["retry-after"] == "900"
    assert refused.json() == {
        "error": "temporarily_unavailable",
        "error_description": "Trop d'echecs d'authentification : reessayez dans 900 secondes.",
    }
    # The right secret waits too; an unknown client id is throttled the same way.
    assert (await token(api.http, client_id, secret)).status_code == 429
    unknown = [(await token(api.http, "cli_inconnu", "x")).status_code for _ in range(6)]
    assert unknown == [401] * 5 + [429]
    clock.advance(minutes=15)
    assert (await token(api.http, client_id, secret)).status_code == 200


async def test_a_token_issued_clears_the_client_failures(setting) -> None:
    api, _, _ = setting
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, ["read"])
    for _ in range(3):
        for _ in range(4):
            assert (await token(api.http, client_id, "wrong")).status_code == 401
        assert (await token(api.http, client_id, secret)).status_code == 200


async def test_wrong_client_secrets_are_throttled_per_address(setting) -> None:
    api, _, _ = setting
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, ["read"])
    for n in range(20):
        assert (await token(api.http, f"cli_inconnu{n}", "x")).status_code == 401
    assert (await token(api.http, client_id, secret)).status_code == 429
    async with from_address(api, "203.0.113.7") as http:
        assert (await token(http, client_id, secret)).status_code == 200


async def test_basic_and_post_credentials_at_once_are_refused(setting, monkeypatch) -> None:
    api, _, _ = setting
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, ["read"])
    checks = counting(api, monkeypatch, "verify")
    response = await api.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        headers=basic(client_id, secret),
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": (
            "Une seule methode d'authentification par requete : client_secret_basic ou "
            "client_secret_post (RFC 6749 section 2.3)."
        ),
    }
    assert checks == []
    # Either method alone works.
    assert (await token(api.http, client_id, secret)).status_code == 200
    post = await api.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert post.status_code == 200


# --- argon2 off the event loop ----------------------------------------------------------


async def test_a_cheap_request_is_answered_while_a_password_is_being_hashed(
    setting, monkeypatch
) -> None:
    api, world, _ = setting
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    threads: list[int] = []
    original = api.services.passwords.hash

    def slow_hash(password: str) -> str:
        threads.append(threading.get_ident())
        started.set()
        release.wait(timeout=10)  # only a safety net: the test releases it itself
        finished.set()
        return original(password)

    monkeypatch.setattr(api.services.passwords, "hash", slow_hash)
    creation = asyncio.create_task(
        api.data(CREATE, {"nir": world.assigned.nir, "courriel": world.assigned.courriel})
    )
    assert await asyncio.to_thread(started.wait, 10)
    assert await api.data("{ __typename }") == {"__typename": "Query"}
    # Answered while the hash was still running, in a thread of its own.
    assert not finished.is_set()
    release.set()
    assert (await creation)["createAccount"]["userErrors"] == []
    assert threads and threads[0] != threading.get_ident()


async def test_every_password_hash_and_check_runs_outside_the_event_loop(
    setting, monkeypatch
) -> None:
    api, world, _ = setting
    loop_thread = threading.get_ident()
    hashes = counting(api, monkeypatch, "hash")
    checks = counting(api, monkeypatch, "verify")
    admin = await api.login("admin@alpha.fr", PASSWORD)
    await login(api, "admin@alpha.fr", "wrong")
    client_id, secret = await register_client(api, admin, ["read"])
    assert (await token(api.http, client_id, secret)).status_code == 200
    await api.data(CREATE, {"nir": world.assigned.nir, "courriel": world.assigned.courriel})
    change = """mutation($o: String!, $n: String!) {
      changeMotDePasse(input: {ancienMotDePasse: $o, nouveauMotDePasse: $n}) { ok }
    }"""
    data = await api.data(change, {"o": PASSWORD, "n": "un tout nouveau mot de passe"}, admin)
    assert data["changeMotDePasse"]["ok"] is True
    assert len(hashes) >= 3 and len(checks) >= 4
    assert loop_thread not in hashes + checks
