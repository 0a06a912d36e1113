"""Late declarations through the API (SPEC §4 "Declaring income"): any covered past year
not yet declared may be declared, without penalty; it is regularised against what was
called for that year, leaves taxation d'office, and recomputes the current year only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.cotisations import NatureActivite, compute_cotisations
from domain.echeancier import NatureEcheance, Periodicite, split_amount
from domain.nomenclatures import NatureRevenu
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 3, 10)  # before the deadline of 2025: 2023 and 2024 are late
PASSWORD = "secret-travailleur"
QUARTERS = (2, 5, 8, 11)
CALLED = Decimal("3000.00")  # each quarterly instalment of 2023–2026 (taxation d'office)
DECLARE = """mutation($input: DeclareRevenuInput!) { declareRevenu(input: $input) {
  regularisation travailleur { ... on TravailleurClassique { taxationDOffice } }
  userErrors { field message code } } }"""
TAXATION = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  taxationDOffice } } }"""
VIGILANCE = """mutation($i: GenerateAttestationInput!) { generateAttestation(input: $i) {
  attestation { type } userErrors { field message code } } }"""


@pytest.fixture
async def setting(db: Database):
    """An artisan in taxation d'office: 2022 declared, nothing since; 12 000.00 called
    in each of 2023, 2024 and 2025 (paid), 2026 called quarterly, February paid."""
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(
                session, caisse_id=caisse.id, nom="Dubois", periodicite=Periodicite.TRIMESTRIEL
            )
            await builders.revenu(
                session, travailleur_id=worker.id, annee=2022, montant=Decimal("30000")
            )
            for annee in (2023, 2024, 2025, 2026):
                for mois in QUARTERS:
                    due = date(annee, mois, 5)
                    paid = due < TODAY
                    await builders.echeance(
                        session,
                        travailleur_id=worker.id,
                        date_echeance=due,
                        montant=CALLED,
                        montant_paye=CALLED if paid else Decimal(0),
                    )
                    if paid:
                        await builders.paiement(
                            session, travailleur_id=worker.id, date_paiement=due, montant=CALLED
                        )
            await session.commit()
        yield api, worker, await api.login(worker.nir, PASSWORD)


def gid(worker: models.Travailleur) -> str:
    return encode_global_id("Travailleur", worker.id)


async def declare(api, worker, token, annee: int, montant: str) -> dict:
    variables = {"input": {"travailleurId": gid(worker), "annee": annee, "montant": montant}}
    return (await api.data(DECLARE, variables, token))["declareRevenu"]


async def instalments(api, worker) -> list[tuple[int, NatureEcheance, str, Decimal]]:
    async with api.session() as session:
        rows = await session.scalars(
            select(models.Echeance)
            .where(models.Echeance.travailleur_id == worker.id, models.Echeance.annulee.is_(False))
            .order_by(models.Echeance.date_echeance, models.Echeance.id)
        )
        return [(r.annee, r.nature, r.date_echeance.isoformat(), r.montant) for r in rows]


async def test_a_late_year_is_regularised_against_what_was_called_and_spread_like_n_1(
    setting,
) -> None:
    api, worker, token = setting
    assert (await api.data(TAXATION, {"id": gid(worker)}, token))["node"] == {
        "taxationDOffice": True
    }
    before = await instalments(api, worker)
    data = await declare(api, worker, token, 2024, "36000")
    definitive = compute_cotisations(2024, NatureActivite.ARTISANALE, Decimal(36000)).total
    regularisation = definitive - 4 * CALLED  # no penalty
    assert regularisation > 0
    assert data == {
        "regularisation": f"{regularisation:.2f}",
        "travailleur": {"taxationDOffice": False},  # 2024 (N-2) is now declared
        "userErrors": [],
    }
    after = await instalments(api, worker)
    # Older years are not recomputed: 2023–2025 keep their instalments.
    assert [i for i in after if i[0] < 2026 and i[1] is NatureEcheance.PROVISIONNELLE] == [
        i for i in before if i[0] < 2026
    ]
    # The régularisation of 2024 on the open quarterly dates of 2026, like N-1's.
    open_dates = ["2026-05-05", "2026-08-05", "2026-11-05"]
    assert [(i[2], i[3]) for i in after if i[1] is NatureEcheance.REGULARISATION] == list(
        zip(open_dates, split_amount(regularisation, 3), strict=True)
    )
    assert all(i[0] == 2024 for i in after if i[1] is NatureEcheance.REGULARISATION)
    # 2026 recomputed on the 2024 income (N-2): February is fixed, the rest spread.
    total_2026 = compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal(36000)).total
    provisional_2026 = [
        (i[2], i[3]) for i in after if i[0] == 2026 and i[1] is NatureEcheance.PROVISIONNELLE
    ]
    assert provisional_2026 == [
        ("2026-02-05", CALLED),
        *zip(open_dates, split_amount(total_2026 - CALLED, 3), strict=True),
    ]
    async with api.session() as session:
        base = await session.scalar(
            select(models.Cotisation.base_calcul).where(
                models.Cotisation.travailleur_id == worker.id,
                models.Cotisation.annee == 2026,
            )
        )
        assert base == "Revenu 2024 déclaré : 36 000 €."


async def test_every_late_year_declared_makes_the_worker_eligible_for_vigilance(
    setting,
) -> None:
    api, worker, token = setting
    variables = {"i": {"travailleurId": gid(worker), "type": "VIGILANCE"}}
    assert (await declare(api, worker, token, 2024, "36000"))["userErrors"] == []
    refused = (await api.data(VIGILANCE, variables, token))["generateAttestation"]
    assert [e["code"] for e in refused["userErrors"]] == ["DECLARATIONS_MANQUANTES"]
    assert "(non déclaré : 2023)" in refused["userErrors"][0]["message"]
    # A year older than the last one declared: regularised alike, N still on 2024.
    data = await declare(api, worker, token, 2023, "20000")
    definitive_2023 = compute_cotisations(2023, NatureActivite.ARTISANALE, Decimal(20000)).total
    assert data["regularisation"] == f"{definitive_2023 - 4 * CALLED:.2f}"
    granted = (await api.data(VIGILANCE, variables, token))["generateAttestation"]
    assert (granted["attestation"], granted["userErrors"]) == ({"type": "VIGILANCE"}, [])
    # 2025 may still be declared before its deadline, once.
    assert (await declare(api, worker, token, 2025, "40000"))["userErrors"] == []
    again = await declare(api, worker, token, 2023, "21000")
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [
        (["input", "annee"], "DEJA_DECLARE")
    ]
    async with api.session() as session:
        declared = await session.scalars(
            select(models.Revenu.annee)
            .where(
                models.Revenu.travailleur_id == worker.id,
                models.Revenu.nature == NatureRevenu.DECLARE,
            )
            .order_by(models.Revenu.annee)
        )
        assert list(declared) == [2022, 2023, 2024, 2025]
