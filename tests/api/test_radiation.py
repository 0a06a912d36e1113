"""recordRadiation through the API (SPEC §4 "Radiation"): who may, what it cancels, what
stays due, the refusals (which change nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.echeancier import NatureEcheance
from domain.nomenclatures import Role, Situation
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for, error_codes
from tests.api.test_micro_declarations import DECLARE, micro_worker
from tests.conftest import Database

TODAY = date(2026, 6, 10)
PASSWORD = "secret-travailleur"
STAFF_PASSWORD = "secret-utilisateur"
REVENUS = {2024: Decimal("41570"), 2025: Decimal("43000")}
RADIATE = """mutation($i: RecordRadiationInput!) { recordRadiation(input: $i) {
  travailleur { situation dateFinActivite }
  echeancesAnnulees { dateEcheance nature statut }
  userErrors { field message code } } }"""


def gid(worker: models.Travailleur) -> str:
    return encode_global_id("Travailleur", worker.id)


@pytest.fixture
async def setting(db: Database):
    """An artisan paying monthly (January to May paid), a 2024 régularisation due on
    5 September, an agent of the caisse, one of another caisse, a mandated accountant."""
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            other = await builders.caisse(session, code="BRE", region="Bretagne")
            worker = await classique_account(
                session, caisse_id=caisse.id, today=TODAY, revenus_declares=REVENUS
            )
            await builders.echeance(
                session,
                travailleur_id=worker.id,
                date_echeance=date(2026, 9, 5),
                montant=Decimal("412.30"),
                nature=NatureEcheance.REGULARISATION,
            )
            micro = await micro_worker(session, caisse.id)
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await builders.user(
                session, identifiant="agent@bre.fr", role=Role.AGENT, caisse_id=other.id
            )
            cabinet = await builders.cabinet(session)
            await builders.user(
                session,
                identifiant="expert@cabinet.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=cabinet.id,
                administrateur_cabinet=True,
            )
            await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
            await session.commit()
        tokens = {
            "agent": await api.login("agent@caisse.fr", STAFF_PASSWORD),
            "other_agent": await api.login("agent@bre.fr", STAFF_PASSWORD),
            "accountant": await api.login("expert@cabinet.fr", STAFF_PASSWORD),
            "worker": await api.login(worker.nir, PASSWORD),
            "micro": await api.login(micro.nir, PASSWORD),
        }
        yield api, worker, micro, tokens


async def radiate(api, token: str, worker, day: str) -> dict:
    variables = {"i": {"travailleurId": gid(worker), "dateRadiation": day}}
    return (await api.data(RADIATE, variables, token))["recordRadiation"]


async def state(api, travailleur_id: int) -> tuple:
    """Everything a refusal must leave untouched."""
    async with api.session() as session:
        echeances = (
            await session.execute(
                select(
                    models.Echeance.date_echeance,
                    models.Echeance.montant,
                    models.Echeance.montant_paye,
                    models.Echeance.annulee,
                )
                .where(models.Echeance.travailleur_id == travailleur_id)
                .order_by(models.Echeance.date_echeance, models.Echeance.id)
            )
        ).all()
        worker = await session.get(models.Travailleur, travailleur_id)
        mails = await session.scalar(select(func.count()).select_from(models.CourrielSortant))
        return tuple(echeances), worker.situation, worker.date_fin_activite, mails


async def test_an_agent_records_a_radiation_and_later_provisional_instalments_are_cancelled(
    setting,
) -> None:
    api, worker, _, tokens = setting
    data = await radiate(api, tokens["agent"], worker, "2026-04-30")
    assert data["userErrors"] == []
    assert data["travailleur"] == {"situation": "RADIE", "dateFinActivite": "2026-04-30"}
    assert data["echeancesAnnulees"] == [
        {"dateEcheance": f"2026-{m:02d}-05", "nature": "PROVISIONNELLE", "statut": "ANNULEE"}
        for m in range(5, 13)
    ]
    async with api.session() as session:
        kept = (
            await session.execute(
                select(models.Echeance.date_echeance, models.Echeance.nature)
                .where(
                    models.Echeance.travailleur_id == worker.id,
                    models.Echeance.annulee.is_(False),
                )
                .order_by(models.Echeance.date_echeance)
            )
        ).all()
        # January–April stay called; the earlier year's régularisation stays due.
        assert [(d.isoformat(), n) for d, n in kept] == [
            *((f"2026-{m:02d}-05", NatureEcheance.PROVISIONNELLE) for m in range(1, 5)),
            ("2026-09-05", NatureEcheance.REGULARISATION),
        ]
        # The May payment no longer pays a cancelled instalment: it goes to September.
        regularisation = await session.scalar(
            select(models.Echeance).where(
                models.Echeance.travailleur_id == worker.id,
                models.Echeance.nature == NatureEcheance.REGULARISATION,
            )
        )
        may = await session.scalar(
            select(models.Paiement.montant).where(
                models.Paiement.travailleur_id == worker.id,
                models.Paiement.date_paiement == date(2026, 5, 5),
            )
        )
        assert regularisation.montant_paye == min(regularisation.montant, may)
        mail = await session.scalar(select(models.CourrielSortant))
        assert (mail.destinataire, mail.sujet, mail.travailleur_id) == (
            worker.courriel,
            "Radiation de votre activité enregistrée",
            worker.id,
        )
        assert "radiation de votre activité au 30/04/2026" in mail.corps
        assert "Les 8 échéances provisionnelles prévues après cette date sont annulées" in (
            mail.corps
        )
        audit = await session.scalar(
            select(models.EvenementAudit).where(
                models.EvenementAudit.operation == "recordRadiation"
            )
        )
        assert (audit.travailleur_id, audit.role, audit.issue.value) == (
            worker.id,
            Role.AGENT,
            "SUCCES",
        )
        assert "date_radiation=2026-04-30" in audit.detail


async def test_a_radiation_dated_today_cancels_only_what_is_due_after_today(setting) -> None:
    api, worker, _, tokens = setting
    data = await radiate(api, tokens["agent"], worker, TODAY.isoformat())
    assert [e["dateEcheance"] for e in data["echeancesAnnulees"]] == [
        f"2026-{m:02d}-05" for m in range(7, 13)
    ]


@pytest.mark.parametrize(
    ("day", "field", "code", "message"),
    [
        (
            "2015-02-28",
            "dateRadiation",
            "AVANT_DEBUT_ACTIVITE",
            "La date de radiation (28/02/2015) précède le début d'activité (01/03/2015).",
        ),
        (
            "2026-06-11",
            "dateRadiation",
            "DATE_FUTURE",
            "La date de radiation (11/06/2026) ne peut pas être postérieure à aujourd'hui "
            "(10/06/2026).",
        ),
    ],
)
async def test_a_radiation_date_out_of_range_is_refused_and_changes_nothing(
    setting, day: str, field: str, code: str, message: str
) -> None:
    api, worker, _, tokens = setting
    before = await state(api, worker.id)
    data = await radiate(api, tokens["agent"], worker, day)
    assert data == {
        "travailleur": None,
        "echeancesAnnulees": [],
        "userErrors": [{"field": ["input", field], "code": code, "message": message}],
    }
    assert await state(api, worker.id) == before


async def test_a_worker_already_radie_is_refused(setting) -> None:
    api, worker, _, tokens = setting
    assert (await radiate(api, tokens["agent"], worker, "2026-04-30"))["userErrors"] == []
    before = await state(api, worker.id)
    data = await radiate(api, tokens["agent"], worker, "2026-05-31")
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "DEJA_RADIE",
            "message": "Ce travailleur est déjà radié : la radiation ne s'enregistre qu'une fois.",
        }
    ]
    assert await state(api, worker.id) == before


async def test_an_agent_of_another_caisse_sees_no_such_worker(setting) -> None:
    api, worker, _, tokens = setting
    before = await state(api, worker.id)
    data = await radiate(api, tokens["other_agent"], worker, "2026-04-30")
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "travailleurId"], "NOT_FOUND")
    ]
    assert await state(api, worker.id) == before


@pytest.mark.parametrize("caller", ["worker", "accountant"])
async def test_only_agents_record_a_radiation(setting, caller: str) -> None:
    api, worker, _, tokens = setting
    before = await state(api, worker.id)
    variables = {"i": {"travailleurId": gid(worker), "dateRadiation": "2026-04-30"}}
    body = await api.post(RADIATE, variables, tokens[caller])
    assert error_codes(body) == ["FORBIDDEN"]
    assert await state(api, worker.id) == before


async def test_a_radie_micro_entrepreneur_declares_up_to_the_radiation_and_nothing_after(
    setting,
) -> None:
    api, _, micro, tokens = setting
    data = await radiate(api, tokens["agent"], micro, "2026-03-15")
    assert (data["userErrors"], data["echeancesAnnulees"]) == ([], [])
    assert data["travailleur"]["situation"] == Situation.RADIE.value

    async def declare(periode: str) -> list:
        variables = {
            "input": {
                "travailleurId": gid(micro),
                "periode": periode,
                "montants": [{"activite": "BIC_SERVICES", "montant": "1000"}],
            }
        }
        body = await api.data(DECLARE, variables, tokens["micro"])
        return [(e["field"], e["code"]) for e in body["declareChiffreAffaires"]["userErrors"]]

    assert await declare("2026-03") == []
    assert await declare("2026-04") == [(["input", "periode"], "APRES_FIN_ACTIVITE")]


async def test_the_direct_debit_ends_with_the_activity(setting) -> None:
    api, worker, _, tokens = setting
    query = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
        prelevement { actif periodicite } } } }"""
    before = (await api.data(query, {"id": gid(worker)}, tokens["worker"]))["node"]
    assert before["prelevement"]["actif"] is True
    await radiate(api, tokens["agent"], worker, "2026-04-30")
    after = (await api.data(query, {"id": gid(worker)}, tokens["worker"]))["node"]
    assert after["prelevement"] == {"actif": False, "periodicite": "TRIMESTRIEL"}
    async with api.session() as session:
        mandate = await session.scalar(
            select(models.CoordonneesBancaires).where(
                models.CoordonneesBancaires.travailleur_id == worker.id
            )
        )
        assert (mandate.actif, mandate.date_fin) == (False, date(2026, 4, 30))
