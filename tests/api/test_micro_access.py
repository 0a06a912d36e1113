"""Who may declare a micro-entrepreneur's turnover, and what their account shows (SPEC §7, §10)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db import models
from gateway.db.engine import RequestSession
from gateway.schema.errors import ApiError
from gateway.schema.relay import encode_global_id
from gateway.services.micro import declare_chiffre_affaires
from tests.api.client import api_for, error_codes
from tests.api.test_micro_declarations import (
    DECLARE,
    STAFF_PASSWORD,
    TODAY,
    WORKER_PASSWORD,
    MicroWorld,
    build_micro_world,
    declare_input,
    declared_rows,
)
from tests.conftest import Database


@pytest.fixture
async def world(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_micro_world(api)


async def token_of(world: MicroWorld, caller: str) -> str | None:
    """A token for each kind of caller of the authorization matrix."""
    if caller == "anonymous":
        return None
    if caller == "worker":
        return await world.api.login(world.micro.nir, WORKER_PASSWORD)
    if caller == "other worker":
        return await world.api.login(world.other.nir, WORKER_PASSWORD)
    identifiant = {
        "mandated accountant": "admin@alpha.fr",
        "collaborator not assigned": "collab@alpha.fr",
        "accountant without mandate": "admin@beta.fr",
        "agent": "agent@caisse.fr",
    }[caller]
    return await world.api.login(identifiant, STAFF_PASSWORD)


@pytest.mark.parametrize("caller", ["worker", "mandated accountant"])
async def test_the_worker_and_a_mandated_accountant_declare(world: MicroWorld, caller) -> None:
    token = await token_of(world, caller)
    variables = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "1000"))
    data = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    assert data["userErrors"] == []
    assert (data["declaration"]["total"], data["travailleur"]) == (
        "215.00",  # 212 € + CFP 3.00 €
        {"declarations": {"totalCount": 1}},
    )


@pytest.mark.parametrize(
    "caller", ["other worker", "collaborator not assigned", "accountant without mandate"]
)
async def test_a_caller_who_may_not_see_the_worker_gets_not_found(
    world: MicroWorld, caller
) -> None:
    token = await token_of(world, caller)
    variables = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "1000"))
    data = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    assert data == {
        "declaration": None,
        "travailleur": None,
        "userErrors": [
            {
                "field": ["input", "travailleurId"],
                "message": "Aucun travailleur ne correspond à cet identifiant.",
                "code": "NOT_FOUND",
            }
        ],
    }
    assert await declared_rows(world.api) == []


async def test_an_unknown_or_malformed_worker_id_looks_the_same(world: MicroWorld) -> None:
    token = await token_of(world, "worker")
    codes = []
    for travailleur_id in (encode_global_id("Travailleur", 999_999), "pas-un-id"):
        variables = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "1000"))
        variables["input"]["travailleurId"] = travailleur_id
        data = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
        codes.append([e["code"] for e in data["userErrors"]])
    assert codes == [["NOT_FOUND"], ["NOT_FOUND"]]


@pytest.mark.parametrize(
    ("caller", "code", "message"),
    [
        ("agent", "FORBIDDEN", "Opération réservée aux rôles : TRAVAILLEUR, EXPERT_COMPTABLE."),
        (
            "anonymous",
            "UNAUTHENTICATED",
            "Authentification requise : envoyez 'Authorization: Bearer <jeton>'.",
        ),
    ],
)
async def test_agents_and_anonymous_callers_are_refused_at_the_top_level(
    world: MicroWorld, caller, code, message
) -> None:
    token = await token_of(world, caller)
    variables = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "1000"))
    body = await world.api.post(DECLARE, variables, token)
    assert error_codes(body) == [code]
    assert body["errors"][0]["message"] == message
    assert await declared_rows(world.api) == []


async def test_an_oauth_client_needs_the_revenus_write_scope(world: MicroWorld) -> None:
    async with world.api.session() as session:
        cabinet_id = await session.scalar(
            select(models.Cabinet.id).where(models.Cabinet.nom == "Cabinet Alpha")
        )
        ctx = Context(
            request=None,
            services=world.api.services,
            db=RequestSession(session),
            principal=Principal(
                role=Role.EXPERT_COMPTABLE,
                label="Logiciel de tenue (client OAuth2 outil-1)",
                cabinet_id=cabinet_id,
                oauth_client_id="outil-1",
                scopes=frozenset({"read"}),
            ),
            request_id="test",
        )
        with pytest.raises(ApiError) as refus:
            await declare_chiffre_affaires(
                ctx,
                travailleur_id=encode_global_id("Travailleur", world.micro.id),
                periode="2026-10",
                montants=[],
                idempotency_key=None,
            )
    assert refus.value.extensions == {"code": "FORBIDDEN", "scope": "revenus:write"}
    assert await declared_rows(world.api) == []


async def test_a_refusal_is_audited(world: MicroWorld) -> None:
    token = await token_of(world, "worker")
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-12", ("BIC_SERVICES", "1")), token
    )
    async with world.api.session() as session:
        audit = (
            await session.scalars(
                select(models.EvenementAudit).where(
                    models.EvenementAudit.operation == "declareChiffreAffaires"
                )
            )
        ).one()
    assert (audit.issue.value, audit.acteur) == ("REFUS", "Claire Lefèvre")
    assert json.loads(audit.detail) == {
        "detail": "periode=2026-12 BIC_SERVICES=1",
        "erreurs": "La période 2026-12 n'a pas commencé : elle se déclare une fois terminée.",
    }


async def test_the_micro_entrepreneur_type_has_no_revenus_cotisations_nor_echeances(
    world: MicroWorld,
) -> None:
    data = await world.api.data('{ __type(name: "MicroEntrepreneur") { fields { name } } }')
    fields = {f["name"] for f in data["__type"]["fields"]}
    assert {"declarations", "paiements", "attestations", "compte"} <= fields
    assert fields.isdisjoint({"revenus", "cotisations", "echeances", "avisAppel"})


async def test_the_declarations_show_on_the_account_for_whoever_may_see_it(
    world: MicroWorld,
) -> None:
    worker = await token_of(world, "worker")
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-09", ("BIC_SERVICES", "800")), worker
    )
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-10", ("BIC_SERVICES", "1000")), worker
    )
    query = """query($id: ID!) { node(id: $id) { ... on MicroEntrepreneur {
      declarations(first: 1) { totalCount nodes { id periode cotisations formationProfessionnelle } }
    } } }"""
    variables = {"id": encode_global_id("Travailleur", world.micro.id)}
    accountant = await token_of(world, "mandated accountant")
    seen = (await world.api.data(query, variables, accountant))["node"]["declarations"]
    assert seen["totalCount"] == 2
    [latest] = seen["nodes"]
    assert (latest["periode"], latest["cotisations"], latest["formationProfessionnelle"]) == (
        "2026-10",
        "212.00",
        "3.00",
    )
    line = "query($id: ID!) { node(id: $id) { ... on DeclarationMicro { periode } } }"
    other = await token_of(world, "other worker")
    assert (await world.api.data(line, {"id": latest["id"]}, accountant))["node"] == {
        "periode": "2026-10"
    }
    assert (await world.api.data(line, {"id": latest["id"]}, other))["node"] is None
    assert (await world.api.data(query, variables, other))["node"] is None


ESTIMATE = """mutation($input: EstimateRevenueInput!) {
  estimateRevenue(input: $input) { userErrors { field code } }
}"""
DECLARE_REVENU = """mutation($input: DeclareRevenuInput!) {
  declareRevenu(input: $input) { userErrors { field code } }
}"""


async def test_a_micro_entrepreneur_can_neither_estimate_nor_declare_a_yearly_income(
    world: MicroWorld,
) -> None:
    token = await token_of(world, "worker")
    travailleur_id = encode_global_id("Travailleur", world.micro.id)
    estimate = await world.api.data(
        ESTIMATE,
        {
            "input": {
                "travailleurId": travailleur_id,
                "annee": 2026,
                "montant": "30000",
                "courriel": "claire@example.fr",
                "jaiEteInforme": True,
            }
        },
        token,
    )
    declared = await world.api.data(
        DECLARE_REVENU,
        {"input": {"travailleurId": travailleur_id, "annee": 2025, "montant": "30000"}},
        token,
    )
    refusal = [{"field": ["input", "travailleurId"], "code": "REGIME_MICRO"}]
    assert estimate["estimateRevenue"]["userErrors"] == refusal
    assert declared["declareRevenu"]["userErrors"] == refusal
    async with world.api.session() as session:
        assert await session.scalar(select(func.count()).select_from(models.Revenu)) == 0
        assert await session.scalar(select(func.count()).select_from(models.Cotisation)) == 0
