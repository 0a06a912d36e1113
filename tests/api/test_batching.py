"""A portfolio-shaped query costs a constant number of SQL statements (STYLE §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import insert

from domain.cotisations import CotisationCode
from domain.delais import StatutDelai
from domain.echeancier import NatureEcheance, Periodicite
from domain.nomenclatures import (
    ModePaiement,
    NatureCotisation,
    NatureRevenu,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
)
from gateway.db import models
from tests import builders
from tests.api.client import api_for
from tests.api.situation_support import store_situations
from tests.conftest import Database

PORTFOLIO = """query($first: Int!) {
  portfolio(first: $first) {
    totalCount
    nodes {
      id nom prenom
      caisse { nom }
      etablissements { siret }
      prelevement { actif periodicite coordonneesBancaires { ibanMasque } }
      compte { solde majorationsDeRetard detail { annee mois appele } }
      paiements(first: 5) { totalCount nodes { datePaiement montant } }
      delaisPaiement { statut echeances { numero montant } }
      attestations { totalCount nodes { type } }
      ... on TravailleurClassique {
        taxationDOffice
        revenus { annee montant }
        cotisations { annee totalProvisionnel provisionnelles { code montant explication } }
        echeances(first: 12, du: "2026-01-01") { totalCount nodes { dateEcheance montant statut } }
      }
      ... on MicroEntrepreneur { declarations(first: 12) { totalCount nodes { periode cotisations } } }
    }
  }
}"""


async def seed_portfolio(api, clients: int) -> None:
    """Bulk rows for ``clients`` mandated workers, each with a full account."""
    async with api.session() as session:
        caisse = await builders.caisse(session, code="IDF")
        cabinet = await builders.cabinet(session)
        await builders.user(
            session,
            identifiant="admin@bulk.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        workers, mandates, etabs, revenus, cotisations, echeances, paiements, delais, banks = (
            [] for _ in range(9)
        )
        for i in range(1, clients + 1):
            micro = i % 10 == 0
            workers.append(
                {
                    "id": i,
                    "caisse_id": caisse.id,
                    "nir": builders.valid_nir(1, 75, 1, "75", i),
                    "civilite": "M.",
                    "nom": f"Client{i:04d}",
                    "prenom": "Paul",
                    "date_naissance": date(1975, 1, 1),
                    "courriel": f"c{i}@example.fr",
                    "telephone": None,
                    "adresse": "1 rue A",
                    "code_postal": "75001",
                    "ville": "Paris",
                    "region": "Île-de-France",
                    "statut": StatutProfessionnel.ARTISAN,
                    "profession": "Plombier",
                    "regime": Regime.MICRO if micro else Regime.CLASSIQUE,
                    "situation": Situation.ACTIF,
                    "date_debut_activite": date(2015, 1, 1),
                    "date_fin_activite": None,
                    "periodicite": Periodicite.MENSUEL_5,
                    "activite_micro": None,
                    "periodicite_declaration": None,
                }
            )
            mandates.append(
                {
                    "cabinet_id": cabinet.id,
                    "travailleur_id": i,
                    "statut": StatutMandat.ACTIF,
                    "date_demande": date(2024, 1, 1),
                }
            )
            etabs.append(
                {
                    "travailleur_id": i,
                    "siret": builders.valid_siret(100000 + i),
                    "enseigne": f"E{i}",
                    "adresse": "1 rue A",
                    "code_postal": "75001",
                    "ville": "Paris",
                    "code_activite": "4322A",
                    "libelle_activite": "Plomberie",
                    "principal": True,
                    "date_ouverture": date(2015, 1, 1),
                }
            )
            banks.append(
                {
                    "travailleur_id": i,
                    "iban": "FR7630006000011234567890189",
                    "bic": "AGRIFRPP",
                    "titulaire": "Paul",
                    "reference_mandat_sepa": f"RUM{i:08d}",
                    "date_signature": date(2015, 1, 1),
                    "actif": True,
                }
            )
            revenus.append(
                {
                    "travailleur_id": i,
                    "annee": 2025,
                    "nature": NatureRevenu.DECLARE,
                    "montant": Decimal("40000"),
                    "date_saisie": date(2026, 5, 15),
                }
            )
            cotisations.append(
                {
                    "travailleur_id": i,
                    "annee": 2026,
                    "nature": NatureCotisation.PROVISIONNELLE,
                    "code": CotisationCode.RETRAITE_BASE,
                    "montant": Decimal("7100"),
                    "assiette": Decimal("40000"),
                    "detail": {
                        "tranches": [{"de": "0", "a": None, "taux": "17.75"}],
                        "plancher": None,
                        "plafond": None,
                        "deduction": "0",
                        "origine": "REVENU",
                    },
                    "base_calcul": "revenu déclaré 2025",
                    "date_calcul": date(2026, 5, 15),
                }
            )
            for month in range(1, 13):
                echeances.append(
                    {
                        "travailleur_id": i,
                        "annee": 2026,
                        "nature": NatureEcheance.PROVISIONNELLE,
                        "date_echeance": date(2026, month, 5),
                        "montant": Decimal("500"),
                        "montant_paye": Decimal("500") if month < 11 else Decimal(0),
                        "annulee": False,
                        "rejets": 0,
                    }
                )
            paiements.append(
                {
                    "travailleur_id": i,
                    "date_paiement": date(2026, 10, 5),
                    "montant": Decimal("5000"),
                    "mode": ModePaiement.PRELEVEMENT,
                    "reference": f"P{i}",
                }
            )
            delais.append(
                {
                    "travailleur_id": i,
                    "statut": StatutDelai.ACCEPTE,
                    "date_demande": date(2026, 1, 10),
                    "montant": Decimal("1000"),
                    "nombre_echeances": 4,
                    "premiere_echeance": date(2026, 2, 5),
                    "motif": "Trésorerie",
                }
            )
        for model, rows in (
            (models.Travailleur, workers),
            (models.Mandat, mandates),
            (models.Etablissement, etabs),
            (models.CoordonneesBancaires, banks),
            (models.Revenu, revenus),
            (models.Cotisation, cotisations),
            (models.Echeance, echeances),
            (models.Paiement, paiements),
            (models.DelaiPaiement, delais),
        ):
            await session.execute(insert(model), rows)
        await session.commit()


async def statements_for_page(api, token: str, first: int) -> tuple[int, dict]:
    # The signing keys are reloaded every 30 s: not during the counted request, however
    # slowly the seeding ran.
    await api.services.signer.keys.reload(api.services.clock.now())
    counter = api.counter()
    async with counter.counting():
        data = await api.data(PORTFOLIO, {"first": first}, token)
    return counter.count, data


async def test_a_page_of_500_clients_costs_the_same_statements_as_a_page_of_50(
    db: Database,
) -> None:
    async with api_for(db) as api:
        await seed_portfolio(api, 500)
        token = await api.login("admin@bulk.fr", "secret-utilisateur")
        # Rows loaded directly: their situations stored as the accounting day would.
        await store_situations(api)
        small_count, small = await statements_for_page(api, token, 50)
        large_count, large = await statements_for_page(api, token, 500)
    assert len(small["portfolio"]["nodes"]) == 50
    assert len(large["portfolio"]["nodes"]) == 500
    assert large["portfolio"]["totalCount"] == 500
    assert small_count == large_count
    # principal + visible clients (the cost) + count + page + one per relation: caisse, établissements, bank details,
    # instalments and payments and declarations (summary), payment page, plans, plan
    # instalments, instalments the plans cover, attestation page, revenus, cotisations,
    # instalment page, declaration page.
    assert large_count == 19
    classique = large["portfolio"]["nodes"][0]
    assert classique["echeances"]["totalCount"] == 12
    # 11 instalments of 500 due by Friday 20 November, 5 000 paid.
    assert classique["compte"]["solde"] == "500.00"
