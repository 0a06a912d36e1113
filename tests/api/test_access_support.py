"""Helpers shared by the access tests (test_access_*.py); no tests here."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from gateway.clock import Clock
from gateway.db import models
from gateway.db.models_access import (
    ClientOAuth,
    CodeReinitialisation,
    JetonRafraichissement,
)
from tests.api.client import Api

LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) {
    accessToken expiresIn refreshToken motDePasseAChanger retryAfter
    me { role nomAffiche }
    userErrors { field message code }
  }
}"""
CREATE_CLIENT = """mutation($nom: String!, $scopes: [OAuthScope!]!, $key: String) {
  createOAuthClient(input: {nom: $nom, scopes: $scopes, idempotencyKey: $key}) {
    clientSecret
    client { clientId nom scopes actif revoqueLe }
    userErrors { field message code }
  }
}"""


class ManualClock(Clock):
    """A clock whose time of day is fixed too, moved by hand (throttling, expiries)."""

    def __init__(self, moment: datetime) -> None:
        # Clock is a frozen dataclass: set attributes the way its own __init__ does.
        object.__setattr__(self, "fixed_today", moment.date())
        object.__setattr__(self, "moment", moment)

    def today(self):  # type: ignore[no-untyped-def]
        return self.moment.date()

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        object.__setattr__(self, "moment", self.moment + timedelta(**delta))


def manual_clock(api: Api, moment: datetime | None = None) -> ManualClock:
    clock = ManualClock(moment or datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    api.services.clock = clock
    return clock


async def login(api: Api, identifiant: str, password: str) -> dict[str, Any]:
    data = await api.data(LOGIN, {"i": identifiant, "m": password})
    return data["login"]


async def provisional_login(api: Api, identifiant: str, password: str) -> dict[str, Any]:
    """A login with a provisional password: ``me`` answers only what it may."""
    query = LOGIN.replace("me { role nomAffiche }", "me { role identifiant motDePasseAChanger }")
    data = await api.data(query, {"i": identifiant, "m": password})
    return data["login"]


async def register_client(
    api: Api, admin_token: str, scopes: list[str], nom: str = "Logiciel"
) -> tuple[str, str]:
    """A new OAuth2 client of the admin's cabinet: (client_id, secret); ``scopes`` in
    their OAuth form ("revenus:write")."""
    variables = {"nom": nom, "scopes": [oauth_scope_enum(s) for s in scopes]}
    data = await api.data(CREATE_CLIENT, variables, admin_token)
    payload = data["createOAuthClient"]
    assert payload["userErrors"] == [], payload
    return payload["client"]["clientId"], payload["clientSecret"]


def oauth_scope_enum(scope: str) -> str:
    """The schema's OAuthScope value of a scope in its OAuth form: revenus:write → REVENUS_WRITE."""
    return scope.replace(":", "_").upper()


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def client_token(api: Api, client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
    response = await api.http.post("/oauth/token", data=form, headers=basic(client_id, secret))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def counts(api: Api) -> dict[str, int]:
    """Row counts of every table the access features write: what a refusal must not change."""
    tables = {
        "clients": ClientOAuth,
        "clients_revoques": ClientOAuth,
        "jetons": JetonRafraichissement,
        "jetons_revoques": JetonRafraichissement,
        "codes": CodeReinitialisation,
        "utilisateurs": models.Utilisateur,
        "courriels": models.CourrielSortant,
        "idempotence": models.Idempotence,
    }
    result = {}
    async with api.session() as session:
        for name, model in tables.items():
            statement = select(func.count()).select_from(model)
            if name == "clients_revoques":
                statement = statement.where(ClientOAuth.revoque_le.is_not(None))
            if name == "jetons_revoques":
                statement = statement.where(JetonRafraichissement.revoque_le.is_not(None))
            result[name] = int(await session.scalar(statement) or 0)
    return result


async def outbox(api: Api) -> list[tuple[str, str, str]]:
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.CourrielSortant.destinataire,
                models.CourrielSortant.sujet,
                models.CourrielSortant.corps,
            ).order_by(models.CourrielSortant.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def audit(api: Api) -> list[tuple[str, str, str]]:
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.EvenementAudit.operation,
                models.EvenementAudit.acteur,
                models.EvenementAudit.issue,
            ).order_by(models.EvenementAudit.id)
        )
        return [(op, actor, issue.value) for op, actor, issue in rows]
