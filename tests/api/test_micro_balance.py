"""A micro-entrepreneur's declarations are what is due in the account summary (SPEC §4, §7)."""

from __future__ import annotations

import pytest

from gateway.schema.relay import encode_global_id
from tests.api.client import api_for
from tests.api.test_micro_declarations import (
    DECLARE,
    STAFF_PASSWORD,
    TODAY,
    MicroWorld,
    build_micro_world,
    declare_input,
    login,
)
from tests.conftest import Database


@pytest.fixture
async def world(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_micro_world(api)


async def test_a_declaration_is_due_in_the_balance_until_a_payment_settles_it(
    world: MicroWorld,
) -> None:
    token = await login(world)
    agent = await world.api.login("agent@caisse.fr", STAFF_PASSWORD)
    compte = "{ me { travailleur { compte { solde montantEnRetard majorationsDeRetard } } } }"
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-09", ("BIC_SERVICES", "4850.50")), token
    )
    before = (await world.api.data(compte, token=token))["me"]["travailleur"]["compte"]
    # Due 31 October, unpaid: 5 % (52.13) + 0.2 % for one month or part (2.09).
    assert before == {
        "solde": "1042.55",
        "montantEnRetard": "1042.55",
        "majorationsDeRetard": "54.22",
    }
    paid = await world.api.data(
        """mutation($input: RecordPaiementInput!) {
             recordPaiement(input: $input) { paiement { montant } userErrors { code } }
           }""",
        {
            "input": {
                "travailleurId": encode_global_id("Travailleur", world.micro.id),
                "montant": "1042.55",
                "datePaiement": "2026-11-20",
                "mode": "VIREMENT",
            }
        },
        agent,
    )
    assert paid["recordPaiement"] == {"paiement": {"montant": "1042.55"}, "userErrors": []}
    after = (await world.api.data(compte, token=token))["me"]["travailleur"]["compte"]
    assert after == {"solde": "0.00", "montantEnRetard": "0.00", "majorationsDeRetard": "0.00"}


async def test_a_declaration_not_yet_due_is_not_in_the_balance(world: MicroWorld) -> None:
    token = await login(world)
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-10", ("BIC_SERVICES", "4850.50")), token
    )
    data = await world.api.data(
        "{ me { travailleur { compte { solde montantEnRetard } } } }", token=token
    )
    assert data["me"]["travailleur"]["compte"] == {"solde": "0.00", "montantEnRetard": "0.00"}
