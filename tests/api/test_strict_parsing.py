"""Strict parsing of amounts, dates and text (issue 9, item 15): what a person would not
mean is refused naming the field, and a refusal changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for, error_codes
from tests.conftest import Database

TODAY = date(2026, 6, 10)
PAY = """mutation($input: RecordPaiementInput!) {
  recordPaiement(input: $input) { paiement { montant datePaiement } userErrors { field code } }
}"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(
                session, caisse_id=caisse.id, date_debut_activite=date(2015, 3, 1)
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        agent = await api.login("agent@caisse.fr", "secret-utilisateur")
        yield api, worker, agent


def payment(worker, **overrides) -> dict:
    return {
        "input": {
            "travailleurId": encode_global_id("Travailleur", worker.id),
            "montant": "120.50",
            "datePaiement": "2026-06-01",
            "mode": "VIREMENT",
            "reference": "VIR-0601",
            **overrides,
        }
    }


async def payments(api) -> int:
    async with api.session() as session:
        return int(await session.scalar(select(func.count()).select_from(models.Paiement)))


@pytest.mark.parametrize(
    "montant",
    [
        "1e3",
        "1_000",
        "٣",
        "３",
        "1.",
        ".5",
        "1.001",
        "+1",
        " 1",
        "1 000",
        "1,5",
        "0x10",
        "Infinity",
        "NaN",
        "",
        "1" * 13,
        True,
        12.5,
    ],
)
async def test_an_amount_not_written_as_ascii_digits_is_refused(setting, montant) -> None:
    api, worker, agent = setting
    body = await api.post(PAY, payment(worker, montant=montant), agent)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    message = body["errors"][0]["message"]
    assert "$input' has invalid value at .montant" in message
    assert "Decimal :" in message
    assert await payments(api) == 0


@pytest.mark.parametrize(
    ("montant", "stored"), [("1000", "1000.00"), ("1000.5", "1000.50"), (75, "75.00")]
)
async def test_an_amount_in_digits_with_up_to_two_decimals_is_accepted(
    setting, montant, stored
) -> None:
    api, worker, agent = setting
    data = (await api.data(PAY, payment(worker, montant=montant), agent))["recordPaiement"]
    assert data == {"paiement": {"montant": stored, "datePaiement": "2026-06-01"}, "userErrors": []}


@pytest.mark.parametrize(
    "jour",
    [
        "0001-01-01",
        "1899-12-31",
        "2101-01-01",
        "2026-W01",
        "2026-W01-1",
        "20260601",
        "2026-02-30",
        "2026-6-1",
        "٢٠٢٦-٠٦-٠١",
        "2026-06-01T00:00",
        " 2026-06-01",
    ],
)
async def test_a_date_not_written_yyyy_mm_dd_within_range_is_refused(setting, jour) -> None:
    api, worker, agent = setting
    body = await api.post(PAY, payment(worker, datePaiement=jour), agent)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "$input' has invalid value at .datePaiement" in body["errors"][0]["message"]
    assert await payments(api) == 0


async def test_a_payment_before_the_start_of_activity_is_refused_by_a_rule(setting) -> None:
    api, worker, agent = setting
    for jour in ("1969-12-31", "2015-02-28"):
        data = (await api.data(PAY, payment(worker, datePaiement=jour), agent))["recordPaiement"]
        assert data == {
            "paiement": None,
            "userErrors": [
                {"field": ["input", "datePaiement"], "code": "DATE_ANTERIEURE_ACTIVITE"}
            ],
        }
    assert await payments(api) == 0
    data = await api.data(PAY, payment(worker, datePaiement="2015-03-01"), agent)
    assert data["recordPaiement"]["userErrors"] == []


async def test_a_payment_reference_is_at_most_50_characters(setting) -> None:
    api, worker, agent = setting
    body = await api.post(PAY, payment(worker, reference="R" * 51), agent)
    assert body["errors"] == [
        {
            "message": "input.reference : au plus 50 caractères (reçu 51).",
            "extensions": {"code": "BAD_USER_INPUT", "field": "input.reference"},
        }
    ]
    assert await payments(api) == 0
    await api.data(PAY, payment(worker, reference="R" * 50), agent)
    async with api.session() as session:
        assert await session.scalar(select(models.Paiement.reference)) == "R" * 50
