"""OAuth2 clients of a cabinet: registration, listing, revocation, and the token
endpoint (SPEC §10; RFC 6749 §4.4, §5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.db.models_access import ClientOAuth
from tests.api.client import api_for, error_codes
from tests.api.test_access_support import (
    CREATE_CLIENT,
    audit,
    basic,
    client_token,
    counts,
    register_client,
)
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

CLIENTS = (
    "query($all: Boolean!) { oauthClients(inclureRevoques: $all) { clientId nom scopes actif } }"
)
REVOKE = """mutation($id: String!) {
  revokeOAuthClient(input: {clientId: $id}) {
    client { clientId actif revoqueLe }
    userErrors { field message code }
  }
}"""
ADMIN_ONLY = "Opération réservée à l'administrateur du cabinet (administrateurCabinet)."
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": (
        "The client cannot authenticate with methods: ['client_secret_basic', 'client_secret_post']"
    ),
}


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, world, admin


async def test_a_cabinet_admin_registers_a_client_and_gets_its_secret_once(setting) -> None:
    api, _, admin = setting
    data = await api.data(
        CREATE_CLIENT,
        {"nom": "  Logiciel   Compta ", "scopes": ["revenus:write", "read", "read"]},
        admin,
    )
    payload = data["createOAuthClient"]
    client = payload["client"]
    assert payload["userErrors"] == []
    assert client["clientId"].startswith("cli_") and len(client["clientId"]) == 28
    assert client | {"clientId": "…"} == {
        "clientId": "…",
        "nom": "Logiciel Compta",
        "scopes": ["read", "revenus:write"],
        "actif": True,
        "revoqueLe": None,
    }
    secret = payload["clientSecret"]
    assert len(secret) == 43
    async with api.session() as session:
        row = await session.scalar(select(ClientOAuth))
    # Only an argon2 hash of the secret is kept.
    assert row.secret_hash.startswith("$argon2id$") and secret not in row.secret_hash
    assert api.services.passwords.verify(row.secret_hash, secret)
    listed = await api.data(CLIENTS, {"all": False}, admin)
    assert listed["oauthClients"] == [
        {
            "clientId": client["clientId"],
            "nom": "Logiciel Compta",
            "scopes": ["read", "revenus:write"],
            "actif": True,
        }
    ]
    assert (await audit(api))[-1] == ("createOAuthClient", "admin", "SUCCES")


@pytest.mark.parametrize(
    ("nom", "scopes", "error"),
    [
        (
            " ",
            ["read"],
            {
                "field": ["input", "nom"],
                "code": "NOM_INVALIDE",
                "message": "Nommez le client (1 à 100 caractères), par exemple le logiciel du cabinet.",
            },
        ),
        (
            "Outil",
            ["read", "write", "admin"],
            {
                "field": ["input", "scopes"],
                "code": "SCOPE_INCONNU",
                "message": "Scope inconnu : admin, write (possibles : read, revenus:write, "
                "prelevement:write, delais:write, attestations:write, webhooks:write).",
            },
        ),
        (
            "Outil",
            [],
            {
                "field": ["input", "scopes"],
                "code": "SCOPES_MANQUANTS",
                "message": "Choisissez au moins un scope.",
            },
        ),
    ],
)
async def test_a_bad_registration_is_refused_naming_the_field_and_changes_nothing(
    setting, nom, scopes, error
) -> None:
    api, _, admin = setting
    before = await counts(api)
    data = await api.data(CREATE_CLIENT, {"nom": nom, "scopes": scopes}, admin)
    assert data["createOAuthClient"] == {
        "clientSecret": None,
        "client": None,
        "userErrors": [error],
    }
    assert await counts(api) == before


async def caller_tokens(api, world) -> dict[str, str | None]:
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, sorted(["read", "revenus:write"]))
    return {
        "anonymous": None,
        "worker": await api.login(world.assigned.nir, WORKER_PASSWORD),
        "collaborator": await api.login("collab@alpha.fr", PASSWORD),
        "agent": await api.login("agent@idf.fr", PASSWORD),
        "oauth client": await client_token(api, client_id, secret),
    }


@pytest.mark.parametrize(
    ("caller", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("worker", "FORBIDDEN"),
        ("collaborator", "FORBIDDEN"),
        ("agent", "FORBIDDEN"),
        ("oauth client", "FORBIDDEN"),
    ],
)
async def test_only_the_cabinet_admin_lists_registers_and_revokes_clients(
    setting, caller, code
) -> None:
    api, world, admin = setting
    token = (await caller_tokens(api, world))[caller]
    existing = (await api.data(CLIENTS, {"all": True}, admin))["oauthClients"][0]["clientId"]
    before = await counts(api)
    for query, variables in (
        (CLIENTS, {"all": True}),
        (CREATE_CLIENT, {"nom": "Intrus", "scopes": ["read"]}),
        (REVOKE, {"id": existing}),
    ):
        body = await api.post(query, variables, token)
        assert body["data"] is None
        assert error_codes(body) == [code]
        if code == "FORBIDDEN":
            assert body["errors"][0]["message"] == ADMIN_ONLY
    assert await counts(api) == before


async def test_an_admin_of_another_cabinet_neither_sees_nor_revokes_the_client(setting) -> None:
    api, _, admin = setting
    client_id, _ = await register_client(api, admin, ["read"])
    other = await api.login("admin@beta.fr", PASSWORD)
    assert (await api.data(CLIENTS, {"all": True}, other))["oauthClients"] == []
    before = await counts(api)
    data = await api.data(REVOKE, {"id": client_id}, other)
    assert data["revokeOAuthClient"] == {
        "client": None,
        "userErrors": [
            {
                "field": ["input", "clientId"],
                "message": "Client OAuth2 introuvable.",
                "code": "NOT_FOUND",
            }
        ],
    }
    assert await counts(api) == before


async def test_revoking_a_client_stops_its_tokens_at_once(setting) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    token = await client_token(api, client_id, secret)
    assert (await api.data("{ portfolio { totalCount } }", token=token))["portfolio"] == {
        "totalCount": 2
    }
    data = await api.data(REVOKE, {"id": client_id}, admin)
    revoked = data["revokeOAuthClient"]
    assert revoked["userErrors"] == []
    assert revoked["client"]["actif"] is False and revoked["client"]["revoqueLe"] is not None
    body = await api.post("{ portfolio { totalCount } }", token=token)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == (
        "Client OAuth2 ou jeton révoqué : ce jeton n'est plus valable."
    )
    response = await api.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )
    assert (response.status_code, response.json()) == (401, INVALID_CLIENT)
    again = await api.data(REVOKE, {"id": client_id}, admin)
    assert again["revokeOAuthClient"]["userErrors"] == [
        {
            "field": ["input", "clientId"],
            "message": "Ce client OAuth2 est déjà révoqué.",
            "code": "CLIENT_DEJA_REVOQUE",
        }
    ]
    assert (await api.data(CLIENTS, {"all": False}, admin))["oauthClients"] == []
    listed = (await api.data(CLIENTS, {"all": True}, admin))["oauthClients"]
    assert [(c["clientId"], c["actif"]) for c in listed] == [(client_id, False)]


async def test_a_registration_retried_with_its_key_returns_the_client_without_the_secret(
    setting,
) -> None:
    api, _, admin = setting
    variables = {"nom": "Outil", "scopes": ["read"], "key": "k-1"}
    first = (await api.data(CREATE_CLIENT, variables, admin))["createOAuthClient"]
    retry = (await api.data(CREATE_CLIENT, variables, admin))["createOAuthClient"]
    assert first["clientSecret"] is not None
    assert retry == {**first, "clientSecret": None}
    assert (await counts(api))["clients"] == 1


# --- POST /oauth/token -----------------------------------------------------------------


async def test_client_secret_basic_gets_a_bearer_token_with_the_granted_scopes(setting) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read", "revenus:write"])
    response = await api.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )
    assert response.status_code == 200
    assert (response.headers["cache-control"], response.headers["pragma"]) == (
        "no-store",
        "no-cache",
    )
    body = response.json()
    assert body | {"access_token": "…"} == {
        "access_token": "…",
        "token_type": "Bearer",
        "expires_in": 900,
        "scope": "read revenus:write",
    }
    claims = await api.services.signer.verify(body["access_token"], api.services.clock.now())
    assert (claims.subject, claims.scopes) == (
        f"client:{client_id}",
        frozenset({"read", "revenus:write"}),
    )
    me = await api.data(
        "{ me { role nomAffiche scopes cabinet { nom } } }", token=body["access_token"]
    )
    assert me["me"] == {
        "role": "EXPERT_COMPTABLE",
        "nomAffiche": f"Logiciel (client OAuth2 {client_id})",
        "scopes": ["read", "revenus:write"],
        "cabinet": {"nom": "Cabinet Alpha"},
    }
    assert (await audit(api))[-1] == (
        "oauthToken",
        f"Logiciel (client OAuth2 {client_id})",
        "SUCCES",
    )


async def test_client_secret_post_gets_a_token_too(setting) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    response = await api.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "read"


async def test_a_scope_parameter_narrows_the_token(setting) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read", "revenus:write"])
    token = await client_token(api, client_id, secret, scope="read")
    claims = await api.services.signer.verify(token, api.services.clock.now())
    assert claims.scopes == frozenset({"read"})
    me = await api.data("{ me { scopes } }", token=token)
    assert me["me"]["scopes"] == ["read"]


async def test_asking_for_more_than_the_granted_scopes_is_invalid_scope(setting) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    response = await api.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "read revenus:write delais:write"},
        headers=basic(client_id, secret),
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_scope",
            "error_description": (
                "Scope hors des droits du client : delais:write revenus:write "
                "(droits du client : read)."
            ),
        },
    )


@pytest.mark.parametrize("wrong", ["secret", "client_id", "nothing"])
async def test_wrong_or_missing_credentials_are_invalid_client_with_status_401(
    setting, wrong
) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    headers = {
        "secret": basic(client_id, secret + "x"),
        "client_id": basic("cli_000000000000000000000000", secret),
        "nothing": {},
    }[wrong]
    response = await api.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=headers
    )
    assert (response.status_code, response.json()) == (401, INVALID_CLIENT)
    assert response.headers["www-authenticate"].startswith('Basic error="invalid_client"')
    assert (await audit(api))[-1] == ("oauthToken", "anonyme", "REFUS")


@pytest.mark.parametrize(
    ("form", "content_type", "expected"),
    [
        (
            "grant_type=password&username=a&password=b",
            "application/x-www-form-urlencoded",
            {"error": "unsupported_grant_type"},
        ),
        (
            "scope=read",
            "application/x-www-form-urlencoded",
            {"error": "invalid_request", "error_description": "Parametre grant_type manquant."},
        ),
        (
            "grant_type=client_credentials&grant_type=client_credentials",
            "application/x-www-form-urlencoded",
            {"error": "invalid_request", "error_description": "Parametre repete : grant_type."},
        ),
        (
            '{"grant_type": "client_credentials"}',
            "application/json",
            {
                "error": "invalid_request",
                "error_description": "Content-Type attendu : application/x-www-form-urlencoded.",
            },
        ),
    ],
)
async def test_malformed_token_requests_get_an_rfc_6749_error(
    setting, form, content_type, expected
) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    response = await api.http.post(
        "/oauth/token",
        content=form,
        headers={"Content-Type": content_type, **basic(client_id, secret)},
    )
    assert (response.status_code, response.json()) == (400, expected)
    assert response.headers["content-type"] == "application/json"


async def test_the_token_endpoint_answers_only_post(setting) -> None:
    api, _, _ = setting
    response = await api.http.get("/oauth/token")
    assert response.status_code == 405


async def test_characters_an_oauth2_error_cannot_carry_are_replaced_in_its_description(
    setting,
) -> None:
    api, _, admin = setting
    client_id, secret = await register_client(api, admin, ["read"])
    response = await api.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": 'réad "x"'},
        headers=basic(client_id, secret),
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_scope",
            "error_description": (
                "Scope hors des droits du client : ?x? r?ad (droits du client : read)."
            ),
        },
    )
