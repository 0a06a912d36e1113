"""The declaration deadline (31 May of N for the income of N-1) through the API: before
it an undeclared N-1 is not missing, from 1 June it is (SPEC §4 "Declaring income", §5, §6).

Every "every past income declared" check reads the same calendar: the portfolio flags,
the attestation de vigilance, payment plans and taxation d'office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import Api, api_for
from tests.conftest import Database

PASSWORD = "secret-travailleur"
STAFF_PASSWORD = "secret-utilisateur"
#: 2023 and 2024 declared, 2025 not yet: late only from 1 June 2026.
DECLARED = {2023: Decimal("40000"), 2024: Decimal("41570")}
BEFORE = [date(2026, 1, 12), date(2026, 3, 10), date(2026, 5, 29), date(2026, 5, 31)]
AFTER = [date(2026, 6, 1), date(2026, 11, 23)]

PORTFOLIO = """{ portfolio(first: 10) { edges { node { nom ... on TravailleurClassique {
  taxationDOffice } }
  indicateurs { declarationsManquantes attestationVigilanceObtenable aSurveiller } }
  resume { clientsDeclarationsManquantes clientsAttestationVigilanceObtenable } } }"""
GENERATE = """mutation($i: GenerateAttestationInput!) { generateAttestation(input: $i) {
  attestation { type dateEmission } userErrors { field message code } } }"""
OVERDUE = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  echeances(first: 20, statut: EN_RETARD) { nodes { id } } } } }"""
REQUEST = """mutation($i: RequestDelaiPaiementInput!) { requestDelaiPaiement(input: $i) {
  delaiPaiement { statut } userErrors { field message code } } }"""


@dataclass
class World:
    api: Api
    paid: models.Travailleur  # everything paid, 2025 not declared
    late_payer: models.Travailleur  # same declarations, January onwards unpaid
    silent: models.Travailleur  # nothing declared since 2022
    accountant: str

    def token(self, worker: models.Travailleur) -> str:
        return self.tokens[worker.id]

    tokens: dict[int, str]


async def build(api: Api, today: date) -> World:
    async with api.session() as session:
        caisse = await builders.caisse(session)
        paid = await classique_account(
            session, caisse_id=caisse.id, today=today, revenus_declares=DECLARED, nom="Paye"
        )
        late_payer = await classique_account(
            session,
            caisse_id=caisse.id,
            today=today,
            revenus_declares=DECLARED,
            paid_until=date(2026, 1, 1),
            nom="Retard",
        )
        silent = await classique_account(
            session,
            caisse_id=caisse.id,
            today=today,
            revenus_declares={2022: Decimal("30000")},
            nom="Silence",
        )
        cabinet = await builders.cabinet(session)
        await builders.user(
            session,
            identifiant="expert@cabinet.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        for worker in (paid, late_payer, silent):
            await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
        await session.commit()
    tokens = {w.id: await api.login(w.nir, PASSWORD) for w in (paid, late_payer, silent)}
    accountant = await api.login("expert@cabinet.fr", STAFF_PASSWORD)
    return World(api, paid, late_payer, silent, accountant, tokens)


def gid(worker: models.Travailleur) -> str:
    return encode_global_id("Travailleur", worker.id)


async def flags(w: World) -> dict[str, tuple[bool, bool, bool, bool]]:
    data = (await w.api.data(PORTFOLIO, {}, w.accountant))["portfolio"]
    return {
        e["node"]["nom"]: (
            e["indicateurs"]["declarationsManquantes"],
            e["indicateurs"]["attestationVigilanceObtenable"],
            e["indicateurs"]["aSurveiller"],
            e["node"]["taxationDOffice"],
        )
        for e in data["edges"]
    }


async def vigilance(w: World) -> dict:
    variables = {"i": {"travailleurId": gid(w.paid), "type": "VIGILANCE"}}
    data = await w.api.data(GENERATE, variables, w.token(w.paid))
    return data["generateAttestation"]


async def request_plan(w: World, today: date) -> dict:
    overdue = await w.api.data(OVERDUE, {"id": gid(w.late_payer)}, w.token(w.late_payer))
    ids = [n["id"] for n in overdue["node"]["echeances"]["nodes"]]
    variables = {
        "i": {
            "travailleurId": gid(w.late_payer),
            "echeanceIds": ids,
            "nombreEcheances": 4,
            "premiereEcheance": (today + timedelta(days=20)).isoformat(),
            "motif": "Baisse d'activité",
        }
    }
    data = await w.api.data(REQUEST, variables, w.token(w.late_payer))
    return data["requestDelaiPaiement"]


@pytest.mark.parametrize("today", BEFORE, ids=str)
async def test_before_1_june_an_undeclared_previous_year_is_not_missing(
    db: Database, today: date
) -> None:
    async with api_for(db, today=today) as api:
        w = await build(api, today)
        assert await flags(w) == {
            "Paye": (False, True, False, False),
            "Retard": (False, False, True, False),
            # 2023 and 2024 late: taxation d'office whatever the day.
            "Silence": (True, False, True, True),
        }
        assert (await vigilance(w)) == {
            "attestation": {"type": "VIGILANCE", "dateEmission": today.isoformat()},
            "userErrors": [],
        }
        plan = await request_plan(w, today)
        assert (plan["delaiPaiement"], plan["userErrors"]) == ({"statut": "ACCEPTE"}, [])


@pytest.mark.parametrize("today", AFTER, ids=str)
async def test_from_1_june_the_undeclared_previous_year_is_missing_everywhere(
    db: Database, today: date
) -> None:
    async with api_for(db, today=today) as api:
        w = await build(api, today)
        assert await flags(w) == {
            "Paye": (True, False, True, False),
            "Retard": (True, False, True, False),
            "Silence": (True, False, True, True),
        }
        assert await vigilance(w) == {
            "attestation": None,
            "userErrors": [
                {
                    "field": ["input", "travailleurId"],
                    "code": "DECLARATIONS_MANQUANTES",
                    "message": "Toutes vos déclarations doivent être faites pour obtenir cette "
                    "attestation (non déclaré : 2025).",
                }
            ],
        }
        plan = await request_plan(w, today)
        assert plan["delaiPaiement"] is None
        assert [(e["field"], e["code"]) for e in plan["userErrors"]] == [
            (["input", "travailleurId"], "REVENUS_NON_DECLARES")
        ]
        assert "2025" in plan["userErrors"][0]["message"]
