"""Fixtures shared by the API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.seed.demo import seed_demo
from tests import builders
from tests.api.client import Api, api_for
from tests.conftest import TODAY, Database


@pytest.fixture
async def both(db: Database) -> AsyncIterator[tuple[Api, Api]]:
    """The demo data served by two apps: the execution that answers attribute fields,
    column-wise lists and JSON lists directly, and the general execution."""
    async with api_for(db) as direct, api_for(db, attribute_fields=False) as general:
        async with direct.session() as session:
            await seed_demo(session, TODAY, builders.password_hash)
            await session.commit()
        yield direct, general
