"""An API client whose settings accept local webhook receivers (no test here)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from gateway.app import build_services, create_app
from tests.api.client import Api
from tests.api.test_access_support import ManualClock
from tests.conftest import Database, test_settings

CREATE = """mutation($url: String!, $types: [TypeEvenement!], $key: String, $contact: String) {
  createWebhookEndpoint(input: {url: $url, types: $types, idempotencyKey: $key,
                                description: "Logiciel", courrielContact: $contact}) {
    secret
    endpoint { id url types actif courrielContact }
    userErrors { field message code }
  }
}"""
DELIVERIES = """query($e: ID) {
  webhookDeliveries(endpointId: $e, first: 100) {
    totalCount
    nodes { id sequence statut tentatives dernierCode derniereErreur evenement { type } }
  }
}"""


@asynccontextmanager
async def webhook_api(database: Database, **overrides: Any) -> AsyncIterator[Api]:
    settings = dataclasses.replace(
        test_settings(database.url),
        **({"environment": "development", "webhooks_allow_private": True} | overrides),
    )
    services = build_services(settings)
    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Api(http, services)
    await services.engine.dispose()


def clock_at(api: Api, moment: datetime | None = None) -> ManualClock:
    clock = ManualClock(moment or datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    api.services.clock = clock
    return clock


async def register(api: Api, token: str, url: str, **variables: Any) -> dict[str, Any]:
    payload = (await api.data(CREATE, {"url": url} | variables, token))["createWebhookEndpoint"]
    assert payload["userErrors"] == [], payload
    return dict(payload)
