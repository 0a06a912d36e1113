"""Interactive sessions: refresh-token rotation and reuse detection, logout, and login
throttling per identifier and per client address (SPEC §9)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from gateway.app import create_app
from gateway.auth.opaque import digest
from gateway.db.models_access import CreneauLimite, JetonRafraichissement
from tests.api.client import Api, api_for
from tests.api.test_access_support import audit, counts, login, manual_clock
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database

REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) {
    accessToken expiresIn refreshToken me { nomAffiche } userErrors { field message code }
  }
}"""
LOGOUT = """mutation($t: String!) { logout(input: {refreshToken: $t}) { ok userErrors { field message code } } }"""
INVALID = {
    "field": ["input", "refreshToken"],
    "message": "Jeton de rafraîchissement invalide, expiré ou révoqué : reconnectez-vous.",
    "code": "INVALID_REFRESH_TOKEN",
}
REFUSED_REFRESH = {
    "accessToken": None,
    "expiresIn": None,
    "refreshToken": None,
    "me": None,
    "userErrors": [INVALID],
}


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        await build_world(api)
        clock = manual_clock(api)
        yield api, clock


async def refresh_rows(api) -> list[tuple[str | None, str]]:
    async with api.session() as session:
        rows = await session.execute(
            select(JetonRafraichissement.motif_revocation, JetonRafraichissement.famille).order_by(
                JetonRafraichissement.id
            )
        )
        return [tuple(r) for r in rows]


async def test_a_login_returns_a_refresh_token_stored_only_as_a_digest(setting) -> None:
    api, clock = setting
    payload = await login(api, "admin@alpha.fr", PASSWORD)
    assert payload["motDePasseAChanger"] is False and payload["retryAfter"] is None
    refresh = payload["refreshToken"]
    assert len(refresh) == 43
    async with api.session() as session:
        row = await session.scalar(select(JetonRafraichissement))
    assert row.empreinte == digest(refresh)
    assert row.expire_le - row.cree_le == timedelta(days=30)
    assert row.cree_le == clock.moment


async def test_a_refresh_rotates_the_token_and_gives_a_working_access_token(setting) -> None:
    api, clock = setting
    first = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    clock.advance(minutes=20)  # the access token of the login has expired
    data = (await api.data(REFRESH, {"t": first}))["refreshToken"]
    assert data["userErrors"] == [] and data["expiresIn"] == 900
    assert data["me"] == {"nomAffiche": "admin"}
    assert data["refreshToken"] not in (None, first)
    me = await api.data("{ me { nomAffiche } }", token=data["accessToken"])
    assert me == {"me": {"nomAffiche": "admin"}}
    family = (await refresh_rows(api))[0][1]
    assert await refresh_rows(api) == [("ROTATION", family), (None, family)]
    assert [e[0] for e in await audit(api)] == ["login", "refreshToken"]


async def test_reusing_a_rotated_token_is_refused_and_revokes_the_whole_family(setting) -> None:
    api, _ = setting
    first = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    other_login = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    second = (await api.data(REFRESH, {"t": first}))["refreshToken"]["refreshToken"]
    # An attacker replays the first token: refused, and the legitimate second one dies too.
    assert (await api.data(REFRESH, {"t": first}))["refreshToken"] == REFUSED_REFRESH
    assert (await api.data(REFRESH, {"t": second}))["refreshToken"] == REFUSED_REFRESH
    rows = await refresh_rows(api)
    family = rows[0][1]
    assert rows == [
        ("ROTATION", family),
        (None, rows[1][1]),
        ("REUTILISATION", family),
    ]
    # Another login of the same user is another family: untouched.
    assert (await api.data(REFRESH, {"t": other_login}))["refreshToken"]["userErrors"] == []


@pytest.mark.parametrize("case", ["unknown", "expired"])
async def test_an_unknown_or_expired_refresh_token_is_refused_and_changes_nothing(
    setting, case
) -> None:
    api, clock = setting
    token = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    if case == "unknown":
        token += "x"
    else:
        clock.advance(days=30)
    before = await counts(api)
    assert (await api.data(REFRESH, {"t": token}))["refreshToken"] == REFUSED_REFRESH
    assert await counts(api) == before
    assert (await audit(api))[-1] == ("refreshToken", "anonyme", "REFUS")


async def test_a_logout_revokes_the_refresh_token(setting) -> None:
    api, _ = setting
    token = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    assert (await api.data(LOGOUT, {"t": token}))["logout"] == {"ok": True, "userErrors": []}
    assert (await refresh_rows(api))[0][0] == "DECONNEXION"
    assert (await api.data(LOGOUT, {"t": token}))["logout"] == {
        "ok": False,
        "userErrors": [INVALID],
    }
    # Presenting it again after logout counts as a replay.
    assert (await api.data(REFRESH, {"t": token}))["refreshToken"] == REFUSED_REFRESH


# --- Throttling ------------------------------------------------------------------------


def throttled(seconds: int, minutes: int) -> dict:
    return {
        "accessToken": None,
        "expiresIn": None,
        "refreshToken": None,
        "motDePasseAChanger": False,
        "retryAfter": seconds,
        "me": None,
        "userErrors": [
            {
                "field": ["input", "identifiant"],
                "message": f"Trop de tentatives : réessayez dans {minutes} minutes.",
                "code": "THROTTLED",
            }
        ],
    }


