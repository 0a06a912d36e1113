"""Stored, rotating signing keys; JWKS and authorization server metadata (RFC 7517,
RFC 8414); revocation (RFC 7009) and introspection (RFC 7662) for OAuth2 clients."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import jwt as pyjwt  # an outside library, as an integrator would verify our tokens
import pytest
from sqlalchemy import func, select

from gateway.app import build_services
from gateway.auth.keys_command import list_keys_command, rotate_keys_command
from gateway.db.models_keys import CleSignature, JetonRevoque
from tests.api.client import Api, api_for, error_codes
from tests.api.test_access_support import basic, client_token, register_client
from tests.api.world import PASSWORD, build_world
from tests.conftest import TODAY, Database
from tests.conftest import test_settings as settings_for

ME = "{ me { role } }"


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, admin, db


async def key_count(api: Api) -> int:
    async with api.session() as session:
        return int(await session.scalar(select(func.count()).select_from(CleSignature)) or 0)


async def test_a_token_verifies_with_the_published_jwks_in_an_outside_library(setting) -> None:
    api, admin, _ = setting
    jwks = (await api.http.get("/.well-known/jwks.json")).json()
    assert [(k["kty"], k["crv"], k["alg"], k["use"]) for k in jwks["keys"]] == [
        ("EC", "P-256", "ES256", "sig")
    ]
    assert all("d" not in k for k in jwks["keys"])  # public halves only
    header = pyjwt.get_unverified_header(admin)
    assert (header["alg"], header["kid"]) == ("ES256", jwks["keys"][0]["kid"])
    key = pyjwt.PyJWK(jwks["keys"][0]).key
    claims = pyjwt.decode(
        admin,
        key,
        algorithms=["ES256"],
        audience="http://127.0.0.1:8000/graphql",
        issuer="http://127.0.0.1:8000",
        options={"verify_exp": False},  # the test clock is not the real one
    )
    assert claims["sub"].startswith("user:") and len(claims["jti"]) == 32


async def test_keys_are_stored_once_and_shared_by_every_process(setting) -> None:
    api, admin, db = setting
    assert await key_count(api) == 1
    async with api_for(db) as other_process:
        assert (await other_process.data(ME, token=admin))["me"] == {"role": "EXPERT_COMPTABLE"}
        token = await other_process.login("admin@alpha.fr", PASSWORD)
    assert (await api.data(ME, token=token))["me"] == {"role": "EXPERT_COMPTABLE"}
    assert await key_count(api) == 1


async def test_rotation_signs_with_the_new_key_and_old_tokens_still_verify(setting) -> None:
    api, admin, db = setting
    old_kid = pyjwt.get_unverified_header(admin)["kid"]
    new_kid = await rotate_keys_command(settings_for(db.url))
    assert new_kid != old_kid
    # Another process that starts now signs with the new key and accepts the old token.
    async with api_for(db) as fresh:
        token = await fresh.login("admin@alpha.fr", PASSWORD)
        assert pyjwt.get_unverified_header(token)["kid"] == new_kid
        assert (await fresh.data(ME, token=admin))["me"] == {"role": "EXPERT_COMPTABLE"}
        kids = [k["kid"] for k in (await fresh.http.get("/.well-known/jwks.json")).json()["keys"]]
        assert kids == [new_kid, old_kid]
    # The running process learns the new key from the first token that names it.
    assert (await api.data(ME, token=token))["me"] == {"role": "EXPERT_COMPTABLE"}
    lines = await list_keys_command(settings_for(db.url))
    assert [line.split()[0] for line in lines] == [new_kid, old_kid]
    assert "signe et vérifie" in lines[0] and "retirée le" in lines[1]
    # Once the old key's tokens have all expired, it is no longer published.
    async with api_for(db, TODAY + timedelta(days=1)) as later:
        kids = [k["kid"] for k in (await later.http.get("/.well-known/jwks.json")).json()["keys"]]
        assert kids == [new_kid]


async def test_an_expired_token_is_told_apart_from_a_forged_one(setting) -> None:
    api, admin, db = setting
    async with api_for(db, TODAY + timedelta(days=1)) as later:
        body = await later.post(ME, token=admin)
        assert error_codes(body) == ["TOKEN_EXPIRED"]
        assert body["errors"][0]["message"] == (
            "Jeton expiré : renouvelez-le (refreshToken) ou demandez-en un nouveau."
        )
    forged = admin[:-4] + ("AAAA" if not admin.endswith("AAAA") else "BBBB")
    body = await api.post(ME, token=forged)
    assert body["errors"][0]["message"] == "Jeton invalide : reconnectez-vous."


async def test_a_token_for_another_audience_or_issuer_is_refused(setting) -> None:
    api, _, db = setting
    # Same database, same keys, but a gateway published at another address.
    elsewhere = build_services(replace(settings_for(db.url), public_base_url="https://x.example"))
    try:
        token = await elsewhere.signer.issue("user:1", elsewhere.clock.now())
    finally:
        await elsewhere.engine.dispose()
    body = await api.post(ME, token=token)
    assert body["errors"][0]["message"] == "Jeton invalide : reconnectez-vous."


async def test_the_authorization_server_metadata_names_every_endpoint(setting) -> None:
    api, _, _ = setting
    response = await api.http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == "http://127.0.0.1:8000"
    assert {k: metadata[k] for k in metadata if k.endswith("endpoint") or k == "jwks_uri"} == {
        "token_endpoint": "http://127.0.0.1:8000/oauth/token",
        "revocation_endpoint": "http://127.0.0.1:8000/oauth/revoke",
        "introspection_endpoint": "http://127.0.0.1:8000/oauth/introspect",
        "jwks_uri": "http://127.0.0.1:8000/.well-known/jwks.json",
    }
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert "read" in metadata["scopes_supported"]


async def test_a_client_revokes_its_own_token_and_it_stops_at_once(setting) -> None:
    api, admin, _ = setting
    client_id, secret = await register_client(api, admin, ["read"])
    token = await client_token(api, client_id, secret)
    other_token = await client_token(api, client_id, secret)
    assert (await api.data(ME, token=token))["me"] == {"role": "EXPERT_COMPTABLE"}
    response = await api.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(client_id, secret)
    )
    assert (response.status_code, response.json()) == (200, {})
    body = await api.post(ME, token=token)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    # Only that token: the client's other tokens keep working.
    assert (await api.data(ME, token=other_token))["me"] == {"role": "EXPERT_COMPTABLE"}
    # Revoking again, or revoking garbage, answers 200 and stores nothing more (§2.2).
    for again in (token, "not-a-token"):
        response = await api.http.post(
            "/oauth/revoke", data={"token": again}, headers=basic(client_id, secret)
        )
        assert response.status_code == 200
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(JetonRevoque)) == 1


async def test_revocation_needs_the_client_that_owns_the_token(setting) -> None:
    api, admin, _ = setting
    owner_id, owner_secret = await register_client(api, admin, ["read"], nom="A")
    other_id, other_secret = await register_client(api, admin, ["read"], nom="B")
    token = await client_token(api, owner_id, owner_secret)
    wrong_secret = await api.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(owner_id, "wrong")
    )
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    not_owner = await api.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(other_id, other_secret)
    )
    assert (not_owner.status_code, not_owner.json()["error"]) == (400, "invalid_grant")
    missing = await api.http.post("/oauth/revoke", data={}, headers=basic(owner_id, owner_secret))
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (await api.data(ME, token=token))["me"] == {"role": "EXPERT_COMPTABLE"}


async def test_introspection_tells_a_client_about_its_own_tokens_only(setting) -> None:
    api, admin, _ = setting
    client_id, secret = await register_client(api, admin, ["read", "revenus:write"])
    other_id, other_secret = await register_client(api, admin, ["read"], nom="B")
    token = await client_token(api, client_id, secret, scope="read")

    async def introspect(who: tuple[str, str], presented: str) -> dict[str, object]:
        response = await api.http.post(
            "/oauth/introspect", data={"token": presented}, headers=basic(*who)
        )
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body: dict[str, object] = response.json()
        return body

    own = await introspect((client_id, secret), token)
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert own == {
        "active": True,
        "scope": "read",
        "client_id": client_id,
        "token_type": "Bearer",
        "exp": claims["exp"],
        "iat": claims["iat"],
        "sub": f"client:{client_id}",
        "aud": "http://127.0.0.1:8000/graphql",
        "iss": "http://127.0.0.1:8000",
        "jti": claims["jti"],
    }
    assert await introspect((other_id, other_secret), token) == {"active": False}
    assert await introspect((client_id, secret), admin) == {"active": False}
    assert await introspect((client_id, secret), "garbage") == {"active": False}
    await api.http.post("/oauth/revoke", data={"token": token}, headers=basic(client_id, secret))
    assert await introspect((client_id, secret), token) == {"active": False}
