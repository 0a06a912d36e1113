"""Login: tokens for good credentials, one neutral refusal otherwise, every attempt audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.nomenclatures import IssueAudit
from gateway.db.models import EvenementAudit
from tests.api.client import api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) {
    accessToken expiresIn me { role nomAffiche }
    userErrors { field message code }
  }
}"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        yield api, world


async def audit_events(api) -> list[tuple[str, str, str]]:
    async with api.session() as session:
        rows = await session.execute(
            select(EvenementAudit.operation, EvenementAudit.acteur, EvenementAudit.issue).order_by(
                EvenementAudit.id
            )
        )
        return [(op, actor, issue.value) for op, actor, issue in rows]


async def test_a_worker_logs_in_with_their_nir_even_with_spaces(setting) -> None:
    api, world = setting
    spaced = " ".join([world.assigned.nir[:1], world.assigned.nir[1:3], world.assigned.nir[3:]])
    data = await api.data(LOGIN, {"i": spaced, "m": WORKER_PASSWORD})
    assert data["login"]["expiresIn"] == 900
    assert data["login"]["me"] == {"role": "TRAVAILLEUR", "nomAffiche": "Luc Bernard"}
    assert data["login"]["userErrors"] == []
    assert await audit_events(api) == [("login", "Luc Bernard", IssueAudit.SUCCES.value)]


async def test_an_accountant_logs_in_with_their_email_in_any_case(setting) -> None:
    api, _ = setting
    data = await api.data(LOGIN, {"i": "Admin@Alpha.FR", "m": PASSWORD})
    assert data["login"]["me"]["role"] == "EXPERT_COMPTABLE"
    token = data["login"]["accessToken"]
    me = await api.data("{ me { role administrateurCabinet cabinet { nom } } }", token=token)
    assert me["me"] == {
        "role": "EXPERT_COMPTABLE",
        "administrateurCabinet": True,
        "cabinet": {"nom": "Cabinet Alpha"},
    }


@pytest.mark.parametrize(
    ("identifiant", "password"),
    [("admin@alpha.fr", "wrong"), ("nobody@alpha.fr", PASSWORD), ("", "")],
)
async def test_wrong_credentials_get_one_neutral_user_error_and_are_audited(
    setting, identifiant, password
) -> None:
    api, _ = setting
    data = await api.data(LOGIN, {"i": identifiant, "m": password})
    assert data["login"] == {
        "accessToken": None,
        "expiresIn": None,
        "me": None,
        "userErrors": [
            {
                "field": ["input", "motDePasse"],
                "message": "Identifiant ou mot de passe incorrect.",
                "code": "INVALID_CREDENTIALS",
            }
        ],
    }
    assert await audit_events(api) == [("login", "anonyme", IssueAudit.REFUS.value)]


async def test_an_expired_token_is_refused(db: Database) -> None:
    from datetime import date

    async with api_for(db) as api:
        await build_world(api)
        token = await api.login("admin@alpha.fr", PASSWORD)
    async with api_for(db, today=date(2026, 11, 24)) as later:
        body = await later.post("{ me { role } }", token=token)
        assert error_codes(body) == ["TOKEN_EXPIRED"]


async def test_health_answers_200_when_the_database_answers(setting) -> None:
    api, _ = setting
    response = await api.http.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


async def test_health_answers_503_when_the_database_does_not(tmp_path) -> None:
    import httpx

    from gateway.app import build_services, create_app
    from tests.conftest import test_settings

    services = build_services(test_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    transport = httpx.ASGITransport(app=create_app(services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/health")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "indisponible", "database": "injoignable"},
    )
