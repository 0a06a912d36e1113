"""Who may register webhook endpoints, which URLs are refused (SSRF), and that the
secret is shown once; a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.events.models import WebhookEndpoint
from tests.api.client import error_codes
from tests.api.test_access_support import client_token, register_client
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database
from tests.events.support import CREATE, webhook_api

PUBLIC = "https://93.184.215.14/hook"  # a public address: no DNS needed


async def endpoint_count(api) -> int:
    async with api.session() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0)


@pytest.fixture
async def production(db: Database):
    """Production rules: https only, private addresses refused."""
    async with webhook_api(db, environment="production", webhooks_allow_private=False) as api:
        world = await build_world(api)
        yield api, world


async def create(api, token, url, **variables):
    return await api.post(CREATE, {"url": url} | variables, token)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://93.184.215.14/hook", "URL_NON_HTTPS"),
        ("ftp://93.184.215.14/hook", "URL_NON_HTTPS"),
        ("https://127.0.0.1/hook", "URL_ADRESSE_INTERDITE"),
        ("https://localhost:8443/hook", "URL_ADRESSE_INTERDITE"),
        ("https://10.1.2.3/hook", "URL_ADRESSE_INTERDITE"),
        ("https://192.168.0.10/hook", "URL_ADRESSE_INTERDITE"),
        ("https://169.254.169.254/latest/meta-data", "URL_ADRESSE_INTERDITE"),
        ("https://[::1]/hook", "URL_ADRESSE_INTERDITE"),
        ("https://[::ffff:127.0.0.1]/hook", "URL_ADRESSE_INTERDITE"),
        ("https://0.0.0.0/hook", "URL_ADRESSE_INTERDITE"),
        ("https://user:pw@93.184.215.14/hook", "URL_INVALIDE"),
        ("https://", "URL_INVALIDE"),
        ("https://93.184.215.14:99999/hook", "URL_INVALIDE"),
        ("", "URL_INVALIDE"),
        ("https://nom-qui-n-existe-pas.invalid/hook", "URL_HOTE_INCONNU"),
    ],
)
async def test_refused_urls_name_the_field_and_change_nothing(production, url, code):
    api, _world = production
    admin = await api.login("admin@alpha.fr", PASSWORD)
    payload = (await api.data(CREATE, {"url": url}, admin))["createWebhookEndpoint"]
    assert payload["endpoint"] is None and payload["secret"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "url"], code)]
    assert payload["userErrors"][0]["message"]
    assert await endpoint_count(api) == 0


async def test_the_secret_is_shown_once(production):
    api, _world = production
    admin = await api.login("admin@alpha.fr", PASSWORD)
    first = (await api.data(CREATE, {"url": PUBLIC, "key": "k1"}, admin))["createWebhookEndpoint"]
    assert first["secret"].startswith("whsec_") and first["userErrors"] == []
    assert first["endpoint"]["courrielContact"] == "admin@alpha.fr"
    replay = (await api.data(CREATE, {"url": PUBLIC, "key": "k1"}, admin))["createWebhookEndpoint"]
    assert replay["secret"] is None
    assert await endpoint_count(api) == 1
    listed = await api.data("{ webhookEndpoints { url actif types } }", token=admin)
    assert listed == {"webhookEndpoints": [{"url": PUBLIC, "actif": True, "types": []}]}


async def test_who_may_register(production):
    api, world = production
    admin = await api.login("admin@alpha.fr", PASSWORD)
    with_scope, secret = await register_client(api, admin, ["read", "webhooks:write"])
    without, other_secret = await register_client(api, admin, ["read"], nom="Autre")
    refused = {
        "worker": await api.login(world.assigned.nir, WORKER_PASSWORD),
        "collaborator": await api.login("collab@alpha.fr", PASSWORD),
        "agent": await api.login("agent@idf.fr", PASSWORD),
        "client without webhooks:write": await client_token(api, without, other_secret),
    }
    for name, token in refused.items():
        body = await create(api, token, PUBLIC)
        assert error_codes(body) == ["FORBIDDEN"], name
        body = await api.post("{ webhookEndpoints { id } }", token=token)
        assert error_codes(body) == ["FORBIDDEN"], name
    assert error_codes(await create(api, None, PUBLIC)) == ["UNAUTHENTICATED"]
    assert await endpoint_count(api) == 0
    client = await client_token(api, with_scope, secret, "read webhooks:write")
    payload = (await api.data(CREATE, {"url": PUBLIC, "types": ["MANDAT_REVOQUE"]}, client))[
        "createWebhookEndpoint"
    ]
    assert payload["userErrors"] == []
    assert payload["endpoint"]["types"] == ["MANDAT_REVOQUE"]
    # No person to e-mail: the cabinet's administrators are, should it be disabled.
    assert payload["endpoint"]["courrielContact"] is None
    # The cabinet's admin and the client see the same endpoints; the other cabinet none.
    admin_view = await api.data("{ webhookEndpoints { id } }", token=admin)
    assert admin_view == await api.data("{ webhookEndpoints { id } }", token=client)
    beta = await api.login("admin@beta.fr", PASSWORD)
    assert await api.data("{ webhookEndpoints { id } }", token=beta) == {"webhookEndpoints": []}
    delete = """mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id}) {
      userErrors { code } } }"""
    endpoint_id = payload["endpoint"]["id"]
    body = await api.data(delete, {"id": endpoint_id}, beta)
    assert [e["code"] for e in body["deleteWebhookEndpoint"]["userErrors"]] == ["NOT_FOUND"]
    body = await api.data(delete, {"id": endpoint_id}, admin)
    assert body["deleteWebhookEndpoint"]["userErrors"] == []
    assert await endpoint_count(api) == 0


async def test_development_accepts_http_and_a_setting_allows_private_addresses(db: Database):
    async with webhook_api(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        payload = (await api.data(CREATE, {"url": "http://127.0.0.1:9/hook"}, admin))[
            "createWebhookEndpoint"
        ]
        assert payload["userErrors"] == []
