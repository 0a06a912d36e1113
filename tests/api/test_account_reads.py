"""The read API over one account: échéances, paiements, summary, revenus, cotisations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.echeancier import Periodicite, initial_schedule
from domain.nomenclatures import NatureCotisation
from gateway.db import models
from gateway.services.contributions import cotisation_rows
from tests import builders
from tests.api.client import api_for, error_codes
from tests.api.world import WORKER_PASSWORD, build_world
from tests.conftest import Database

ACCOUNT = """query($statut: StatutEcheance, $du: Date, $au: Date, $first: Int, $after: String) {
  me { travailleur { ... on TravailleurClassique {
    echeances(statut: $statut, du: $du, au: $au, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { dateEcheance montant montantPaye resteDu statut majorations }
    }
  } } }
}"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        token = await api.login(world.assigned.nir, WORKER_PASSWORD)
        yield api, world, token


async def echeances(api, token, **variables):
    data = await api.data(ACCOUNT, variables, token)
    return data["me"]["travailleur"]["echeances"]


async def test_instalments_come_in_due_date_order_with_their_status_today(setting) -> None:
    api, _, token = setting
    page = await echeances(api, token)
    assert page["totalCount"] == 4
    assert [
        (n["dateEcheance"], n["statut"], n["resteDu"], n["majorations"]) for n in page["nodes"]
    ] == [
        ("2026-09-05", "PAYEE", "0.00", "0.00"),
        ("2026-10-05", "PAYEE", "0.00", "0.00"),
        # Due 5 November, today 23 November: 5 % × 250 + 0.2 % × 250 × 1 month.
        ("2026-11-05", "EN_RETARD", "250.00", "13.00"),
        ("2026-12-05", "A_VENIR", "250.00", "0.00"),
    ]


async def test_instalments_filter_by_status_and_period(setting) -> None:
    api, _, token = setting
    overdue = await echeances(api, token, statut="EN_RETARD")
    assert [n["dateEcheance"] for n in overdue["nodes"]] == ["2026-11-05"]
    autumn = await echeances(api, token, du="2026-10-01", au="2026-11-30")
    assert [n["dateEcheance"] for n in autumn["nodes"]] == ["2026-10-05", "2026-11-05"]
    paid = await echeances(api, token, statut="PAYEE", du="2026-10-01")
    assert [n["dateEcheance"] for n in paid["nodes"]] == ["2026-10-05"]


async def test_instalments_page_with_cursors(setting) -> None:
    api, _, token = setting
    first = await echeances(api, token, first=3)
    assert (first["totalCount"], len(first["nodes"]), first["pageInfo"]["hasNextPage"]) == (
        4,
        3,
        True,
    )
    rest = await echeances(api, token, first=3, after=first["pageInfo"]["endCursor"])
    assert [n["dateEcheance"] for n in rest["nodes"]] == ["2026-12-05"]
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["pageInfo"]["endCursor"],
    }


