"""Asking for a payment plan, and an agent's decision, through the API (SPEC §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import compte as compte_rules
from domain.delais import plan_instalments
from domain.echeancier import Instalment
from domain.nomenclatures import IssueAudit, NatureRevenu, Regime, Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for, error_codes
from tests.api.delais_support import (
    ACCOUNT,
    MENSUALITE,
    OVERDUE,
    OVERDUE_DATES,
    REQUEST,
    TODAY,
    Setting,
    build_setting,
    euros,
    overdue_ids,
    plans,
    request_plan,
    stored,
)
from tests.conftest import Database

ALL_INSTALMENTS = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  echeances(first: 20) { nodes { id dateEcheance } } } } }"""


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


def schedule(montant: Decimal, count: int, first: date) -> list[dict]:
    return [
        {
            "numero": n,
            "dateEcheance": e.date_echeance.isoformat(),
            "montant": euros(e.montant),
            "montantPaye": "0.00",
        }
        for n, e in enumerate(plan_instalments(montant, count, first), start=1)
    ]


def majorations_on(due: str, today: date = TODAY) -> Decimal:
    return compte_rules.majorations(Instalment(1, date.fromisoformat(due), MENSUALITE), today)


async def instalment_id(s: Setting, due: str) -> str:
    data = await s.api.data(ALL_INSTALMENTS, {"id": s.gid}, s.token)
    return next(e["id"] for e in data["node"]["echeances"]["nodes"] if e["dateEcheance"] == due)


async def outbox(s: Setting) -> list[tuple[str, str, str]]:
    async with s.api.session() as session:
        rows = await session.scalars(
            select(models.CourrielSortant).order_by(models.CourrielSortant.id)
        )
        return [(m.destinataire, m.sujet, m.corps) for m in rows]


# --- accepted at once ------------------------------------------------------------------


async def test_a_plan_of_up_to_12_instalments_is_accepted_at_once(s: Setting) -> None:
    data = await request_plan(s)
    assert data["userErrors"] == []
    plan = data["delaiPaiement"]
    assert {k: plan[k] for k in ("statut", "dateDemande", "montant", "dateDecision", "motif")} == {
        "statut": "ACCEPTE",
        "dateDemande": "2026-06-10",
        "montant": euros(OVERDUE),
        "dateDecision": "2026-06-10",
        "motif": "Baisse d'activité après un sinistre",
    }
    assert plan["echeances"] == schedule(OVERDUE, 4, date(2026, 7, 10))
    assert plan["echeancesCouvertes"] == [
        {"dateEcheance": d, "resteDu": euros(MENSUALITE), "exoneree": True} for d in OVERDUE_DATES
    ]
    assert (plan["montantPaye"], plan["dateCloture"], plan["remplace"]) == ("0.00", None, None)
    assert await plans(s) == [plan]


async def test_the_worker_is_told_by_email_with_the_plan_schedule(s: Setting) -> None:
    await request_plan(s)
    [(to, subject, body)] = await outbox(s)
    assert (to, subject) == (s.worker.courriel, "Votre délai de paiement est accordé")
    assert f"Votre délai de paiement de {OVERDUE} € en 4 mensualités est accordé." in body
    assert f"  - 10/07/2026 : {MENSUALITE} €\n" in body
    assert f"  - 10/10/2026 : {MENSUALITE} €" in body
    assert "Une mensualité impayée 30 jours après sa date entraîne la dénonciation" in body


async def test_instalments_under_a_respected_plan_carry_no_majorations(s: Setting) -> None:
    before = (await s.api.data(ACCOUNT, {"id": s.gid}, s.token))["node"]
    expected = [majorations_on(d) for d in OVERDUE_DATES]
    assert [e["majorations"] for e in before["echeances"]["nodes"]] == [euros(m) for m in expected]
    assert before["compte"] == {
        "majorationsDeRetard": euros(sum(expected, Decimal(0))),
        "montantEnRetard": euros(OVERDUE),
    }
    await request_plan(s)
    after = (await s.api.data(ACCOUNT, {"id": s.gid}, s.token))["node"]
    assert after["compte"] == {"majorationsDeRetard": "0.00", "montantEnRetard": euros(OVERDUE)}
    assert [
        (e["majorations"], e["exoneree"], e["delaiPaiement"]) for e in after["echeances"]["nodes"]
    ] == [("0.00", True, {"statut": "ACCEPTE"})] * 4


