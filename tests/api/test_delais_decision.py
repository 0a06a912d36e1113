"""Pending payment-plan requests and the agent's decision, through the API (SPEC §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import compte as compte_rules
from domain.echeancier import Instalment
from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for, error_codes
from tests.api.delais_support import (
    ACCOUNT,
    DECIDE,
    MENSUALITE,
    OVERDUE_DATES,
    TODAY,
    Setting,
    build_setting,
    euros,
    plans,
    request_plan,
    stored,
)
from tests.conftest import Database


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


def majorations_on(due: str, today: date = TODAY) -> Decimal:
    return compte_rules.majorations(Instalment(1, date.fromisoformat(due), MENSUALITE), today)


async def outbox(s: Setting) -> list[tuple[str, str, str]]:
    async with s.api.session() as session:
        rows = await session.scalars(
            select(models.CourrielSortant).order_by(models.CourrielSortant.id)
        )
        return [(m.destinataire, m.sujet, m.corps) for m in rows]


# --- pending requests and the agent's decision -------------------------------------------


async def test_13_to_24_instalments_wait_for_an_agent_and_majorations_still_apply(
    s: Setting,
) -> None:
    data = await request_plan(s, nombreEcheances=18)
    plan = data["delaiPaiement"]
    assert (plan["statut"], plan["dateDecision"], len(plan["echeances"])) == ("DEMANDE", None, 18)
    assert {e["exoneree"] for e in plan["echeancesCouvertes"]} == {False}
    account = (await s.api.data(ACCOUNT, {"id": s.gid}, s.token))["node"]["compte"]
    assert account["majorationsDeRetard"] == euros(
        sum((majorations_on(d) for d in OVERDUE_DATES), Decimal(0))
    )
    [(_, subject, body)] = await outbox(s)
    assert subject == "Votre demande de délai de paiement est à l'étude"
    assert "dépasse 12 mensualités : un agent de la caisse va l'étudier" in body


async def test_an_agent_accepts_a_pending_request(s: Setting) -> None:
    plan = (await request_plan(s, nombreEcheances=18))["delaiPaiement"]
    decided = (
        await s.api.data(DECIDE, {"i": {"delaiId": plan["id"], "decision": "ACCEPTER"}}, s.agent)
    )["decideDelaiPaiement"]
    assert decided["userErrors"] == []
    assert {
        k: decided["delaiPaiement"][k] for k in ("statut", "dateDecision", "motifDecision")
    } == {
        "statut": "ACCEPTE",
        "dateDecision": "2026-06-10",
        "motifDecision": None,
    }
    assert {e["exoneree"] for e in decided["delaiPaiement"]["echeancesCouvertes"]} == {True}
    account = (await s.api.data(ACCOUNT, {"id": s.gid}, s.token))["node"]["compte"]
    assert account["majorationsDeRetard"] == "0.00"
    assert (await outbox(s))[-1][1] == "Votre délai de paiement est accordé"


async def test_an_agent_refuses_a_pending_request_with_a_reason(s: Setting) -> None:
    plan = (await request_plan(s, nombreEcheances=24))["delaiPaiement"]
    variables = {
        "i": {"delaiId": plan["id"], "decision": "REFUSER", "motif": "Capacité insuffisante"}
    }
    decided = (await s.api.data(DECIDE, variables, s.agent))["decideDelaiPaiement"]
    assert {
        k: decided["delaiPaiement"][k] for k in ("statut", "dateDecision", "motifDecision")
    } == {
        "statut": "REFUSE",
        "dateDecision": "2026-06-10",
        "motifDecision": "Capacité insuffisante",
    }
    to, subject, body = (await outbox(s))[-1]
    assert (to, subject) == (s.worker.courriel, "Votre demande de délai de paiement est refusée")
    assert "Motif : Capacité insuffisante" in body
    # A refused request is no plan in progress: the worker may ask again.
    assert (await request_plan(s))["delaiPaiement"]["statut"] == "ACCEPTE"


async def test_a_refusal_needs_a_reason_and_changes_nothing_without_one(s: Setting) -> None:
    plan = (await request_plan(s, nombreEcheances=18))["delaiPaiement"]
    before = await stored(s.api)
    variables = {"i": {"delaiId": plan["id"], "decision": "REFUSER", "motif": " "}}
    decided = (await s.api.data(DECIDE, variables, s.agent))["decideDelaiPaiement"]
    assert decided == {
        "delaiPaiement": None,
        "userErrors": [
            {
                "field": ["input", "motif"],
                "code": "MOTIF_REQUIS",
                "message": "Indiquez le motif de la demande.",
            }
        ],
    }
    assert await stored(s.api) == before


async def test_only_a_pending_request_can_be_decided(s: Setting) -> None:
    plan = (await request_plan(s))["delaiPaiement"]
    before = await stored(s.api)
    variables = {"i": {"delaiId": plan["id"], "decision": "REFUSER", "motif": "Non"}}
    decided = (await s.api.data(DECIDE, variables, s.agent))["decideDelaiPaiement"]
    assert decided["userErrors"] == [
        {
            "field": ["input", "delaiId"],
            "code": "DELAI_DEJA_DECIDE",
            "message": "Seule une demande en attente peut être décidée : ce délai est au "
            "statut ACCEPTE.",
        }
    ]
    assert await stored(s.api) == before


async def test_only_agents_of_the_workers_caisse_decide(s: Setting) -> None:
    plan = (await request_plan(s, nombreEcheances=18))["delaiPaiement"]
    variables = {"i": {"delaiId": plan["id"], "decision": "ACCEPTER"}}
    for token in (s.token, s.accountant):
        body = await s.api.post(DECIDE, variables, token)
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["errors"][0]["message"] == "Opération réservée aux rôles : AGENT."
    async with s.api.session() as session:
        elsewhere = await builders.caisse(session, code="BRE", region="Bretagne")
        await builders.user(
            session, identifiant="agent@bretagne.fr", role=Role.AGENT, caisse_id=elsewhere.id
        )
        await session.commit()
    outsider = await s.api.login("agent@bretagne.fr", "secret-utilisateur")
    for delai_id in (plan["id"], encode_global_id("DelaiPaiement", 999999), "n'importe quoi"):
        body = await s.api.data(DECIDE, {"i": {**variables["i"], "delaiId": delai_id}}, outsider)
        assert body["decideDelaiPaiement"]["userErrors"] == [
            {
                "field": ["input", "delaiId"],
                "code": "NOT_FOUND",
                "message": "Aucun délai de paiement ne correspond à cet identifiant.",
            }
        ]
    assert [p["statut"] for p in await plans(s)] == ["DEMANDE"]
