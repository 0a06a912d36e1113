"""estimateRevenue and declareRevenu through the API (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

import pytest
from sqlalchemy import func, select

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.echeancier import Periodicite
from domain.nomenclatures import NatureCotisation, Regime, Situation
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.services.contributions import cotisation_rows
from tests import builders
from tests.accounts import add_schedule, classique_account
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)  # a Wednesday: instalments from 5 July on are open (15 days)
PASSWORD = "secret-travailleur"
ESTIMATE = """mutation($input: EstimateRevenueInput!) {
  estimateRevenue(input: $input) {
    previsualisation baseCalcul totalCotisations credit avertissement
    cotisations { code montant }
    echeancier { dateEcheance montant montantPaye nature }
    avisAppel { annee revenuEstime url }
    travailleur { ... on TravailleurClassique { revenus { annee montant nature } } }
    userErrors { field message code }
  }
}"""
DECLARE = """mutation($input: DeclareRevenuInput!) {
  declareRevenu(input: $input) { regularisation userErrors { field message code } }
}"""


def floor_cent(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("41570"), 2025: Decimal("43000")},
            )
            await session.commit()
        token = await api.login(worker.nir, PASSWORD)
        yield api, worker, token, caisse


async def state(api, travailleur_id: int) -> tuple:
    """Everything a refusal must leave untouched."""
    async with api.session() as session:

        def rows(model, *cols):
            return session.execute(
                select(*cols).where(model.travailleur_id == travailleur_id).order_by(*cols)
            )

        echeances = (
            await rows(
                models.Echeance,
                models.Echeance.date_echeance,
                models.Echeance.montant,
                models.Echeance.montant_paye,
                models.Echeance.annulee,
            )
        ).all()
        cotisations = (
            await rows(
                models.Cotisation,
                models.Cotisation.annee,
                models.Cotisation.nature,
                models.Cotisation.code,
                models.Cotisation.montant,
            )
        ).all()
        revenus = (
            await rows(
                models.Revenu, models.Revenu.annee, models.Revenu.nature, models.Revenu.montant
            )
        ).all()
        paiements = (
            await rows(models.Paiement, models.Paiement.date_paiement, models.Paiement.montant)
        ).all()
        outbox = await session.scalar(select(func.count()).select_from(models.CourrielSortant))
        avis = await session.scalar(select(func.count()).select_from(models.AvisAppel))
        return echeances, cotisations, revenus, paiements, outbox, avis


def add_provisional(session, worker, annee: int, basis: Decimal) -> engine.ResultatCotisations:
    """The provisional contributions called for a past year, on ``basis``: its lines and
    its monthly schedule, each instalment paid by direct debit on its day."""
    called = engine.compute_cotisations(annee, NatureActivite.ARTISANALE, basis)
    session.add_all(
        cotisation_rows(
            travailleur_id=worker.id,
            nature=NatureCotisation.PROVISIONNELLE,
            resultat=called,
            base_calcul=f"Revenu {annee - 2} déclaré",
            date_calcul=date(annee, 1, 1),
        )
    )
    add_schedule(
        session, worker.id, annee, called.total, Periodicite.MENSUEL_5, paid_before=date.max
    )
    return called


def estimate_input(worker, **overrides) -> dict:
    return {
        "input": {
            "travailleurId": encode_global_id("Travailleur", worker.id),
            "annee": 2026,
            "montant": "60000",
            "courriel": "claire@example.fr",
            "jaiEteInforme": True,
            **overrides,
        }
    }


async def test_an_estimate_recomputes_the_contributions_and_only_the_open_instalments(
    setting,
) -> None:
    api, worker, token, _ = setting
    old_total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("43000")).total
    new = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("60000"))
    data = (await api.data(ESTIMATE, estimate_input(worker), token))["estimateRevenue"]
    assert data["userErrors"] == []
    assert data["totalCotisations"] == f"{new.total}.00"
    assert data["baseCalcul"] == "Estimation de votre revenu 2026 : 60 000 €."
    assert {c["code"]: c["montant"] for c in data["cotisations"]} == {
        line.code.value: f"{line.montant}.00" for line in new.lignes
    }
    # January–June were due less than 15 days after the request: unchanged.
    fixed = floor_cent(old_total / 12)
    open_part = floor_cent((new.total - 6 * fixed) / 6)
    last = new.total - 6 * fixed - 5 * open_part
    assert [(e["dateEcheance"], e["montant"]) for e in data["echeancier"]] == (
        [(f"2026-{m:02d}-05", str(fixed)) for m in range(1, 7)]
        + [(f"2026-{m:02d}-05", str(open_part)) for m in range(7, 12)]
        + [("2026-12-05", str(last))]
    )
    assert data["credit"] == "0.00"
    assert data["avertissement"].startswith("Attention : si vous sous-estimez votre revenu")
    assert data["avisAppel"]["revenuEstime"] == "60000.00"
    assert data["avisAppel"]["url"].startswith("http://127.0.0.1:8000/documents/")
    assert {"annee": 2026, "montant": "60000.00", "nature": "ESTIME"} in data["travailleur"][
        "revenus"
    ]
    async with api.session() as session:
        mail = (await session.scalars(select(models.CourrielSortant))).one()
        assert (mail.destinataire, mail.sujet) == (
            "claire@example.fr",
            "Estimation de votre revenu 2026 enregistrée",
        )
        assert f"{new.total} €" in mail.corps
        contact = await session.scalar(
            select(models.Travailleur.courriel).where(models.Travailleur.id == worker.id)
        )
        assert contact == worker.courriel  # the form's address does not replace the one on file
        audit = (
            await session.scalars(
                select(models.EvenementAudit).where(
                    models.EvenementAudit.operation == "estimateRevenue"
                )
            )
        ).one()
        assert (audit.issue.value, audit.travailleur_id) == ("SUCCES", worker.id)


async def test_an_estimate_when_no_instalment_is_open_creates_one_30_days_later(
    db: Database,
) -> None:
    today = date(2026, 11, 23)
    async with api_for(db, today=today) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session, caisse_id=caisse.id, today=today, revenus_declares={2025: Decimal("43000")}
            )
            await session.commit()
        token = await api.login(worker.nir, PASSWORD)
        data = (await api.data(ESTIMATE, estimate_input(worker), token))["estimateRevenue"]
    new_total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("60000")).total
    old_total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("43000")).total
    schedule = data["echeancier"]
    # 5 December is 12 days away: fixed. One new instalment on 23 December.
    assert schedule[-1]["dateEcheance"] == "2026-12-23"
    assert Decimal(schedule[-1]["montant"]) == new_total - old_total


async def test_a_lower_estimate_can_leave_a_credit_of_the_year(setting) -> None:
    api, worker, token, _ = setting
    data = (await api.data(ESTIMATE, estimate_input(worker, montant="0"), token))["estimateRevenue"]
    new_total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("0")).total
    old_total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("43000")).total
    fixed = 6 * floor_cent(old_total / 12)
    assert Decimal(data["credit"]) == fixed - new_total
    assert all(e["montant"] == "0.00" for e in data["echeancier"][6:])


async def test_a_preview_shows_the_result_and_writes_nothing(setting) -> None:
    api, worker, token, _ = setting
    before = await state(api, worker.id)
    data = (await api.data(ESTIMATE, estimate_input(worker, previsualisation=True), token))[
        "estimateRevenue"
    ]
    assert data["previsualisation"] is True
    assert (
        data["totalCotisations"]
        == f"{engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal('60000')).total}.00"
    )
    assert data["avisAppel"] is None
    assert await state(api, worker.id) == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"jaiEteInforme": False}, "jaiEteInforme", "INFORMATION_NON_CONFIRMEE"),
        ({"courriel": "claire@@example"}, "courriel", "COURRIEL_INVALIDE"),
        ({"annee": 2025}, "annee", "ANNEE_NON_COURANTE"),
        ({"montant": "-1"}, "montant", "MONTANT_NEGATIF"),
        ({"montant": "100000000.01"}, "montant", "MONTANT_INVRAISEMBLABLE"),
        ({"travailleurId": encode_global_id("Travailleur", 987654)}, "travailleurId", "NOT_FOUND"),
    ],
)
async def test_a_bad_estimate_is_refused_naming_the_field_and_changes_nothing(
    setting, overrides, field, code
) -> None:
    api, worker, token, _ = setting
    before = await state(api, worker.id)
    data = (await api.data(ESTIMATE, estimate_input(worker, **overrides), token))["estimateRevenue"]
    [error] = data["userErrors"]
    assert (error["field"], error["code"]) == (["input", field], code)
    assert data["cotisations"] is None
    assert await state(api, worker.id) == before


@pytest.mark.parametrize(
    ("change", "code"),
    [("micro", "REGIME_MICRO"), ("radie", "TRAVAILLEUR_RADIE"), ("taxation", "TAXATION_OFFICE")],
)
async def test_the_estimate_is_refused_to_micro_radies_and_taxation_d_office(
    setting, change, code
) -> None:
    api, worker, token, _ = setting
    async with api.session() as session:
        row = await session.get(models.Travailleur, worker.id)
        if change == "micro":
            row.regime = Regime.MICRO
        elif change == "radie":
            row.situation, row.date_fin_activite = Situation.RADIE, date(2026, 3, 31)
        else:
            for revenu in await session.scalars(
                select(models.Revenu).where(models.Revenu.travailleur_id == worker.id)
            ):
                await session.delete(revenu)
        await session.commit()
    before = await state(api, worker.id)
    data = (await api.data(ESTIMATE, estimate_input(worker), token))["estimateRevenue"]
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "travailleurId"], code)
    ]
    assert await state(api, worker.id) == before


async def test_declaring_last_year_spreads_the_regularisation_over_open_instalments(
    db: Database,
) -> None:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            # 2025 not declared yet: 2026 is called on 2024 (N-2); 2025 was called on 2023.
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2023: Decimal("30000"), 2024: Decimal("35000")},
            )
            called_2025 = add_provisional(session, worker, 2025, Decimal("30000"))
            await session.commit()
        token = await api.login(worker.nir, PASSWORD)
        gid = encode_global_id("Travailleur", worker.id)
        data = (
            await api.data(
                DECLARE, {"input": {"travailleurId": gid, "annee": 2025, "montant": "50000"}}, token
            )
        )["declareRevenu"]
        definitive = engine.compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal("50000"))
        regularisation = definitive.total - called_2025.total
        assert data == {"regularisation": f"{regularisation}.00", "userErrors": []}
        account = await api.data(
            "{ me { travailleur { ... on TravailleurClassique { cotisations(annee: 2026) { totalProvisionnel baseProvisionnelle }"
            ' echeances(first: 50, du: "2026-07-01") { nodes { dateEcheance montant nature } } } } } }',
            token=token,
        )
        travailleur = account["me"]["travailleur"]
        regul = [e for e in travailleur["echeances"]["nodes"] if e["nature"] == "REGULARISATION"]
        part = floor_cent(regularisation / 6)
        assert [(e["dateEcheance"], e["montant"]) for e in regul] == [
            (f"2026-{m:02d}-05", str(part)) for m in range(7, 12)
        ] + [("2026-12-05", str(regularisation - 5 * part))]
        # 2026 is now called on the 2025 income.
        assert (
            travailleur["cotisations"][0]["totalProvisionnel"]
            == f"{engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal('50000')).total}.00"
        )
        assert (
            travailleur["cotisations"][0]["baseProvisionnelle"] == "Revenu 2025 déclaré : 50 000 €."
        )
        again = (
            await api.data(
                DECLARE, {"input": {"travailleurId": gid, "annee": 2025, "montant": "1"}}, token
            )
        )["declareRevenu"]
        assert [(e["field"], e["code"]) for e in again["userErrors"]] == [
            (["input", "annee"], "DEJA_DECLARE")
        ]


async def test_a_lower_declaration_is_a_credit_set_against_the_oldest_debts(db: Database) -> None:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("60000")},
                paid_until=date(2026, 5, 1),
            )
            called_2025 = add_provisional(session, worker, 2025, Decimal("60000"))
            await session.commit()
        token = await api.login(worker.nir, PASSWORD)
        gid = encode_global_id("Travailleur", worker.id)
        data = (
            await api.data(
                DECLARE, {"input": {"travailleurId": gid, "annee": 2025, "montant": "20000"}}, token
            )
        )["declareRevenu"]
        credit = (
            called_2025.total
            - engine.compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal("20000")).total
        )
        assert data["regularisation"] == f"-{credit}.00"
        paiements = await api.data(
            "{ me { travailleur { paiements(first: 50) { nodes { datePaiement montant mode } } } } }",
            token=token,
        )
        assert {
            "datePaiement": "2026-06-10",
            "montant": f"{credit}.00",
            "mode": "CREDIT",
        } in paiements["me"]["travailleur"]["paiements"]["nodes"]
        overdue = await api.data(
            "{ me { travailleur { ... on TravailleurClassique { echeances(statut: EN_RETARD) { totalCount } } } } }",
            token=token,
        )
        # May and June were unpaid; the credit (several thousand euros) covers them first.
        assert overdue["me"]["travailleur"]["echeances"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("annee", "montant", "field", "code"),
    [
        (2024, "1000", "annee", "DEJA_DECLARE"),
        (2026, "1000", "annee", "ANNEE_NON_CLOSE"),
        (2027, "1000", "annee", "ANNEE_NON_CLOSE"),
        (2022, "1000", "annee", "ANNEE_NON_COUVERTE"),
        (2025, "-100000000.01", "montant", "MONTANT_INVRAISEMBLABLE"),
    ],
)
async def test_a_bad_declaration_is_refused_and_changes_nothing(
    setting, annee, montant, field, code
) -> None:
    api, worker, token, _ = setting
    before = await state(api, worker.id)
    data = (
        await api.data(
            DECLARE,
            {
                "input": {
                    "travailleurId": encode_global_id("Travailleur", worker.id),
                    "annee": annee,
                    "montant": montant,
                }
            },
            token,
        )
    )["declareRevenu"]
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [(["input", field], code)]
    assert await state(api, worker.id) == before
