"""Practice-management tools: plans need delais:write, attestations attestations:write
(SPEC §10)."""

from __future__ import annotations

import pytest

from tests.api.client import api_for, error_codes
from tests.api.delais_support import REQUEST, TODAY, Setting, build_setting, overdue_ids, plans
from tests.api.test_access_support import client_token, register_client
from tests.conftest import Database

GENERATE = """mutation($i: GenerateAttestationInput!) { generateAttestation(input: $i) {
  attestation { type } userErrors { code } } }"""


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


async def tool(s: Setting, scopes: list[str]) -> str:
    client_id, secret = await register_client(s.api, s.accountant, scopes)
    return await client_token(s.api, client_id, secret)


async def plan_request(s: Setting) -> dict:
    return {
        "i": {
            "travailleurId": s.gid,
            "echeanceIds": await overdue_ids(s),
            "nombreEcheances": 6,
            "premiereEcheance": "2026-07-10",
            "motif": "Trésorerie",
        }
    }


async def test_a_tool_without_delais_write_cannot_ask_for_a_plan(s: Setting) -> None:
    token = await tool(s, ["read", "attestations:write"])
    body = await s.api.post(REQUEST, await plan_request(s), token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["scope"] == "delais:write"
    assert await plans(s) == []


async def test_a_tool_with_delais_write_asks_for_the_cabinets_client(s: Setting) -> None:
    token = await tool(s, ["read", "delais:write"])
    data = await s.api.data(REQUEST, await plan_request(s), token)
    assert data["requestDelaiPaiement"]["delaiPaiement"]["statut"] == "ACCEPTE"


async def test_attestations_need_attestations_write(s: Setting) -> None:
    variables = {"i": {"travailleurId": s.gid, "type": "MARCHE_PUBLIC"}}
    without = await s.api.post(GENERATE, variables, await tool(s, ["read", "delais:write"]))
    assert error_codes(without) == ["FORBIDDEN"]
    assert without["errors"][0]["extensions"]["scope"] == "attestations:write"
    allowed = await s.api.data(GENERATE, variables, await tool(s, ["attestations:write", "read"]))
    assert allowed["generateAttestation"] == {
        "attestation": {"type": "MARCHE_PUBLIC"},
        "userErrors": [],
    }
    # Without ``read`` the attestation is generated, but not shown in the payload.
    write_only = await s.api.post(GENERATE, variables, await tool(s, ["attestations:write"]))
    assert write_only["data"]["generateAttestation"] == {"attestation": None, "userErrors": []}
    assert [(e["path"], e["extensions"]["scope"]) for e in write_only["errors"]] == [
        (["generateAttestation", "attestation"], "read")
    ]