@pytest.mark.parametrize(
    ("first", "after", "field"), [(101, None, "first"), (-1, None, "first"), (10, "bogus", "after")]
)
async def test_bad_page_arguments_are_bad_user_input_naming_the_argument(
    setting, first, after, field
) -> None:
    api, _, token = setting
    body = await api.post(ACCOUNT, {"first": first, "after": after}, token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field


async def test_the_summary_gives_the_balance_at_the_last_accounting_day(setting) -> None:
    api, _, token = setting
    data = await api.data(
        "{ me { travailleur { compte { dateArrete solde majorationsDeRetard montantEnRetard detail { annee mois appele paye reste } }"
        " paiements { totalCount nodes { datePaiement montant mode } } } } }",
        token=token,
    )
    travailleur = data["me"]["travailleur"]
    # Monday 23 November → last accounting day Friday 20 November.
    assert travailleur["compte"] == {
        "dateArrete": "2026-11-20",
        "solde": "250.00",
        "majorationsDeRetard": "13.00",
        "montantEnRetard": "250.00",
        "detail": [
            {"annee": 2026, "mois": 9, "appele": "250.00", "paye": "250.00", "reste": "0.00"},
            {"annee": 2026, "mois": 10, "appele": "250.00", "paye": "250.00", "reste": "0.00"},
            {"annee": 2026, "mois": 11, "appele": "250.00", "paye": "0.00", "reste": "250.00"},
        ],
    }
    assert travailleur["paiements"]["totalCount"] == 2
    assert travailleur["paiements"]["nodes"][0] == {
        "datePaiement": "2026-09-05",
        "montant": "250.00",
        "mode": "PRELEVEMENT",
    }


async def test_cotisations_show_provisional_definitive_and_regularisation_per_line(setting) -> None:
    api, world, token = setting
    provisional = engine.compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal("41570"))
    definitive = engine.compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal("43000"))
    async with api.session() as session:
        for nature, resultat, base in (
            (NatureCotisation.PROVISIONNELLE, provisional, "revenu déclaré 2024"),
            (NatureCotisation.DEFINITIVE, definitive, "revenu déclaré 2025"),
        ):
            session.add_all(
                cotisation_rows(
                    travailleur_id=world.assigned.id,
                    nature=nature,
                    resultat=resultat,
                    base_calcul=base,
                    date_calcul=date(2025, 6, 1),
                )
            )
        # What was called: the year's schedule on its provisional total.
        for plan in initial_schedule(2025, Periodicite.TRIMESTRIEL, provisional.total, None):
            session.add(
                models.Echeance(
                    travailleur_id=world.assigned.id,
                    annee=2025,
                    nature=plan.nature,
                    date_echeance=plan.date_echeance,
                    montant=plan.montant,
                    montant_paye=Decimal(0),
                    annulee=False,
                    rejets=0,
                    montant_reporte=Decimal(0),
                )
            )
        await session.commit()
    data = await api.data(
        "{ me { travailleur { ... on TravailleurClassique { taxationDOffice revenus { annee montant nature }"
        " cotisations(annee: 2025) { id annee baseProvisionnelle totalProvisionnel totalDefinitif regularisation"
        " ecarts { code provisionnel definitif regularisation } definitives { code montant explication } } } } } }",
        token=token,
    )
    travailleur = data["me"]["travailleur"]
    assert travailleur["taxationDOffice"] is False
    assert travailleur["revenus"] == [
        {"annee": 2024, "montant": "41570.00", "nature": "DECLARE"},
        {"annee": 2025, "montant": "43000.00", "nature": "DECLARE"},
    ]
    [year] = travailleur["cotisations"]
    assert year["totalProvisionnel"] == f"{provisional.total}.00"
    assert year["totalDefinitif"] == f"{definitive.total}.00"
    assert year["regularisation"] == f"{definitive.total - provisional.total}.00"
    assert year["baseProvisionnelle"] == "revenu déclaré 2024"
    retraite = next(e for e in year["ecarts"] if e["code"] == "RETRAITE_BASE")
    assert retraite == {
        "code": "RETRAITE_BASE",
        "provisionnel": "7379.00",  # 17.75 % × 41 570
        "definitif": "7633.00",  # 17.75 % × 43 000 = 7 632.50 → half up
        "regularisation": "254.00",
    }
    line = next(d for d in year["definitives"] if d["code"] == "RETRAITE_BASE")
    assert line["explication"] == definitive.ligne(engine.CotisationCode.RETRAITE_BASE).explication
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Cotisation { annee totalDefinitif } } }",
        {"id": year["id"]},
        token,
    )
    assert node["node"] == {"annee": 2025, "totalDefinitif": year["totalDefinitif"]}


