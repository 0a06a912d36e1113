"""The workspace through an OAuth2 client of the cabinet: its scopes decide (SPEC §10)."""

from __future__ import annotations

import pytest

from tests.api.client import error_codes
from tests.api.test_access_support import client_token, register_client
from tests.api.test_workspace_batch import ESTIMATES, PERIODICITES, estimate, setting  # noqa: F401

PORTFOLIO = "{ portfolio(first: 10, tri: {champ: NOM}) { totalCount resume { nombreClients } nodes { nom } } }"


async def token(s, scopes: list[str]) -> str:
    return await client_token(s.api, *(await register_client(s.api, s.admin, scopes)))


async def test_a_client_with_read_lists_the_cabinets_portfolio_like_its_admin(setting) -> None:  # noqa: F811
    reader = await token(setting, ["read"])
    by_client = await setting.api.data(PORTFOLIO, token=reader)
    by_admin = await setting.api.data(PORTFOLIO, token=setting.admin)
    assert by_client == by_admin
    assert by_client["portfolio"]["totalCount"] == 3
    assert [n["nom"] for n in by_client["portfolio"]["nodes"]] == ["Bernard", "Dubois", "Garcia"]


async def test_a_client_without_read_may_not_list_the_portfolio(setting) -> None:  # noqa: F811
    writer = await token(setting, ["revenus:write"])
    body = await setting.api.post(PORTFOLIO, token=writer)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["scope"] == "read"


@pytest.mark.parametrize(
    ("mutation", "scope"), [("estimates", "revenus:write"), ("periodicites", "prelevement:write")]
)
async def test_batches_need_the_write_scope_of_their_operation(setting, mutation, scope) -> None:  # noqa: F811
    if mutation == "estimates":
        query, variables = ESTIMATES, {"items": [estimate(setting, "Bernard")]}
    else:
        query, variables = (
            PERIODICITES,
            {"items": [{"travailleurId": setting.gid("Bernard"), "periodicite": "TRIMESTRIEL"}]},
        )
    reader = await token(setting, ["read"])
    refused = await setting.api.post(query, variables, reader)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["scope"] == scope
    allowed = await token(setting, ["read", scope])
    data = await setting.api.data(query, variables, allowed)
    payload = next(iter(data.values()))
    assert (payload["nombreSucces"], payload["nombreEchecs"]) == (1, 0)
    assert payload["results"][0]["userErrors"] == []
