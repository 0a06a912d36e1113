"""A micro-entrepreneur's attestations: declarations instead of incomes (SPEC §6, §7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.micro import ActiviteMicro, Periode
from domain.nomenclatures import PeriodiciteDeclaration, Regime
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
GENERATE = """mutation($i: GenerateAttestationInput!) { generateAttestation(input: $i) {
  attestation { type sousPlanApurement montants { libelle montant } }
  userErrors { field message code } } }"""
#: Monthly declarations since November 2025: April 2026 was due by 31 May, May is not yet.
PERIODES = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
COTISATIONS, CFP = Decimal("1060.00"), Decimal("15.00")  # 5 000 € of BIC services


@pytest.fixture
async def api(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield api


async def account(api, declared: list[str], paid: int):
    """The micro-entrepreneur with ``declared`` periods, the first ``paid`` of them paid."""
    async with api.session() as session:
        caisse = await builders.caisse(session)
        worker = await builders.travailleur(
            session,
            caisse_id=caisse.id,
            regime=Regime.MICRO,
            date_debut_activite=date(2025, 11, 1),
            nom="Petit",
        )
        worker.activite_micro = ActiviteMicro.BIC_SERVICES
        worker.periodicite_declaration = PeriodiciteDeclaration.MENSUELLE
        for texte in declared:
            periode = Periode.parse(texte)
            session.add(
                models.DeclarationMicro(
                    travailleur_id=worker.id,
                    periode=texte,
                    activite=ActiviteMicro.BIC_SERVICES,
                    chiffre_affaires=Decimal("5000"),
                    taux=Decimal("21.2"),
                    cotisations=COTISATIONS,
                    formation_professionnelle=CFP,
                    date_declaration=periode.fin,
                    date_exigibilite=periode.echeance,
                )
            )
        for texte in declared[:paid]:
            await builders.paiement(
                session,
                travailleur_id=worker.id,
                date_paiement=Periode.parse(texte).echeance,
                montant=COTISATIONS + CFP,
            )
        await session.commit()
    return worker, await api.login(worker.nir, "secret-travailleur")


async def generate(api, worker, token, type_: str, **extra) -> dict:
    variables = {
        "i": {"travailleurId": encode_global_id("Travailleur", worker.id), "type": type_, **extra}
    }
    return (await api.data(GENERATE, variables, token))["generateAttestation"]


async def test_a_micro_entrepreneur_who_declared_and_paid_everything_gets_vigilance(
    api,
) -> None:
    worker, token = await account(api, PERIODES, paid=6)
    data = await generate(api, worker, token, "VIGILANCE")
    assert data == {
        "attestation": {"type": "VIGILANCE", "sousPlanApurement": False, "montants": []},
        "userErrors": [],
    }


async def test_a_missing_declaration_refuses_vigilance_naming_the_period(api) -> None:
    worker, token = await account(api, [p for p in PERIODES if p != "2026-03"], paid=5)
    data = await generate(api, worker, token, "VIGILANCE")
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "DECLARATIONS_MANQUANTES",
            "message": "Toutes vos déclarations doivent être faites pour obtenir cette "
            "attestation (non déclaré : 2026-03).",
        }
    ]


async def test_an_unpaid_declaration_past_its_due_date_refuses_vigilance(api) -> None:
    worker, token = await account(api, PERIODES, paid=5)
    data = await generate(api, worker, token, "VIGILANCE")
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "COTISATIONS_IMPAYEES",
            "message": "1 075,00 € de cotisations restent impayés après leur échéance (le "
            "31/05/2026) sans délai de paiement accordé et respecté : réglez-les ou demandez "
            "un délai de paiement.",
        }
    ]


async def test_the_cfp_of_a_micro_entrepreneur_is_the_share_of_each_paid_period(api) -> None:
    worker, token = await account(api, PERIODES, paid=1)
    data = await generate(api, worker, token, "FORMATION_PROFESSIONNELLE", annee=2025)
    # November paid, December not: 15 € of the 30 € of CFP due for 2025 paid.
    assert data["attestation"]["montants"] == [
        {"libelle": "CFP due", "montant": "30.00"},
        {"libelle": "CFP payée", "montant": "15.00"},
    ]


async def test_a_micro_entrepreneur_has_no_csg_crds_attestation(api) -> None:
    worker, token = await account(api, PERIODES, paid=6)
    data = await generate(api, worker, token, "CSG_CRDS", annee=2025)
    assert data["userErrors"] == [
        {
            "field": ["input", "type"],
            "code": "REGIME_MICRO",
            "message": "Les micro-entrepreneurs n'ont pas de cotisations définitives annuelles "
            ": l'attestation CSG-CRDS ne les concerne pas.",
        }
    ]
