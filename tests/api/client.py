"""Drive the real ASGI app in-process, as a GraphQL client would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.app import build_services, create_app
from gateway.context import AppServices
from gateway.db.engine import StatementCounter
from tests.conftest import TODAY, Database, test_settings


@dataclass
class Api:
    http: httpx.AsyncClient
    services: AppServices

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        # 401: a refused or missing token (RFC 6750), with the GraphQL error in the body.
        assert response.status_code in (200, 401), response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The ``data`` of a query that must succeed."""
        body = await self.post(query, variables, token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def login(self, identifiant: str, mot_de_passe: str) -> str:
        data = await self.data(
            """mutation($i: String!, $m: String!) {
                 login(input: {identifiant: $i, motDePasse: $m}) {
                   accessToken userErrors { code message }
                 }
               }""",
            {"i": identifiant, "m": mot_de_passe},
        )
        token = data["login"]["accessToken"]
        assert token, data["login"]["userErrors"]
        return str(token)

    def session(self) -> AsyncSession:
        return self.services.sessions()

    def counter(self) -> StatementCounter:
        return StatementCounter(self.services.engine)


@asynccontextmanager
async def api_for(
    database: Database, today: date = TODAY, *, attribute_fields: bool = True
) -> AsyncIterator[Api]:
    """``attribute_fields`` False: every field through graphql-core's general execution."""
    settings = replace(test_settings(database.url, today), attribute_fields=attribute_fields)
    services = build_services(settings)
    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield Api(http, services)
    await services.engine.dispose()


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