async def test_a_mandated_accountant_asks_for_a_plan_for_the_client(s: Setting) -> None:
    data = await request_plan(s, token=s.accountant, nombreEcheances=12)
    assert data["userErrors"] == []
    assert (data["delaiPaiement"]["statut"], len(data["delaiPaiement"]["echeances"])) == (
        "ACCEPTE",
        12,
    )


async def test_the_first_instalment_may_fall_60_days_after_the_request(s: Setting) -> None:
    data = await request_plan(s, premiereEcheance="2026-08-09", nombreEcheances=1)
    assert data["delaiPaiement"]["echeances"] == schedule(OVERDUE, 1, date(2026, 8, 9))


async def test_a_retry_with_the_same_key_returns_the_same_plan_and_changes_nothing_more(
    s: Setting,
) -> None:
    first = await request_plan(s, idempotencyKey="plan-1")
    again = await request_plan(s, idempotencyKey="plan-1")
    assert again == first
    assert len(await plans(s)) == 1
    assert len(await outbox(s)) == 1


async def test_a_request_is_audited_with_its_result(s: Setting) -> None:
    await request_plan(s)
    await request_plan(s)  # refused: a plan is in progress
    async with s.api.session() as session:
        events = (
            await session.scalars(
                select(models.EvenementAudit)
                .where(models.EvenementAudit.operation == "requestDelaiPaiement")
                .order_by(models.EvenementAudit.id)
            )
        ).all()
    assert [(e.issue, e.travailleur_id, e.role) for e in events] == [
        (IssueAudit.SUCCES, s.worker.id, Role.TRAVAILLEUR),
        (IssueAudit.REFUS, None, Role.TRAVAILLEUR),
    ]


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"nombreEcheances": 25},
            "nombreEcheances",
            "NOMBRE_ECHEANCES_TROP_ELEVE",
            "Un délai de paiement ne peut pas dépasser 24 échéances (25 demandées).",
        ),
        (
            {"nombreEcheances": 0},
            "nombreEcheances",
            "NOMBRE_ECHEANCES_INVALIDE",
            "Le nombre d'échéances doit être d'au moins 1.",
        ),
        (
            {"premiereEcheance": "2026-06-09"},
            "premiereEcheance",
            "PREMIERE_ECHEANCE_PASSEE",
            "La date de la première échéance ne peut pas être dans le passé.",
        ),
        (
            {"premiereEcheance": "2026-08-10"},
            "premiereEcheance",
            "PREMIERE_ECHEANCE_TROP_LOINTAINE",
            "La première échéance doit intervenir dans les 60 jours suivant la demande, soit "
            "au plus tard le 09/08/2026.",
        ),
        (
            {"echeanceIds": []},
            "echeanceIds",
            "AUCUNE_ECHEANCE",
            "Indiquez au moins une échéance en retard à couvrir.",
        ),
        (
            {"motif": "   "},
            "motif",
            "MOTIF_REQUIS",
            "Indiquez le motif de la demande.",
        ),
        (
            {"motif": "x" * 2001},
            "motif",
            "MOTIF_TROP_LONG",
            "Le motif ne peut pas dépasser 2000 caractères.",
        ),
        (
            {"echeanceIds": [encode_global_id("Echeance", 999999)]},
            "echeanceIds",
            "NOT_FOUND",
            f"Aucune échéance ne correspond à l'identifiant « {encode_global_id('Echeance', 999999)} ».",
        ),
    ],
)
async def test_a_bad_request_is_refused_naming_the_field_and_changes_nothing(
    s: Setting, overrides: dict, field: str, code: str, message: str
) -> None:
    before = await stored(s.api)
    data = await request_plan(s, **overrides)
    assert data == {
        "delaiPaiement": None,
        "userErrors": [{"field": ["input", field], "message": message, "code": code}],
    }
    assert await stored(s.api) == before


