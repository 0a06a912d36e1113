"""A filtered, sorted portfolio page with indicators, totals and nested data costs a
constant number of SQL statements, whatever the page size (issue 4, STYLE §6)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from domain.nomenclatures import IssueAudit, Role
from gateway.db import models
from tests.api.client import api_for
from tests.api.situation_support import store_situations
from tests.api.test_batching import seed_portfolio
from tests.conftest import Database

PORTFOLIO = """query($first: Int!) {
  portfolio(
    first: $first
    filtre: {situations: [ACTIF], recherche: "client"}
    tri: {champ: NOM, sens: ASC}
  ) {
    totalCount
    resume { nombreClients montantEnRetard duCeMois clientsASurveiller
             clientsAttestationVigilanceObtenable }
    edges {
      cursor
      indicateurs { montantEnRetard duCeMois prochaineEcheance declarationsManquantes
                    planDenonce attestationVigilanceObtenable aSurveiller }
      node {
        id nom
        caisse { nom }
        etablissements { siret }
        prelevement { actif periodicite }
        mandats { statut dateActivation cabinet { nom } }
        journal(first: 3) { totalCount nodes { operation acteur issue cabinet { nom } } }
        ... on TravailleurClassique {
          revenus { annee montant }
          echeances(first: 12, du: "2026-01-01") { totalCount nodes { dateEcheance statut } }
        }
        ... on MicroEntrepreneur { declarations(first: 3) { totalCount } }
      }
    }
  }
}"""


async def add_audit_events(api, clients: int) -> None:
    """One audited estimate per client by the cabinet's admin."""
    async with api.session() as session:
        admin = await session.scalar(
            select(models.Utilisateur).where(models.Utilisateur.identifiant == "admin@bulk.fr")
        )
        rows = [
            {
                "horodatage": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                "request_id": f"r{i}",
                "acteur_id": admin.id,
                "acteur": "admin",
                "role": Role.EXPERT_COMPTABLE,
                "cabinet_id": admin.cabinet_id,
                "travailleur_id": i,
                "operation": "estimateRevenue",
                "issue": IssueAudit.SUCCES,
                "detail": '{"detail": "annee=2026 montant=40000"}',
            }
            for i in range(1, clients + 1)
        ]
        await session.execute(insert(models.EvenementAudit), rows)
        await session.commit()


async def statements_for_page(api, token: str, first: int) -> tuple[int, dict]:
    # The signing keys are reloaded every 30 s: not during the counted request, however
    # slowly the seeding ran.
    await api.services.signer.keys.reload(api.services.clock.now())
    counter = api.counter()
    async with counter.counting():
        data = await api.data(PORTFOLIO, {"first": first}, token)
    return counter.count, data


async def test_a_filtered_page_of_500_with_totals_costs_as_many_statements_as_one_of_50(
    db: Database,
) -> None:
    async with api_for(db) as api:
        await seed_portfolio(api, 500)
        await add_audit_events(api, 500)
        token = await api.login("admin@bulk.fr", "secret-utilisateur")
        # Rows loaded directly: their situations stored as the accounting day would.
        await store_situations(api)
        small_count, small = await statements_for_page(api, token, 50)
        large_count, large = await statements_for_page(api, token, 500)
    assert len(small["portfolio"]["edges"]) == 50
    assert len(large["portfolio"]["edges"]) == 500
    assert small_count == large_count
    # principal + visible clients (the cost) + totals + page, then one per relation: caisse, établissements, bank
    # details, mandates, their cabinets (shared with the journal's), journal page, revenus,
    # instalment page, declaration page.
    assert large_count == 13, large_count
    resume = large["portfolio"]["resume"]
    # 450 classique clients with the instalment of 5 November unpaid (micro-entrepreneurs'
    # dues are their declarations: none here).
    assert resume["nombreClients"] == large["portfolio"]["totalCount"] == 500
    assert resume["montantEnRetard"] == "225000.00"
    first = large["portfolio"]["edges"][0]
    assert first["node"]["mandats"] == [
        {"statut": "ACTIF", "dateActivation": None, "cabinet": {"nom": "Cabinet Test"}}
    ]
    assert first["node"]["journal"]["totalCount"] == 1
