"""calendrierCabinet: the coming instalments and declaration deadlines of every client
an accountant sees, between two dates, paged, in two statements (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.micro import ActiviteMicro
from domain.nomenclatures import PeriodiciteDeclaration, Regime, Role, StatutMandat
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for, error_codes
from tests.conftest import Database

TODAY = date(2026, 4, 10)
PASSWORD = "secret-utilisateur"
CALENDRIER = """query($du: Date!, $au: Date!, $first: Int, $after: String) {
  calendrierCabinet(du: $du, au: $au, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes {
      date type libelle annee periode travailleurId
      travailleur { nom }
      echeance { dateEcheance montant statut }
    }
  }
}"""
WINDOW = {"du": "2026-04-15", "au": "2026-06-30"}


@pytest.fixture
async def world(db: Database):
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
                session, identifiant="agent@idf.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            # Bernard has not declared 2025 yet (due by 31 May 2026); Dubois has.
            bernard = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("41570")},
                nom="Bernard",
            )
            await builders.echeance(
                session,
                travailleur_id=bernard.id,
                date_echeance=date(2026, 5, 20),
                montant=Decimal("99"),
                annulee=True,
            )
            dubois = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("41570"), 2025: Decimal("43000")},
                nom="Dubois",
            )
            garcia = await builders.travailleur(
                session,
                caisse_id=caisse.id,
                nom="Garcia",
                regime=Regime.MICRO,
                date_debut_activite=date(2024, 6, 1),
            )
            garcia.activite_micro = ActiviteMicro.BIC_SERVICES
            garcia.periodicite_declaration = PeriodiciteDeclaration.MENSUELLE
            session.add(
                models.DeclarationMicro(
                    travailleur_id=garcia.id,
                    periode="2026-04",
                    activite=ActiviteMicro.BIC_SERVICES,
                    chiffre_affaires=Decimal("471.70"),
                    taux=Decimal("21.2"),
                    cotisations=Decimal("100.00"),
                    formation_professionnelle=Decimal("1.00"),
                    date_declaration=date(2026, 4, 5),
                    date_exigibilite=date(2026, 5, 31),
                )
            )
            roux = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("30000")},
                nom="Roux",
            )
            zola = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2024: Decimal("30000")},
                nom="Zola",
            )
            for worker in (bernard, dubois, garcia):
                await builders.mandat(
                    session,
                    cabinet_id=alpha.id,
                    travailleur_id=worker.id,
                    assigned_to=collab.id if worker is bernard else None,
                )
            await builders.mandat(
                session, cabinet_id=alpha.id, travailleur_id=roux.id, statut=StatutMandat.REVOQUE
            )
            await builders.mandat(session, cabinet_id=beta.id, travailleur_id=zola.id)
            await session.commit()
            ids = {w.nom: w.id for w in (bernard, dubois, garcia, roux, zola)}
            nirs = {"Bernard": bernard.nir}
        yield api, ids, nirs


def summary(data: dict) -> list[tuple]:
    return [
        (n["date"], n["type"], n["travailleur"]["nom"], n["annee"], n["periode"])
        for n in data["calendrierCabinet"]["nodes"]
    ]


EXPECTED = [
    ("2026-04-30", "DECLARATION_MICRO", "Garcia", 2026, "2026-03"),
    ("2026-05-05", "ECHEANCE_COTISATIONS", "Bernard", 2026, None),
    ("2026-05-05", "ECHEANCE_COTISATIONS", "Dubois", 2026, None),
    ("2026-05-31", "DECLARATION_REVENUS", "Bernard", 2025, None),
    ("2026-06-05", "ECHEANCE_COTISATIONS", "Bernard", 2026, None),
    ("2026-06-05", "ECHEANCE_COTISATIONS", "Dubois", 2026, None),
    ("2026-06-30", "DECLARATION_MICRO", "Garcia", 2026, "2026-05"),
]


async def test_the_window_lists_instalments_and_missing_declarations_by_date(world) -> None:
    api, ids, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    data = await api.data(CALENDRIER, WINDOW, token)
    assert summary(data) == EXPECTED
    assert data["calendrierCabinet"]["totalCount"] == 7
    nodes = data["calendrierCabinet"]["nodes"]
    assert [n["libelle"] for n in nodes] == [
        "Déclaration du chiffre d'affaires 2026-03",
        "Échéance provisionnelle 2026",
        "Échéance provisionnelle 2026",
        "Déclaration des revenus 2025",
        "Échéance provisionnelle 2026",
        "Échéance provisionnelle 2026",
        "Déclaration du chiffre d'affaires 2026-05",
    ]
    assert nodes[1]["echeance"]["dateEcheance"] == "2026-05-05"
    assert nodes[1]["echeance"]["statut"] == "A_VENIR"
    assert nodes[1]["travailleurId"] == encode_global_id("Travailleur", ids["Bernard"])
    assert [n["echeance"] is None for n in nodes] == [True, False, False, True, False, False, True]


async def test_pages_follow_each_other_in_the_same_order(world) -> None:
    api, _, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    first = await api.data(CALENDRIER, {**WINDOW, "first": 3}, token)
    info = first["calendrierCabinet"]["pageInfo"]
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is False
    rest = await api.data(CALENDRIER, {**WINDOW, "first": 10, "after": info["endCursor"]}, token)
    assert summary(first) + summary(rest) == EXPECTED
    assert rest["calendrierCabinet"]["pageInfo"]["hasNextPage"] is False


async def test_a_collaborator_sees_only_the_assigned_clients(world) -> None:
    api, _, _ = world
    token = await api.login("collab@alpha.fr", PASSWORD)
    data = await api.data(CALENDRIER, WINDOW, token)
    assert summary(data) == [row for row in EXPECTED if row[2] == "Bernard"]


async def test_the_statement_count_does_not_grow_with_the_page(world) -> None:
    api, _, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    counts = []
    for first in (2, 7):  # both pages hold instalments and declarations
        counter = api.counter()
        async with counter.counting():
            await api.data(CALENDRIER, {**WINDOW, "first": first}, token)
        counts.append(counter.count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            {"du": "2026-06-30", "au": "2026-04-15"},
            "au : la fin de la période (15/04/2026) précède son début (30/06/2026).",
        ),
        (
            {"du": "2026-01-01", "au": "2027-01-02"},
            "au : la période couvre au plus 366 jours (reçu 367) ; découpez-la.",
        ),
    ],
)
async def test_a_bad_window_is_refused_naming_the_field(world, window, message) -> None:
    api, _, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    body = await api.post(CALENDRIER, window, token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == message


async def test_a_page_larger_than_500_is_refused(world) -> None:
    api, _, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    body = await api.post(CALENDRIER, {**WINDOW, "first": 501}, token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("who", ["worker", "agent"])
async def test_only_accountants_read_the_cabinet_calendar(world, who) -> None:
    api, _, nirs = world
    login = (
        (nirs["Bernard"], "secret-travailleur") if who == "worker" else ("agent@idf.fr", PASSWORD)
    )
    token = await api.login(*login)
    body = await api.post(CALENDRIER, WINDOW, token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


async def test_a_full_year_window_reports_its_cost(world) -> None:
    api, _, _ = world
    token = await api.login("admin@alpha.fr", PASSWORD)
    body = await api.post(CALENDRIER, {"du": "2026-01-01", "au": "2026-12-31"}, token)
    assert "errors" not in body
    assert body["extensions"]["cost"]["requestedQueryCost"] > 0
