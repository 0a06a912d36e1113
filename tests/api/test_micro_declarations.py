"""declareChiffreAffaires through the API (SPEC §7): amounts, due dates, refusals, balance."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.micro import ActiviteMicro
from domain.nomenclatures import PeriodiciteDeclaration, Regime, Role, StatutProfessionnel
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import Api, api_for
from tests.conftest import Database

TODAY = date(2026, 11, 23)  # a Monday: the last accounting day is Friday 20 November
WORKER_PASSWORD = "secret-travailleur"
STAFF_PASSWORD = "secret-utilisateur"
DECLARE = """mutation($input: DeclareChiffreAffairesInput!) {
  declareChiffreAffaires(input: $input) {
    declaration {
      periode dateDebut dateFin dateDeclaration dateExigibilite
      chiffreAffaires totalCotisations formationProfessionnelle total
      lignes { activite libelle chiffreAffaires taux cotisations formationProfessionnelle explication }
    }
    travailleur { ... on MicroEntrepreneur { declarations { totalCount } } }
    userErrors { field message code }
  }
}"""


@dataclass
class MicroWorld:
    api: Api
    caisse: models.Caisse
    micro: models.Travailleur  # artisan, BIC services, monthly; mandated to Cabinet Alpha
    other: models.Travailleur  # another micro-entrepreneur of the caisse
    classique: models.Travailleur


async def micro_worker(
    session,
    caisse_id: int,
    *,
    statut: StatutProfessionnel = StatutProfessionnel.ARTISAN,
    activite: ActiviteMicro = ActiviteMicro.BIC_SERVICES,
    periodicite: PeriodiciteDeclaration = PeriodiciteDeclaration.MENSUELLE,
    nom: str = "Lefèvre",
) -> models.Travailleur:
    worker = await builders.travailleur(
        session, caisse_id=caisse_id, regime=Regime.MICRO, statut=statut, nom=nom
    )
    worker.activite_micro, worker.periodicite_declaration = activite, periodicite
    worker.profession = "Dépanneur informatique"
    await session.flush()
    return worker


async def build_micro_world(api: Api) -> MicroWorld:
    async with api.session() as session:
        caisse = await builders.caisse(session)
        micro = await micro_worker(session, caisse.id)
        other = await micro_worker(session, caisse.id, nom="Garnier")
        classique = await builders.travailleur(session, caisse_id=caisse.id, nom="Moreau")
        alpha = await builders.cabinet(session, nom="Cabinet Alpha")
        beta = await builders.cabinet(session, nom="Cabinet Beta")
        for identifiant, cabinet in (("admin@alpha.fr", alpha), ("admin@beta.fr", beta)):
            await builders.user(
                session,
                identifiant=identifiant,
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=cabinet.id,
                administrateur_cabinet=True,
            )
        collab = await builders.user(
            session, identifiant="collab@alpha.fr", role=Role.EXPERT_COMPTABLE, cabinet_id=alpha.id
        )
        await builders.mandat(session, cabinet_id=alpha.id, travailleur_id=micro.id)
        await builders.mandat(
            session, cabinet_id=alpha.id, travailleur_id=other.id, assigned_to=collab.id
        )
        await builders.user(
            session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
        )
        await session.commit()
    return MicroWorld(api, caisse, micro, other, classique)


def declare_input(worker: models.Travailleur, periode: str, *montants, **extra) -> dict:
    return {
        "input": {
            "travailleurId": encode_global_id("Travailleur", worker.id),
            "periode": periode,
            "montants": [{"activite": a, "montant": m} for a, m in montants],
            **extra,
        }
    }


async def declared_rows(api: Api) -> list[tuple]:
    """Every declaration row: what a refusal must leave untouched."""
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.DeclarationMicro.travailleur_id,
                models.DeclarationMicro.periode,
                models.DeclarationMicro.activite,
                models.DeclarationMicro.chiffre_affaires,
                models.DeclarationMicro.cotisations,
                models.DeclarationMicro.formation_professionnelle,
            ).order_by(models.DeclarationMicro.id)
        )
        return [tuple(r) for r in rows]


@pytest.fixture
async def world(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_micro_world(api)


async def login(world: MicroWorld, worker: models.Travailleur | None = None) -> str:
    return await world.api.login((worker or world.micro).nir, WORKER_PASSWORD)


async def test_a_monthly_declaration_computes_contributions_and_cfp_due_at_the_end_of_next_month(
    world: MicroWorld,
) -> None:
    token = await login(world)
    variables = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "4850.50"))
    data = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    assert data["userErrors"] == []
    # 21.2 % × 4 850.50 = 1 028.31 → 1 028 €; CFP of an artisan: 0.3 % → 14.5515 → 14.55 €.
    assert data["declaration"] == {
        "periode": "2026-10",
        "dateDebut": "2026-10-01",
        "dateFin": "2026-10-31",
        "dateDeclaration": "2026-11-23",
        "dateExigibilite": "2026-11-30",
        "chiffreAffaires": "4850.50",
        "totalCotisations": "1028.00",
        "formationProfessionnelle": "14.55",
        "total": "1042.55",
        "lignes": [
            {
                "activite": "BIC_SERVICES",
                "libelle": "Prestations de services commerciales ou artisanales (BIC)",
                "chiffreAffaires": "4850.50",
                "taux": "21.20",
                "cotisations": "1028.00",
                "formationProfessionnelle": "14.55",
                "explication": "chiffre d'affaires 4 850,50 € × 21,2 % = 1 028 €",
            }
        ],
    }
    assert data["travailleur"] == {"declarations": {"totalCount": 1}}
    async with world.api.session() as session:
        row = (await session.scalars(select(models.DeclarationMicro))).one()
        assert (row.date_declaration, row.date_exigibilite, row.taux) == (
            TODAY,
            date(2026, 11, 30),
            Decimal("21.2"),
        )
        audit = (
            await session.scalars(
                select(models.EvenementAudit).where(
                    models.EvenementAudit.operation == "declareChiffreAffaires"
                )
            )
        ).one()
        assert (audit.issue.value, audit.travailleur_id) == ("SUCCES", world.micro.id)


async def test_a_quarterly_declaration_of_several_activities_splits_the_cfp_rounded_once(
    world: MicroWorld,
) -> None:
    async with world.api.session() as session:
        worker = await micro_worker(
            session,
            world.caisse.id,
            statut=StatutProfessionnel.COMMERCANT,
            activite=ActiviteMicro.BIC_VENTE,
            periodicite=PeriodiciteDeclaration.TRIMESTRIELLE,
            nom="Fabre",
        )
        await session.commit()
    token = await login(world, worker)
    variables = declare_input(
        worker,
        "2026-T3",
        ("BNC", "1234.56"),
        ("BIC_VENTE", "12000"),
        ("BIC_SERVICES", "3333.33"),
    )
    data = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    declaration = data["declaration"]
    assert [
        (ligne["activite"], ligne["taux"], ligne["cotisations"], ligne["formationProfessionnelle"])
        for ligne in declaration["lignes"]
    ] == [
        ("BIC_VENTE", "12.30", "1476.00", "12.00"),  # 12.3 % × 12 000; CFP 0.1 %
        ("BIC_SERVICES", "21.20", "707.00", "3.33"),  # 706.67 → 707; CFP 0.1 %
        ("BNC", "26.10", "322.00", "2.47"),  # 322.22 → 322; CFP 0.2 %
    ]
    # CFP on the whole turnover: 12 + 3.33333 + 2.46912 = 17.80245 → 17.80 €.
    assert (
        declaration["dateDebut"],
        declaration["dateFin"],
        declaration["dateExigibilite"],
        declaration["chiffreAffaires"],
        declaration["totalCotisations"],
        declaration["formationProfessionnelle"],
        declaration["total"],
    ) == ("2026-07-01", "2026-09-30", "2026-10-31", "16567.89", "2505.00", "17.80", "2522.80")


async def test_the_bnc_rate_is_the_one_in_force_on_the_first_day_switching_in_july_2024(
    world: MicroWorld,
) -> None:
    async with world.api.session() as session:
        worker = await micro_worker(
            session, world.caisse.id, activite=ActiviteMicro.BNC, nom="Lambert"
        )
        await session.commit()
    token = await login(world, worker)
    totals = {}
    for periode in ("2024-06", "2024-07", "2025-01"):
        variables = declare_input(worker, periode, ("BNC", "5000"))
        declaration = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"][
            "declaration"
        ]
        ligne = declaration["lignes"][0]
        totals[periode] = (
            ligne["taux"],
            ligne["cotisations"],
            declaration["formationProfessionnelle"],
            declaration["dateExigibilite"],
        )
    assert totals == {
        "2024-06": ("21.10", "1055.00", "10.00", "2024-07-31"),
        "2024-07": ("23.10", "1155.00", "10.00", "2024-08-31"),
        "2025-01": ("24.60", "1230.00", "10.00", "2025-02-28"),
    }


@pytest.mark.parametrize(
    ("periode", "montants", "field", "code"),
    [
        ("2026-13", [("BIC_SERVICES", "100")], ["input", "periode"], "PERIODE_INVALIDE"),
        ("octobre", [("BIC_SERVICES", "100")], ["input", "periode"], "PERIODE_INVALIDE"),
        ("2026-12", [("BIC_SERVICES", "100")], ["input", "periode"], "PERIODE_FUTURE"),
        ("2026-11", [("BIC_SERVICES", "100")], ["input", "periode"], "PERIODE_EN_COURS"),
        ("2026-T3", [("BIC_SERVICES", "100")], ["input", "periode"], "PERIODICITE_INCORRECTE"),
        ("2022-12", [("BIC_SERVICES", "100")], ["input", "periode"], "BAREME_INTROUVABLE"),
        ("2026-10", [], ["input", "montants"], "AUCUNE_ACTIVITE"),
        (
            "2026-10",
            [("BIC_SERVICES", "100"), ("BIC_SERVICES", "50")],
            ["input", "montants", "1", "activite"],
            "ACTIVITE_EN_DOUBLE",
        ),
        (
            "2026-10",
            [("BIC_SERVICES", "-100")],
            ["input", "montants", "0", "montant"],
            "MONTANT_NEGATIF",
        ),
    ],
)
async def test_a_bad_declaration_is_refused_naming_the_field_and_changes_nothing(
    world: MicroWorld, periode: str, montants: list, field: list, code: str
) -> None:
    token = await login(world)
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-09", ("BIC_SERVICES", "800")), token
    )
    before = await declared_rows(world.api)
    data = (await world.api.data(DECLARE, declare_input(world.micro, periode, *montants), token))[
        "declareChiffreAffaires"
    ]
    assert data["declaration"] is None
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [(field, code)]
    assert await declared_rows(world.api) == before


async def test_a_period_is_declared_once_even_with_another_activity(world: MicroWorld) -> None:
    token = await login(world)
    first = declare_input(world.micro, "2026-10", ("BIC_SERVICES", "4850.50"))
    await world.api.data(DECLARE, first, token)
    before = await declared_rows(world.api)
    again = declare_input(world.micro, "2026-10", ("BIC_VENTE", "300"))
    data = (await world.api.data(DECLARE, again, token))["declareChiffreAffaires"]
    assert data["userErrors"] == [
        {
            "field": ["input", "periode"],
            "message": "La période 2026-10 est déjà déclarée : une période ne se déclare qu'une fois.",
            "code": "DEJA_DECLAREE",
        }
    ]
    assert await declared_rows(world.api) == before


async def test_a_quarter_overlapping_a_month_declared_before_a_change_of_periodicity_is_refused(
    world: MicroWorld,
) -> None:
    token = await login(world)
    await world.api.data(
        DECLARE, declare_input(world.micro, "2026-08", ("BIC_SERVICES", "900")), token
    )
    async with world.api.session() as session:
        row = await session.get(models.Travailleur, world.micro.id)
        row.periodicite_declaration = PeriodiciteDeclaration.TRIMESTRIELLE
        await session.commit()
    data = (
        await world.api.data(
            DECLARE, declare_input(world.micro, "2026-T3", ("BIC_SERVICES", "2700")), token
        )
    )["declareChiffreAffaires"]
    assert [(e["code"], e["message"]) for e in data["userErrors"]] == [
        (
            "DEJA_DECLAREE",
            "La période 2026-T3 recouvre 2026-08, déclarée : une période ne se déclare qu'une fois.",
        )
    ]


async def test_periods_outside_the_activity_are_refused(world: MicroWorld) -> None:
    async with world.api.session() as session:
        row = await session.get(models.Travailleur, world.micro.id)
        row.date_debut_activite, row.date_fin_activite = date(2026, 3, 16), date(2026, 8, 31)
        await session.commit()
    token = await login(world)
    codes = {}
    for periode in ("2026-02", "2026-03", "2026-08", "2026-09"):
        data = (
            await world.api.data(
                DECLARE, declare_input(world.micro, periode, ("BIC_SERVICES", "100")), token
            )
        )["declareChiffreAffaires"]
        codes[periode] = [e["code"] for e in data["userErrors"]]
    assert codes == {
        "2026-02": ["AVANT_DEBUT_ACTIVITE"],
        "2026-03": [],
        "2026-08": [],
        "2026-09": ["APRES_FIN_ACTIVITE"],
    }


async def test_a_worker_under_the_regime_classique_cannot_declare_turnover(
    world: MicroWorld,
) -> None:
    token = await login(world, world.classique)
    data = (
        await world.api.data(
            DECLARE, declare_input(world.classique, "2026-10", ("BIC_SERVICES", "100")), token
        )
    )["declareChiffreAffaires"]
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "message": (
                "Seuls les micro-entrepreneurs déclarent un chiffre d'affaires : déclarez votre "
                "revenu professionnel annuel (declareRevenu)."
            ),
            "code": "REGIME_CLASSIQUE",
        }
    ]
    assert await declared_rows(world.api) == []


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_declaration(
    world: MicroWorld,
) -> None:
    token = await login(world)
    variables = declare_input(
        world.micro, "2026-10", ("BIC_SERVICES", "4850.50"), idempotencyKey="ca-2026-10"
    )
    first = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    retry = (await world.api.data(DECLARE, variables, token))["declareChiffreAffaires"]
    assert retry == first
    assert retry["userErrors"] == []
    assert len(await declared_rows(world.api)) == 1


async def test_concurrent_declarations_of_one_period_leave_exactly_one(db: Database) -> None:
    async with api_for(db, today=TODAY) as api:
        world = await build_micro_world(api)
        token = await login(world)
        activites = ["BIC_VENTE", "BIC_SERVICES", "BNC", "BIC_SERVICES"]
        results = await asyncio.gather(
            *(
                api.data(DECLARE, declare_input(world.micro, "2026-10", (a, "1000")), token)
                for a in activites
            )
        )
        codes = sorted(
            [e["code"] for e in r["declareChiffreAffaires"]["userErrors"]] for r in results
        )
        assert codes == [[], ["DEJA_DECLAREE"], ["DEJA_DECLAREE"], ["DEJA_DECLAREE"]]
        assert len(await declared_rows(api)) == 1