@pytest.mark.parametrize("due", ["2026-07-05", "2026-02-05"])
async def test_only_overdue_unpaid_instalments_can_be_covered(s: Setting, due: str) -> None:
    extra = await instalment_id(s, due)
    data = await request_plan(s, echeanceIds=[*await overdue_ids(s), extra])
    day = date.fromisoformat(due).strftime("%d/%m/%Y")
    assert data["userErrors"] == [
        {
            "field": ["input", "echeanceIds"],
            "code": "ECHEANCE_NON_EXIGIBLE",
            "message": "Seules des échéances en retard et impayées peuvent faire l'objet d'un "
            f"délai (échéances du {day}).",
        }
    ]


async def test_another_workers_instalment_is_not_found(s: Setting) -> None:
    async with s.api.session() as session:
        foreign = await builders.echeance(
            session, travailleur_id=s.other.id, date_echeance=date(2026, 4, 5), montant=MENSUALITE
        )
        await session.commit()
    data = await request_plan(s, echeanceIds=[encode_global_id("Echeance", foreign.id)])
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "echeanceIds"], "NOT_FOUND")
    ]


async def test_a_request_is_refused_while_a_past_income_is_undeclared(s: Setting) -> None:
    async with s.api.session() as session:
        revenu = await session.scalar(
            select(models.Revenu).where(
                models.Revenu.travailleur_id == s.worker.id,
                models.Revenu.annee == 2024,
                models.Revenu.nature == NatureRevenu.DECLARE,
            )
        )
        await session.delete(revenu)
        await session.commit()
    before = await stored(s.api)
    data = await request_plan(s)
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "REVENUS_NON_DECLARES",
            "message": "Tous vos revenus passés doivent être déclarés avant de demander un "
            "délai de paiement (non déclarés : 2024).",
        }
    ]
    assert await stored(s.api) == before


@pytest.mark.parametrize("count", [4, 18])
async def test_a_second_plan_is_refused_while_one_is_in_progress(s: Setting, count: int) -> None:
    await request_plan(s, nombreEcheances=count)
    before = await stored(s.api)
    data = await request_plan(s)
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "DELAI_EN_COURS",
            "message": "Un autre délai de paiement est déjà en cours : renégociez-le plutôt.",
        }
    ]
    assert await stored(s.api) == before


async def test_a_micro_entrepreneur_has_no_instalments_to_cover(s: Setting) -> None:
    async with s.api.session() as session:
        micro = await builders.travailleur(
            session, caisse_id=s.worker.caisse_id, regime=Regime.MICRO, nom="Micro"
        )
        await session.commit()
    token = await s.api.login(micro.nir, "secret-travailleur")
    data = await request_plan(
        s, token=token, travailleurId=encode_global_id("Travailleur", micro.id)
    )
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "travailleurId"], "REGIME_MICRO")
    ]


# --- who may ask -------------------------------------------------------------------------


async def test_another_worker_cannot_ask_for_a_plan_on_this_account(s: Setting) -> None:
    ids = await overdue_ids(s)
    token = await s.api.login(s.other.nir, "secret-travailleur")
    data = await request_plan(s, token=token, echeanceIds=ids)
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "NOT_FOUND",
            "message": "Aucun travailleur ne correspond à cet identifiant.",
        }
    ]
    assert await plans(s) == []


async def test_an_agent_decides_but_does_not_ask(s: Setting) -> None:
    ids = await overdue_ids(s)
    variables = {
        "i": {
            "travailleurId": s.gid,
            "echeanceIds": ids,
            "nombreEcheances": 4,
            "premiereEcheance": "2026-07-10",
            "motif": "x",
        }
    }
    body = await s.api.post(REQUEST, variables, s.agent)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == (
        "Opération réservée aux rôles : TRAVAILLEUR, EXPERT_COMPTABLE."
    )
    anonymous = await s.api.post(REQUEST, variables)
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert await plans(s) == []
