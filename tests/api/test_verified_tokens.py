"""The cache of verified tokens skips only the signature check: a token seen before is
still refused at once when it expires, is altered, or its user is deactivated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from gateway.auth.tokens import ExpiredToken, InvalidToken
from gateway.db.models import Utilisateur
from tests.api.client import error_codes
from tests.api.test_access_limits import setting

__all__ = ["setting"]  # the fixture: the world, and a token of the cabinet's admin

ME = "{ me { role } }"


async def test_a_token_seen_before_is_refused_once_it_has_expired(setting) -> None:
    api, admin = setting
    signer = api.services.signer
    now = api.services.clock.now()
    claims = await signer.verify(admin, now)
    assert signer.verified.get(admin) is not None
    assert await signer.verify(admin, now) == claims
    after = now + timedelta(seconds=signer.ttl_seconds + 1)
    with pytest.raises(ExpiredToken):
        await signer.verify(admin, after)
    assert signer.verified.get(admin) is None
    with pytest.raises(ExpiredToken):  # verified again from scratch: still expired
        await signer.verify(admin, after)


async def test_an_altered_copy_of_a_token_seen_before_is_refused(setting) -> None:
    api, admin = setting
    assert (await api.data(ME, token=admin))["me"] == {"role": "EXPERT_COMPTABLE"}
    header, payload, signature = admin.split(".")
    forged = ".".join(
        (header, payload, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB"))
    )
    with pytest.raises(InvalidToken):
        await api.services.signer.verify(forged, api.services.clock.now())
    body = await api.post(ME, token=forged)
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_user_deactivated_after_the_token_was_cached_is_refused_at_once(setting) -> None:
    api, admin = setting
    for _ in range(2):
        assert (await api.data(ME, token=admin))["me"] == {"role": "EXPERT_COMPTABLE"}
    assert api.services.signer.verified.get(admin) is not None
    async with api.session() as session:
        await session.execute(
            update(Utilisateur)
            .where(Utilisateur.identifiant == "admin@alpha.fr")
            .values(actif=False)
        )
        await session.commit()
    body = await api.post(ME, token=admin)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Jeton invalide : reconnectez-vous."
