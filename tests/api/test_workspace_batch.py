"""estimateRevenues and setPrelevementPeriodicites: one result per item, each item
authorized, saved and idempotent on its own (issue 4, SPEC §9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.echeancier import Periodicite
from domain.nomenclatures import IssueAudit, NatureRevenu, Regime, Role, StatutMandat
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.services import batch as batch_service
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for, error_codes
from tests.conftest import Database

TODAY = date(2026, 6, 10)
PASSWORD = "secret-utilisateur"
WORKER_PASSWORD = "secret-travailleur"
ESTIMATES = """mutation($items: [EstimateRevenueItem!]!) {
  estimateRevenues(input: {items: $items}) {
    nombreSucces nombreEchecs
    results {
      index travailleurId totalCotisations
      travailleur { nom }
      avisAppel { annee revenuEstime }
      userErrors { field message code }
    }
  }
}"""
PERIODICITES = """mutation($items: [SetPrelevementPeriodiciteItem!]!) {
  setPrelevementPeriodicites(input: {items: $items}) {
    nombreSucces nombreEchecs
    results {
      index travailleurId modifiee
      travailleur { nom prelevement { periodicite } }
      userErrors { field message code }
    }
  }
}"""


@dataclass
class Setting:
    api: object
    admin: str
    workers: dict[str, models.Travailleur]

    def gid(self, nom: str) -> str:
        return encode_global_id("Travailleur", self.workers[nom].id)


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session, code="IDF")
            alpha = await builders.cabinet(session, nom="Cabinet Alpha")
            beta = await builders.cabinet(session, nom="Cabinet Beta")
            await builders.user(
                session,
                identifiant="admin@alpha.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=alpha.id,
                administrateur_cabinet=True,
            )
            collab = await builders.user(
                session,
                identifiant="collab@alpha.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=alpha.id,
            )
            await builders.user(
                session,
                identifiant="admin@beta.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=beta.id,
                administrateur_cabinet=True,
            )
            await builders.user(
                session, identifiant="agent@idf.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            declared = {2024: Decimal("41570"), 2025: Decimal("43000")}
            workers = {}
            for nom in ("Bernard", "Dubois", "Petit", "Roux"):
                workers[nom] = await classique_account(
                    session, caisse_id=caisse.id, today=TODAY, revenus_declares=declared, nom=nom
                )
            workers["Garcia"] = await builders.travailleur(
                session, caisse_id=caisse.id, nom="Garcia", regime=Regime.MICRO
            )
            for nom in ("Bernard", "Dubois", "Garcia"):
                await builders.mandat(
                    session,
                    cabinet_id=alpha.id,
                    travailleur_id=workers[nom].id,
                    assigned_to=collab.id if nom == "Bernard" else None,
                )
            await builders.mandat(
                session,
                cabinet_id=alpha.id,
                travailleur_id=workers["Roux"].id,
                statut=StatutMandat.REVOQUE,
            )
            await session.commit()
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield Setting(api, admin, workers)


def estimate(s: Setting, nom: str, **overrides) -> dict:
    return {
        "travailleurId": s.gid(nom),
        "annee": 2026,
        "montant": "60000",
        "courriel": "client@example.fr",
        "jaiEteInforme": True,
        **overrides,
    }


async def state(s: Setting) -> tuple:
    """Everything a refused item must leave untouched."""
    async with s.api.session() as session:

        async def count(model) -> int:
            return await session.scalar(select(func.count()).select_from(model))

        estimates = (
            await session.execute(
                select(models.Revenu.travailleur_id, models.Revenu.montant)
                .where(models.Revenu.nature == NatureRevenu.ESTIME)
                .order_by(models.Revenu.travailleur_id)
            )
        ).all()
        schedules = (
            await session.execute(
                select(
                    models.Echeance.travailleur_id,
                    models.Echeance.date_echeance,
                    models.Echeance.montant,
                    models.Echeance.annulee,
                ).order_by(models.Echeance.id)
            )
        ).all()
        periodicites = (
            await session.execute(
                select(models.Travailleur.nom, models.Travailleur.periodicite).order_by(
                    models.Travailleur.nom
                )
            )
        ).all()
        return (
            estimates,
            schedules,
            periodicites,
            await count(models.AvisAppel),
            await count(models.CourrielSortant),
        )


def total_for(montant: str) -> str:
    return (
        f"{engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal(montant)).total}.00"
    )


def not_found(index: int) -> list[dict]:
    return [
        {
            "field": ["input", "items", str(index), "travailleurId"],
            "message": "Aucun travailleur ne correspond à cet identifiant.",
            "code": "NOT_FOUND",
        }
    ]


async def test_each_item_is_saved_or_refused_on_its_own(setting) -> None:
    s = setting
    items = [
        estimate(s, "Bernard"),
        estimate(s, "Garcia"),
        estimate(s, "Dubois", montant="30000"),
        estimate(s, "Petit"),
        estimate(s, "Dubois", jaiEteInforme=False),
    ]
    data = (await s.api.data(ESTIMATES, {"items": items}, s.admin))["estimateRevenues"]
    assert (data["nombreSucces"], data["nombreEchecs"]) == (2, 3)
    results = data["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["travailleurId"] for r in results] == [i["travailleurId"] for i in items]
    assert results[0] == {
        "index": 0,
        "travailleurId": s.gid("Bernard"),
        "totalCotisations": total_for("60000"),
        "travailleur": {"nom": "Bernard"},
        "avisAppel": {"annee": 2026, "revenuEstime": "60000.00"},
        "userErrors": [],
    }
    assert results[2]["totalCotisations"] == total_for("30000")
    assert results[1]["userErrors"] == [
        {
            "field": ["input", "items", "1", "travailleurId"],
            "message": (
                "Les micro-entrepreneurs déclarent leur chiffre d'affaires : l'estimation de "
                "revenu ne les concerne pas."
            ),
            "code": "REGIME_MICRO",
        }
    ]
    assert results[3]["userErrors"] == not_found(3)
    assert results[4]["userErrors"][0]["field"] == ["input", "items", "4", "jaiEteInforme"]
    assert results[4]["userErrors"][0]["code"] == "INFORMATION_NON_CONFIRMEE"
    for refused in (results[1], results[3], results[4]):
        assert refused["travailleur"] is refused["avisAppel"] is refused["totalCotisations"]
    estimates, _, _, avis, mails = await state(s)
    assert estimates == [
        (s.workers["Bernard"].id, Decimal("60000.00")),
        (s.workers["Dubois"].id, Decimal("30000.00")),
    ]
    assert (avis, mails) == (2, 2)
    async with s.api.session() as session:
        audit = (
            await session.execute(
                select(models.EvenementAudit.travailleur_id, models.EvenementAudit.issue)
                .where(models.EvenementAudit.operation == "estimateRevenue")
                .order_by(models.EvenementAudit.id)
            )
        ).all()
    assert audit == [
        (s.workers["Bernard"].id, IssueAudit.SUCCES),
        (None, IssueAudit.REFUS),
        (s.workers["Dubois"].id, IssueAudit.SUCCES),
        (None, IssueAudit.REFUS),
        (None, IssueAudit.REFUS),
    ]


async def test_a_batch_replayed_with_the_same_item_keys_changes_nothing_more(setting) -> None:
    s = setting
    items = [
        estimate(s, "Bernard", idempotencyKey="lot-1-bernard"),
        estimate(s, "Petit", idempotencyKey="lot-1-petit"),
    ]
    first = await s.api.data(ESTIMATES, {"items": items}, s.admin)
    after_first = await state(s)
    again = await s.api.data(ESTIMATES, {"items": items}, s.admin)
    assert again == first
    assert await state(s) == after_first


async def test_an_unexpected_failure_of_one_item_leaves_the_others_saved(
    setting, monkeypatch
) -> None:
    s = setting
    real = batch_service.revenus.estimate_revenue

    async def flaky(ctx, **kwargs):
        if kwargs["montant"] == Decimal("12345"):
            raise RuntimeError("boom")
        return await real(ctx, **kwargs)

    monkeypatch.setattr(batch_service.revenus, "estimate_revenue", flaky)
    items = [estimate(s, "Bernard"), estimate(s, "Dubois", montant="12345"), estimate(s, "Dubois")]
    data = (await s.api.data(ESTIMATES, {"items": items}, s.admin))["estimateRevenues"]
    assert [r["userErrors"] for r in data["results"]] == [
        [],
        [
            {
                "field": ["input", "items", "1"],
                "message": (
                    "Erreur inattendue : cet élément n'a pas été traité (les autres ne sont pas "
                    "concernés). Réessayez avec la même clé d'idempotence."
                ),
                "code": "ERREUR_INTERNE",
            }
        ],
        [],
    ]
    assert [e[0] for e in (await state(s))[0]] == [s.workers["Bernard"].id, s.workers["Dubois"].id]


async def test_a_collaborator_acts_only_on_their_assigned_clients(setting) -> None:
    s = setting
    collab = await s.api.login("collab@alpha.fr", PASSWORD)
    items = [estimate(s, "Bernard"), estimate(s, "Dubois")]
    data = (await s.api.data(ESTIMATES, {"items": items}, collab))["estimateRevenues"]
    assert [r["userErrors"] for r in data["results"]] == [[], not_found(1)]
    assert [e[0] for e in (await state(s))[0]] == [s.workers["Bernard"].id]


@pytest.mark.parametrize(("who", "nom"), [("admin", "Roux"), ("beta", "Bernard")])
async def test_a_revoked_mandate_or_another_cabinet_is_not_found(setting, who, nom) -> None:
    s = setting
    token = s.admin if who == "admin" else await s.api.login("admin@beta.fr", PASSWORD)
    before = await state(s)
    data = await s.api.data(ESTIMATES, {"items": [estimate(s, nom)]}, token)
    assert data["estimateRevenues"]["results"][0]["userErrors"] == not_found(0)
    assert await state(s) == before


@pytest.mark.parametrize(
    ("who", "code"), [(None, "UNAUTHENTICATED"), ("worker", "FORBIDDEN"), ("agent", "FORBIDDEN")]
)
@pytest.mark.parametrize("mutation", [ESTIMATES, PERIODICITES])
async def test_only_accountants_run_batches(setting, who, code, mutation) -> None:
    s = setting
    logins = {
        "worker": (s.workers["Bernard"].nir, WORKER_PASSWORD),
        "agent": ("agent@idf.fr", PASSWORD),
    }
    token = None if who is None else await s.api.login(*logins[who])
    items = (
        [estimate(s, "Bernard")]
        if mutation is ESTIMATES
        else [{"travailleurId": s.gid("Bernard"), "periodicite": "MENSUEL_20"}]
    )
    before = await state(s)
    body = await s.api.post(mutation, {"items": items}, token)
    assert error_codes(body) == [code]
    assert body["data"] is None
    assert await state(s) == before


@pytest.mark.parametrize("mutation", [ESTIMATES, PERIODICITES])
async def test_more_than_500_items_are_refused_before_anything_is_done(setting, mutation) -> None:
    s = setting
    item = (
        estimate(s, "Bernard")
        if mutation is ESTIMATES
        else {"travailleurId": s.gid("Bernard"), "periodicite": "MENSUEL_20"}
    )
    before = await state(s)
    body = await s.api.post(mutation, {"items": [item] * 501}, s.admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "items : au plus 500 éléments par requête (reçu 501) ; découpez le lot."
    )
    assert await state(s) == before


async def test_periodicities_change_item_by_item(setting) -> None:
    s = setting
    items = [
        {"travailleurId": s.gid("Bernard"), "periodicite": "MENSUEL_20"},
        {"travailleurId": s.gid("Petit"), "periodicite": "TRIMESTRIEL"},
        {"travailleurId": s.gid("Dubois"), "periodicite": "MENSUEL_5"},
        {"travailleurId": s.gid("Garcia"), "periodicite": "TRIMESTRIEL"},
        {"travailleurId": s.gid("Bernard"), "periodicite": "TRIMESTRIEL"},
    ]
    data = (await s.api.data(PERIODICITES, {"items": items}, s.admin))["setPrelevementPeriodicites"]
    assert (data["nombreSucces"], data["nombreEchecs"]) == (2, 3)
    results = data["results"]
    assert results[0] == {
        "index": 0,
        "travailleurId": s.gid("Bernard"),
        "modifiee": True,
        "travailleur": {"nom": "Bernard", "prelevement": {"periodicite": "MENSUEL_20"}},
        "userErrors": [],
    }
    assert results[1]["userErrors"] == not_found(1)
    # Already monthly on the 5th: accepted, nothing to change.
    assert results[2] == {
        "index": 2,
        "travailleurId": s.gid("Dubois"),
        "modifiee": False,
        "travailleur": {"nom": "Dubois", "prelevement": {"periodicite": "MENSUEL_5"}},
        "userErrors": [],
    }
    assert results[3]["userErrors"][0]["code"] == "REGIME_MICRO"
    # A second change in the same year for Bernard: refused, the first one stays.
    assert results[4]["modifiee"] is False
    assert results[4]["travailleur"] is None
    assert results[4]["userErrors"][0]["field"] == ["input", "items", "4", "periodicite"]
    periodicites = dict((await state(s))[2])
    assert periodicites == {
        "Bernard": Periodicite.MENSUEL_20,
        "Dubois": Periodicite.MENSUEL_5,
        "Garcia": Periodicite.MENSUEL_5,
        "Petit": Periodicite.MENSUEL_5,
        "Roux": Periodicite.MENSUEL_5,
    }


async def test_a_collaborator_changes_periodicities_of_assigned_clients_only(setting) -> None:
    s = setting
    collab = await s.api.login("collab@alpha.fr", PASSWORD)
    items = [
        {"travailleurId": s.gid("Dubois"), "periodicite": "TRIMESTRIEL"},
        {"travailleurId": s.gid("Bernard"), "periodicite": "TRIMESTRIEL"},
    ]
    data = (await s.api.data(PERIODICITES, {"items": items}, collab))["setPrelevementPeriodicites"]
    assert [r["userErrors"] for r in data["results"]] == [not_found(0), []]
    assert dict((await state(s))[2])["Dubois"] is Periodicite.MENSUEL_5
    assert dict((await state(s))[2])["Bernard"] is Periodicite.TRIMESTRIEL