async def test_the_worker_sees_bank_details_with_the_iban_masked(setting) -> None:
    api, world, token = setting
    async with api.session() as session:
        from gateway.db.models import CoordonneesBancaires

        session.add(
            CoordonneesBancaires(
                travailleur_id=world.assigned.id,
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                titulaire="Luc Bernard",
                reference_mandat_sepa="RUM-0001",
                date_signature=date(2020, 1, 2),
                actif=True,
            )
        )
        await session.commit()
    data = await api.data(
        "{ me { travailleur { prelevement { actif periodicite coordonneesBancaires { ibanMasque bic } } etablissements { siret siren principal } caisse { nom horaires } } } }",
        token=token,
    )
    travailleur = data["me"]["travailleur"]
    assert travailleur["prelevement"] == {
        "actif": True,
        "periodicite": "MENSUEL_5",
        "coordonneesBancaires": {"ibanMasque": "FR*********************0189", "bic": "AGRIFRPP"},
    }
    [etab] = travailleur["etablissements"]
    builders.assert_valid_identifiers(world.assigned.nir, etab["siret"])
    assert etab["siren"] == etab["siret"][:9] and etab["principal"] is True
    assert travailleur["caisse"] == {
        "nom": "Urssaf Île-de-France",
        "horaires": "Du lundi au vendredi, 8h30–17h00",
    }


async def test_a_micro_entrepreneur_is_typed_apart_and_has_no_echeances(db: Database) -> None:
    from domain.micro import ActiviteMicro
    from domain.nomenclatures import Regime

    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(session, caisse_id=caisse.id, regime=Regime.MICRO)
            worker.activite_micro = ActiviteMicro.BIC_SERVICES
            await session.commit()
        token = await api.login(worker.nir, WORKER_PASSWORD)
        data = await api.data(
            "{ me { travailleur { __typename regime ... on MicroEntrepreneur { activite declarations { totalCount nodes { periode } } } } } }",
            token=token,
        )
        assert data["me"]["travailleur"] == {
            "__typename": "MicroEntrepreneur",
            "regime": "MICRO",
            "activite": "BIC_SERVICES",
            "declarations": {"totalCount": 0, "nodes": []},
        }
        body = await api.post(
            "{ me { travailleur { ... on MicroEntrepreneur { echeances { totalCount } } } } }",
            token=token,
        )
        assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_micro_entrepreneurs_balance_is_declarations_due_minus_payments(
    db: Database,
) -> None:
    from domain.micro import ActiviteMicro
    from domain.nomenclatures import Regime
    from gateway.db.models import DeclarationMicro

    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(session, caisse_id=caisse.id, regime=Regime.MICRO)
            for periode, due, ca, cot, cfp in (
                ("2026-08", date(2026, 9, 30), "5000", "1060", "5.00"),
                ("2026-09", date(2026, 10, 31), "4000", "848", "4.00"),
            ):
                session.add(
                    DeclarationMicro(
                        travailleur_id=worker.id,
                        periode=periode,
                        activite=ActiviteMicro.BIC_SERVICES,
                        chiffre_affaires=Decimal(ca),
                        taux=Decimal("21.2"),
                        cotisations=Decimal(cot),
                        formation_professionnelle=Decimal(cfp),
                        date_declaration=due,
                        date_exigibilite=due,
                    )
                )
            await builders.paiement(
                session,
                travailleur_id=worker.id,
                date_paiement=date(2026, 9, 30),
                montant=Decimal("1065.00"),
            )
            await session.commit()
        token = await api.login(worker.nir, WORKER_PASSWORD)
        data = await api.data(
            "{ me { travailleur { compte { solde montantEnRetard majorationsDeRetard } ... on MicroEntrepreneur { declarations(first: 1) { totalCount nodes { periode } } } } } }",
            token=token,
        )
    travailleur = data["me"]["travailleur"]
    # September's 852 € was due 31 October and is unpaid: 5 % + 0.2 % × 1 month.
    assert travailleur["compte"] == {
        "solde": "852.00",
        "montantEnRetard": "852.00",
        "majorationsDeRetard": "44.30",
    }
    assert travailleur["declarations"] == {"totalCount": 2, "nodes": [{"periode": "2026-09"}]}