async def test_five_failures_for_one_identifier_throttle_it_for_the_rest_of_15_minutes(
    setting,
) -> None:
    api, clock = setting
    for _ in range(5):
        assert (await login(api, "admin@alpha.fr", "wrong"))["userErrors"][0]["code"] == (
            "INVALID_CREDENTIALS"
        )
        clock.advance(minutes=1)
    # Failures at 10:00…10:04; now 10:05: the first one leaves the window at 10:15.
    before = await counts(api)
    assert await login(api, "Admin@Alpha.fr", PASSWORD) == throttled(600, 10)
    # Refused attempts are not counted (they cannot prolong the delay).
    assert await counts(api) == before
    assert (await audit(api))[-1] == ("login", "anonyme", "REFUS")
    clock.advance(minutes=9, seconds=59, microseconds=500000)
    assert (await login(api, "admin@alpha.fr", PASSWORD))["retryAfter"] == 1
    # Other identifiers are not affected.
    assert (await login(api, "collab@alpha.fr", PASSWORD))["userErrors"] == []
    clock.advance(seconds=1)
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"] == []


async def test_a_successful_login_clears_the_failures_of_the_identifier(setting) -> None:
    api, _ = setting
    for _ in range(4):
        await login(api, "admin@alpha.fr", "wrong")
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"] == []
    for _ in range(4):
        await login(api, "admin@alpha.fr", "wrong")
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"] == []
    await login(api, "admin@alpha.fr", "wrong")
    assert (await login(api, "admin@alpha.fr", PASSWORD))["retryAfter"] is None


async def test_twenty_failures_from_one_address_throttle_every_identifier_from_it(
    setting,
) -> None:
    api, clock = setting
    for n in range(20):
        await login(api, f"inconnu{n}@example.fr", "wrong")
        clock.advance(seconds=30)
    # 20 failures from 10:00:00 to 10:09:30; now 10:10:00.
    assert await login(api, "admin@alpha.fr", PASSWORD) == throttled(300, 5)
    # Another address is not throttled.
    app = create_app(services=api.services)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        elsewhere = Api(http, api.services)
        assert (await login(elsewhere, "admin@alpha.fr", PASSWORD))["userErrors"] == []
    async with api.session() as session:
        addresses = set(
            (
                await session.scalars(
                    select(CreneauLimite.cle).where(CreneauLimite.politique == "login.adresse")
                )
            ).all()
        )
    assert addresses == {"127.0.0.1", "203.0.113.7"}


async def test_one_minute_left_is_said_in_the_singular(setting) -> None:
    api, clock = setting
    for _ in range(5):
        await login(api, "admin@alpha.fr", "wrong")
    clock.advance(minutes=14, seconds=30)
    payload = await login(api, "admin@alpha.fr", "wrong")
    assert (payload["retryAfter"], payload["userErrors"][0]["message"]) == (
        30,
        "Trop de tentatives : réessayez dans 1 minute.",
    )


async def test_attempts_older_than_the_window_are_forgotten(setting) -> None:
    api, clock = setting
    for _ in range(5):
        await login(api, "admin@alpha.fr", "wrong")
    clock.advance(minutes=15)
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"] == []
    # The slots of identifiers unused for a while go when new identifiers come.
    clock.advance(minutes=20)
    await login(api, "collab@alpha.fr", "wrong")
    async with api.session() as session:
        keys = set((await session.scalars(select(CreneauLimite.cle))).all())
    assert keys == {"collab@alpha.fr", "127.0.0.1"}


# --- Concurrency: one statement claims, whatever the number of requests at once --------


async def test_thirty_simultaneous_wrong_passwords_check_only_five(setting, monkeypatch) -> None:
    api, _ = setting
    checks = []
    verify = api.services.passwords.verify

    def counted(stored: str | None, password: str) -> bool:
        checks.append(password)
        return verify(stored, password)

    monkeypatch.setattr(api.services.passwords, "verify", counted)
    results = await asyncio.gather(*(login(api, "admin@alpha.fr", "wrong") for _ in range(30)))
    codes = sorted(r["userErrors"][0]["code"] for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["THROTTLED"] * 25
    assert len(checks) == 5
    # Even the right password waits for the window now.
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"][0]["code"] == "THROTTLED"


async def test_ten_simultaneous_refreshes_with_one_token_give_one_session(setting) -> None:
    api, _ = setting
    token = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    results = await asyncio.gather(*(api.data(REFRESH, {"t": token}) for _ in range(10)))
    payloads = [r["refreshToken"] for r in results]
    winners = [p for p in payloads if p["userErrors"] == []]
    assert len(winners) == 1
    assert [p for p in payloads if p["userErrors"] != []] == [REFUSED_REFRESH] * 9
    # The nine replays revoked the family: the winner's next token is dead too.
    rows = await refresh_rows(api)
    assert sorted(motif for motif, _ in rows) == ["REUTILISATION", "ROTATION"]
    assert (await api.data(REFRESH, {"t": winners[0]["refreshToken"]}))[
        "refreshToken"
    ] == REFUSED_REFRESH
