"""Helpers for tests that load rows directly (not through the API): store the account
situations the way ``gateway accounting-day`` does after an import."""

from __future__ import annotations

from gateway.services.situation_compte import accounting_day_in
from tests.api.client import Api


async def store_situations(api: Api) -> None:
    async with api.session() as session:
        await accounting_day_in(session, api.services.clock)
