"""portfolio: filters, sorting, per-client indicators and totals, for every caller kind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.calendrier_declarations import annees_non_declarees
from domain.delais import EcheanceDelai, is_respected
from domain.echeancier import Instalment
from domain.micro import TypePeriode
from domain.nomenclatures import NatureRevenu, Regime
from domain.vigilance import (
    a_surveiller,
    periodes_non_declarees,
    plan_denonce,
    retard_hors_plan,
    vigilance_obtenable,
)
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests.api.client import api_for, error_codes
from tests.api.workspace_world import PASSWORD, WORKER_PASSWORD, build_portfolio_world
from tests.conftest import TODAY, Database

QUERY = """query($first: Int, $after: String, $filtre: PortfolioFiltre, $tri: PortfolioTri) {
  portfolio(first: $first, after: $after, filtre: $filtre, tri: $tri) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { nom }
      indicateurs {
        montantEnRetard duCeMois prochaineEcheance declarationsManquantes planDenonce
        attestationVigilanceObtenable aSurveiller
      }
    }
    resume {
      nombreClients montantEnRetard duCeMois clientsEnRetard clientsDeclarationsManquantes
      clientsPlanDenonce clientsASurveiller clientsAttestationVigilanceObtenable
    }
  }
}"""

ALL = ["Bernard", "Dubois", "Fontaine", "Garcia", "Lefebvre", "Moreau", "Petit"]


def indicators(montant, du, prochaine, manquantes, denonce, vigilance, surveiller) -> dict:
    return {
        "montantEnRetard": montant,
        "duCeMois": du,
        "prochaineEcheance": prochaine,
        "declarationsManquantes": manquantes,
        "planDenonce": denonce,
        "attestationVigilanceObtenable": vigilance,
        "aSurveiller": surveiller,
    }


EXPECTED = {
    "Bernard": indicators("350.00", "350.00", "2026-12-05", False, False, False, True),
    "Dubois": indicators("0.00", "200.00", "2026-11-30", False, False, True, False),
    "Fontaine": indicators("0.00", "0.00", None, False, False, True, False),
    "Garcia": indicators("202.00", "101.00", "2026-11-30", True, False, False, True),
    "Lefebvre": indicators("300.00", "0.00", None, False, True, False, True),
    "Moreau": indicators("500.00", "0.00", None, False, False, True, True),
    "Petit": indicators("0.00", "0.00", None, True, False, False, True),
}


@pytest.fixture
async def world(db: Database):
    async with api_for(db) as api:
        world = await build_portfolio_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, world, admin


async def names(api, token, **variables) -> list[str]:
    data = await api.data(QUERY, variables, token)
    return [e["node"]["nom"] for e in data["portfolio"]["edges"]]


async def test_each_client_carries_their_indicators_and_the_totals_cover_the_portfolio(
    world,
) -> None:
    api, _, admin = world
    data = (await api.data(QUERY, {}, admin))["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ALL
    assert {e["node"]["nom"]: e["indicateurs"] for e in data["edges"]} == EXPECTED
    assert data["totalCount"] == 7
    assert data["resume"] == {
        "nombreClients": 7,
        "montantEnRetard": "1352.00",
        "duCeMois": "651.00",
        "clientsEnRetard": 4,
        "clientsDeclarationsManquantes": 2,
        "clientsPlanDenonce": 1,
        "clientsASurveiller": 5,
        "clientsAttestationVigilanceObtenable": 3,
    }


async def test_the_overdue_indicator_equals_the_account_summary_of_each_client(world) -> None:
    api, _, admin = world
    data = await api.data(
        """{ portfolio { edges { node { nom compte { montantEnRetard } }
             indicateurs { montantEnRetard } } } }""",
        {},
        admin,
    )
    pairs = {
        e["node"]["nom"]: (
            e["node"]["compte"]["montantEnRetard"],
            e["indicateurs"]["montantEnRetard"],
        )
        for e in data["portfolio"]["edges"]
    }
    assert all(compte == indicateur for compte, indicateur in pairs.values()), pairs
    assert pairs["Garcia"] == ("202.00", "202.00")


@pytest.mark.parametrize(
    ("filtre", "expected"),
    [
        ({"situations": ["RADIE"]}, ["Fontaine"]),
        ({"situations": ["ACTIF", "RETRAITE"]}, [n for n in ALL if n != "Fontaine"]),
        ({"regime": "MICRO"}, ["Garcia"]),
        ({"enRetard": True}, ["Bernard", "Garcia", "Lefebvre", "Moreau"]),
        ({"enRetard": False}, ["Dubois", "Fontaine", "Petit"]),
        ({"prochaineEcheanceAvant": "2026-12-01"}, ["Dubois", "Garcia"]),
        ({"prochaineEcheanceAvant": "2026-11-30"}, []),
        ({"attestationVigilanceObtenable": True}, ["Dubois", "Fontaine", "Moreau"]),
        ({"attestationVigilanceObtenable": False}, ["Bernard", "Garcia", "Lefebvre", "Petit"]),
        ({"aSurveiller": True}, ["Bernard", "Garcia", "Lefebvre", "Moreau", "Petit"]),
        ({"aSurveiller": False}, ["Dubois", "Fontaine"]),
        ({"recherche": "  BER "}, ["Bernard"]),
        ({"recherche": "luc bern"}, ["Bernard"]),
        ({"recherche": "léa"}, ["Garcia"]),
        ({"recherche": "50%"}, []),
        (
            {"regime": "CLASSIQUE", "enRetard": True, "aSurveiller": True},
            ["Bernard", "Lefebvre", "Moreau"],
        ),
    ],
)
async def test_the_portfolio_is_filtered_in_sql(world, filtre, expected) -> None:
    api, _, admin = world
    assert await names(api, admin, filtre=filtre) == expected


async def test_free_text_finds_a_client_by_part_of_the_nir_or_of_a_siret(world) -> None:
    api, world_, admin = world
    petit = world_.clients["Petit"]
    nir = petit.nir
    spaced = f"{nir[:1]} {nir[1:3]} {nir[3:5]} {nir[5:]}"
    assert await names(api, admin, filtre={"recherche": spaced}) == ["Petit"]
    siret = (
        await api.data(
            "query($id: ID!) { node(id: $id) { ... on Travailleur { etablissements { siret } } } }",
            {"id": world_.gid("Moreau")},
            admin,
        )
    )["node"]["etablissements"][0]["siret"]
    assert await names(api, admin, filtre={"recherche": siret[-9:]}) == ["Moreau"]


async def test_the_totals_follow_the_filters(world) -> None:
    api, _, admin = world
    data = (await api.data(QUERY, {"filtre": {"enRetard": True}, "first": 1}, admin))["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ["Bernard"]
    assert data["totalCount"] == 4
    assert data["resume"] == {
        "nombreClients": 4,
        "montantEnRetard": "1352.00",
        "duCeMois": "451.00",
        "clientsEnRetard": 4,
        "clientsDeclarationsManquantes": 1,
        "clientsPlanDenonce": 1,
        "clientsASurveiller": 4,
        "clientsAttestationVigilanceObtenable": 1,
    }


async def test_a_collaborator_filter_keeps_the_clients_assigned_to_them(world) -> None:
    api, world_, admin = world
    collab = encode_global_id("Collaborateur", world_.collab.id)
    collab2 = encode_global_id("Collaborateur", world_.collab2.id)
    assert await names(api, admin, filtre={"collaborateurId": collab}) == ["Bernard"]
    assert await names(api, admin, filtre={"collaborateurId": collab2}) == []
    body = await api.post(QUERY, {"filtre": {"collaborateurId": "nope"}}, admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "filtre.collaborateurId : identifiant de collaborateur invalide."
    )


async def test_a_search_longer_than_one_hundred_characters_is_refused(world) -> None:
    api, _, admin = world
    body = await api.post(QUERY, {"filtre": {"recherche": "a" * 101}}, admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "filtre.recherche : au plus 100 caractères."


@pytest.mark.parametrize(
    ("tri", "expected"),
    [
        ({"champ": "NOM", "sens": "DESC"}, ALL[::-1]),
        (
            {"champ": "MONTANT_EN_RETARD"},
            ["Moreau", "Bernard", "Lefebvre", "Garcia", "Dubois", "Fontaine", "Petit"],
        ),
        (
            {"champ": "MONTANT_EN_RETARD", "sens": "ASC"},
            ["Dubois", "Fontaine", "Petit", "Garcia", "Lefebvre", "Bernard", "Moreau"],
        ),
        (
            {"champ": "PROCHAINE_ECHEANCE"},
            ["Dubois", "Garcia", "Bernard", "Fontaine", "Lefebvre", "Moreau", "Petit"],
        ),
        (
            {"champ": "PROCHAINE_ECHEANCE", "sens": "DESC"},
            ["Bernard", "Dubois", "Garcia", "Fontaine", "Lefebvre", "Moreau", "Petit"],
        ),
    ],
)
async def test_the_portfolio_is_sorted_in_sql(world, tri, expected) -> None:
    api, _, admin = world
    assert await names(api, admin, tri=tri) == expected


async def test_pages_follow_the_sort_and_the_filters(world) -> None:
    api, _, admin = world
    variables = {"first": 2, "tri": {"champ": "MONTANT_EN_RETARD"}, "filtre": {"enRetard": True}}
    first = (await api.data(QUERY, variables, admin))["portfolio"]
    assert [e["node"]["nom"] for e in first["edges"]] == ["Moreau", "Bernard"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = (await api.data(QUERY, {**variables, "after": after}, admin))["portfolio"]
    assert [e["node"]["nom"] for e in second["edges"]] == ["Lefebvre", "Garcia"]
    assert second["pageInfo"]["hasNextPage"] is False


# --- who may ask ------------------------------------------------------------------------


async def test_anonymous_callers_get_unauthenticated(world) -> None:
    api, _, _ = world
    body = await api.post(QUERY, {})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


@pytest.mark.parametrize("who", ["worker", "agent"])
async def test_workers_and_agents_have_no_portfolio(world, who) -> None:
    api, world_, _ = world
    if who == "worker":
        token = await api.login(world_.clients["Bernard"].nir, WORKER_PASSWORD)
    else:
        token = await api.login("agent@idf.fr", PASSWORD)
    body = await api.post(QUERY, {}, token)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == "Opération réservée aux rôles : EXPERT_COMPTABLE."


async def test_a_collaborator_sees_only_their_assigned_clients_and_their_totals(world) -> None:
    api, _, _ = world
    token = await api.login("collab@alpha.fr", PASSWORD)
    data = (await api.data(QUERY, {}, token))["portfolio"]
    assert [e["node"]["nom"] for e in data["edges"]] == ["Bernard"]
    assert data["edges"][0]["indicateurs"] == EXPECTED["Bernard"]
    assert data["resume"]["nombreClients"] == 1
    assert data["resume"]["montantEnRetard"] == "350.00"


async def test_a_collaborator_with_no_assignment_sees_an_empty_portfolio(world) -> None:
    api, _, _ = world
    token = await api.login("collab2@alpha.fr", PASSWORD)
    data = (await api.data(QUERY, {}, token))["portfolio"]
    assert data["edges"] == []
    assert data["resume"] == {
        "nombreClients": 0,
        "montantEnRetard": "0.00",
        "duCeMois": "0.00",
        "clientsEnRetard": 0,
        "clientsDeclarationsManquantes": 0,
        "clientsPlanDenonce": 0,
        "clientsASurveiller": 0,
        "clientsAttestationVigilanceObtenable": 0,
    }


async def test_another_cabinet_sees_only_its_own_mandates_never_a_revoked_one(world) -> None:
    api, _, admin = world
    beta = await api.login("admin@beta.fr", PASSWORD)
    assert await names(api, beta) == ["Roux"]
    # Alpha's mandate on Roux was revoked: Roux is nowhere in Alpha's portfolio.
    assert "Roux" not in await names(api, admin, filtre={"recherche": "roux"})
    assert await names(api, admin, filtre={"recherche": "roux"}) == []


@pytest.mark.parametrize(
    "today", [date(2026, 3, 10), date(2026, 5, 31), date(2026, 6, 1), TODAY], ids=str
)
async def test_the_sql_flags_agree_with_the_pure_rules_of_domain_vigilance(
    db: Database, today: date
) -> None:
    """At clocks around the declaration deadline (31 May) too: one calendar for both."""
    async with api_for(db, today) as api:
        world_ = await build_portfolio_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        await _check_sql_flags_agree_with_domain(api, world_, admin, today)


async def _check_sql_flags_agree_with_domain(api, world_, admin, today: date) -> None:
    data = await api.data(QUERY, {}, admin)
    flags = {e["node"]["nom"]: e["indicateurs"] for e in data["portfolio"]["edges"]}
    async with api.session() as session:
        for nom, client in world_.clients.items():
            ours = models.Travailleur.id == client.id

            async def rows(model, travailleur_id=client.id):
                statement = select(model).where(model.travailleur_id == travailleur_id)
                return list(await session.scalars(statement))

            plans = await rows(models.DelaiPaiement)
            plan_rows = {
                p.id: [
                    EcheanceDelai(i.date_echeance, i.montant, i.montant_paye)
                    for i in await session.scalars(
                        select(models.EcheanceDelai).where(models.EcheanceDelai.delai_id == p.id)
                    )
                ]
                for p in plans
            }
            respected = [p.id for p in plans if is_respected(p.statut, plan_rows[p.id], today)]
            covered = set(
                await session.scalars(
                    select(models.DelaiEcheanceCouverte.echeance_id).where(
                        models.DelaiEcheanceCouverte.delai_id.in_(respected)
                    )
                )
            )
            row = await session.scalar(select(models.Travailleur).where(ours))
            if row.regime is Regime.MICRO:
                declared = {d.periode for d in await rows(models.DeclarationMicro)}
                missing = bool(
                    periodes_non_declarees(
                        today,
                        TypePeriode.MOIS,
                        row.date_debut_activite,
                        row.date_fin_activite,
                        declared,
                    )
                )
                uncovered = Decimal(flags[nom]["montantEnRetard"])
            else:
                revenus = await rows(models.Revenu)
                declared_years = {r.annee for r in revenus if r.nature is NatureRevenu.DECLARE}
                missing = bool(
                    annees_non_declarees(
                        today, row.date_debut_activite, row.date_fin_activite, declared_years
                    )
                )
                instalments = [
                    Instalment(e.id, e.date_echeance, e.montant, e.montant_paye)
                    for e in await rows(models.Echeance)
                    if not e.annulee
                ]
                uncovered = retard_hors_plan(instalments, covered, today)
            denounced = any(plan_denonce(p.statut, plan_rows[p.id], today) for p in plans)
            assert flags[nom]["declarationsManquantes"] is missing, nom
            assert flags[nom]["planDenonce"] is denounced, nom
            assert flags[nom]["attestationVigilanceObtenable"] is vigilance_obtenable(
                declarations_manquantes=missing, retard_non_couvert=uncovered
            ), nom
            assert flags[nom]["aSurveiller"] is a_surveiller(
                montant_en_retard=Decimal(flags[nom]["montantEnRetard"]),
                declarations_manquantes=missing,
                plan_denonce=denounced,
            ), nom
