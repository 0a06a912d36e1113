"""What an OAuth2 client may do with its token: act as its cabinet, within its scopes
(SPEC §10). ``read`` is enforced for every query of account data; write scopes by
each service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for, error_codes
from tests.api.test_access_support import audit, client_token, register_client
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database

TODAY = date(2026, 6, 10)
NO_READ = "Ce client OAuth2 n'a pas le scope « read »."
ESTIMATE = """mutation($input: EstimateRevenueInput!) {
  estimateRevenue(input: $input) { totalCotisations userErrors { field message code } }
}"""
DECLARE = """mutation($input: DeclareRevenuInput!) {
  declareRevenu(input: $input) { regularisation userErrors { code } }
}"""
PERIODICITE = """mutation($input: SetPrelevementPeriodiciteInput!) {
  setPrelevementPeriodicite(input: $input) { modifiee userErrors { field message code } }
}"""
AUTOMATIQUE = """mutation($input: SetPrelevementAutomatiqueInput!) {
  setPrelevementAutomatique(input: $input) { userErrors { code } }
}"""
REMOVE = """mutation($input: RemovePrelevementAutomatiqueInput!) {
  removePrelevementAutomatique(input: $input) { userErrors { code } }
}"""


@pytest.fixture
async def world_setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, world, admin


async def token_with(api, admin: str, scopes: list[str]) -> str:
    client_id, secret = await register_client(api, admin, scopes)
    return await client_token(api, client_id, secret)


async def test_a_client_with_read_sees_what_its_cabinet_admin_sees(world_setting) -> None:
    api, world, admin = world_setting
    token = await token_with(api, admin, ["read"])
    query = "{ portfolio { totalCount nodes { nom } } }"
    as_client = await api.data(query, token=token)
    assert as_client == await api.data(query, token=admin)
    assert as_client["portfolio"] == {
        "totalCount": 2,
        "nodes": [{"nom": "Bernard"}, {"nom": "Dubois"}],
    }
    unmandated = encode_global_id("Travailleur", world.unmandated.id)
    assert (await api.data(f'{{ node(id: "{unmandated}") {{ id }} }}', token=token)) == {
        "node": None
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ portfolio { totalCount } }",
        "{ me { role } }",
        '{ node(id: "VHJhdmFpbGxldXI6MQ") { id } }',
        '{ nodes(ids: ["VHJhdmFpbGxldXI6MQ"]) { id } }',
        # Hidden behind fragments, or next to a public field: refused all the same.
        "{ ...F } fragment F on Query { portfolio { totalCount } }",
        "{ ... on Query { me { role } } }",
        '{ simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "1"}) { total } portfolio { totalCount } }',
    ],
)
async def test_a_client_without_read_is_forbidden_any_account_query(world_setting, query) -> None:
    api, _, admin = world_setting
    token = await token_with(api, admin, ["revenus:write"])
    body = await api.post(query, token=token)
    assert body["data"] is None
    assert body["errors"] == [
        {"message": NO_READ, "extensions": {"code": "FORBIDDEN", "scope": "read"}}
    ]


async def test_a_client_without_read_still_uses_the_public_simulator(world_setting) -> None:
    api, _, admin = world_setting
    token = await token_with(api, admin, ["revenus:write"])
    data = await api.data(
        '{ simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "42000"}) { total } __typename }',
        token=token,
    )
    total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("42000")).total
    assert data == {"simulateCotisations": {"total": f"{total}.00"}, "__typename": "Query"}


# --- Write scopes, on an account where the mutations succeed ------------------------


@pytest.fixture
async def account_setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            cabinet = await builders.cabinet(session, nom="Cabinet Alpha")
            await builders.user(
                session,
                identifiant="admin@alpha.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=cabinet.id,
                administrateur_cabinet=True,
            )
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("41570"), 2025: Decimal("43000")},
            )
            await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
            await session.commit()
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, worker, admin


def inputs(worker) -> dict[str, dict]:
    gid = encode_global_id("Travailleur", worker.id)
    return {
        "estimate": {
            "travailleurId": gid,
            "annee": 2026,
            "montant": "60000",
            "courriel": "outil@example.fr",
            "jaiEteInforme": True,
            "previsualisation": True,
        },
        "declare": {"travailleurId": gid, "annee": 2025, "montant": "43000"},
        "periodicite": {"travailleurId": gid, "periodicite": "TRIMESTRIEL"},
        "automatique": {
            "travailleurId": gid,
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
            "titulaire": "Claire Martin",
        },
        "remove": {"travailleurId": gid},
    }


async def account_state(api, worker) -> tuple:
    async with api.session() as session:
        echeances = (
            await session.execute(
                select(models.Echeance.date_echeance, models.Echeance.montant)
                .where(models.Echeance.travailleur_id == worker.id)
                .order_by(models.Echeance.date_echeance)
            )
        ).all()
        travailleur = await session.get(models.Travailleur, worker.id)
        banks = (await session.scalars(select(models.CoordonneesBancaires.iban))).all()
        return echeances, travailleur.periodicite, list(banks)


@pytest.mark.parametrize(
    ("mutation", "key", "scope"),
    [
        (ESTIMATE, "estimate", "revenus:write"),
        (DECLARE, "declare", "revenus:write"),
        (PERIODICITE, "periodicite", "prelevement:write"),
        (AUTOMATIQUE, "automatique", "prelevement:write"),
        (REMOVE, "remove", "prelevement:write"),
    ],
)
async def test_a_write_without_its_scope_is_forbidden_naming_the_scope_and_changes_nothing(
    account_setting, mutation, key, scope
) -> None:
    api, worker, admin = account_setting
    others = sorted({"read", "revenus:write", "prelevement:write", "delais:write"} - {scope})
    token = await token_with(api, admin, others)
    before = await account_state(api, worker)
    body = await api.post(mutation, {"input": inputs(worker)[key]}, token=token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == f"Ce client OAuth2 n'a pas le scope « {scope} »."
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "scope": scope}
    assert await account_state(api, worker) == before


async def test_revenus_write_alone_lets_a_client_estimate_without_reading(account_setting) -> None:
    api, worker, admin = account_setting
    token = await token_with(api, admin, ["revenus:write"])
    data = await api.data(ESTIMATE, {"input": inputs(worker)["estimate"]}, token=token)
    total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("60000")).total
    assert data["estimateRevenue"] == {"totalCotisations": f"{total}.00", "userErrors": []}


async def test_prelevement_write_lets_a_client_change_the_periodicity_and_it_is_audited(
    account_setting,
) -> None:
    api, worker, admin = account_setting
    client_id, secret = await register_client(api, admin, ["prelevement:write"], nom="Outil")
    token = await client_token(api, client_id, secret)
    data = await api.data(PERIODICITE, {"input": inputs(worker)["periodicite"]}, token=token)
    assert data["setPrelevementPeriodicite"] == {"modifiee": True, "userErrors": []}
    assert (await account_state(api, worker))[1].value == "TRIMESTRIEL"
    assert (await audit(api))[-1] == (
        "setPrelevementPeriodicite",
        f"Outil (client OAuth2 {client_id})",
        "SUCCES",
    )
