"""The event model: one event per effective change, in the change's transaction;
none for a refused or previewed mutation; numbered gap-free in commit order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.nomenclatures import Role
from gateway.db import models
from gateway.events.models import Evenement
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
PAY = """mutation($id: ID!, $m: Decimal!, $d: Date!, $k: String) {
  recordPaiement(input: {travailleurId: $id, montant: $m, datePaiement: $d, mode: VIREMENT,
                         idempotencyKey: $k}) {
    userErrors { field code }
  }
}"""
ESTIMATE = """mutation($id: ID!, $m: Decimal!, $p: Boolean!) {
  estimateRevenue(input: {travailleurId: $id, annee: 2026, montant: $m, courriel: "a@b.fr",
                          jaiEteInforme: true, previsualisation: $p}) {
    userErrors { field code }
  }
}"""
FEED = """query($depuis: String, $types: [TypeEvenement!], $first: Int!) {
  evenements(depuis: $depuis, types: $types, first: $first) {
    nodes { id sequence type travailleurId objetIds donnees { montant annee datePaiement }
            objets { id } travailleur { id } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2025: Decimal("43000")},
                paid_until=date(2026, 5, 1),
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        agent = await api.login("agent@caisse.fr", "secret-utilisateur")
        yield api, worker, agent


async def stored(api) -> list[Evenement]:
    async with api.session() as session:
        return list(await session.scalars(select(Evenement).order_by(Evenement.sequence)))


async def test_a_payment_writes_one_event_and_the_feed_shows_it(setting):
    api, worker, agent = setting
    before = await stored(api)
    gid = encode_global_id("Travailleur", worker.id)
    variables = {"id": gid, "m": "100.00", "d": "2026-06-09", "k": "pay-1"}
    body = await api.data(PAY, variables, agent)
    assert body["recordPaiement"]["userErrors"] == []
    # A retry with the same key changes nothing more: no second event.
    await api.data(PAY, variables, agent)
    after = await stored(api)
    new = after[len(before) :]
    assert [(e.type, e.travailleur_id) for e in new] == [("PAIEMENT_ENREGISTRE", worker.id)]
    assert new[0].sequence == (before[-1].sequence if before else 0) + 1
    async with api.session() as session:
        payment = await session.scalar(
            select(models.Paiement)
            .where(models.Paiement.reference != "")
            .order_by(models.Paiement.id.desc())
        )
    feed = (await api.data(FEED, {"types": ["PAIEMENT_ENREGISTRE"], "first": 10}, agent))[
        "evenements"
    ]
    assert feed["nodes"] == [
        {
            "id": encode_global_id("Evenement", new[0].sequence),
            "sequence": new[0].sequence,
            "type": "PAIEMENT_ENREGISTRE",
            "travailleurId": gid,
            "objetIds": [encode_global_id("Paiement", payment.id)],
            "donnees": {"montant": "100.00", "annee": None, "datePaiement": "2026-06-09"},
            "objets": [{"id": encode_global_id("Paiement", payment.id)}],
            "travailleur": {"id": gid},
        }
    ]
    assert feed["pageInfo"]["hasNextPage"] is False


async def test_a_refused_mutation_writes_no_event(setting):
    api, worker, agent = setting
    before = await stored(api)
    gid = encode_global_id("Travailleur", worker.id)
    body = await api.data(PAY, {"id": gid, "m": "100.00", "d": "2001-01-01", "k": None}, agent)
    assert [e["code"] for e in body["recordPaiement"]["userErrors"]] == ["DATE_ANTERIEURE_ACTIVITE"]
    assert await stored(api) == before


async def test_a_preview_writes_no_event_and_the_estimate_writes_its_changes(setting):
    api, worker, agent = setting
    gid = encode_global_id("Travailleur", worker.id)
    before = await stored(api)
    body = await api.data(ESTIMATE, {"id": gid, "m": "20000", "p": True}, agent)
    assert body["estimateRevenue"]["userErrors"] == [], body
    assert await stored(api) == before
    body = await api.data(ESTIMATE, {"id": gid, "m": "20000", "p": False}, agent)
    assert body["estimateRevenue"]["userErrors"] == [], body
    new = (await stored(api))[len(before) :]
    kinds = [e.type for e in new]
    assert kinds.count("REVENU_ESTIME") == 1
    assert kinds.count("COTISATIONS_RECALCULEES") == 1
    assert kinds.count("AVIS_APPEL_EMIS") == 1
    assert "ECHEANCE_MODIFIEE" in kinds
    # Exactly one event per changed object and kind.
    keys = [(e.type, tuple(map(tuple, e.objets))) for e in new]
    assert len(keys) == len(set(keys))
    assert [e.sequence for e in new] == list(range(new[0].sequence, new[0].sequence + len(new)))


SYNC = """query($id: ID!, $since: DateTime) { node(id: $id) { ... on TravailleurClassique {
  updatedAt
  paiements(updatedSince: $since) { nodes { montant updatedAt } }
  echeances(first: 50, updatedSince: $since) { nodes { id updatedAt } }
} } }"""


async def test_changed_objects_carry_updated_at_and_sync_filters_on_it(setting):
    api, worker, agent = setting
    gid = encode_global_id("Travailleur", worker.id)
    before = (await api.data(SYNC, {"id": gid, "since": None}, agent))["node"]
    # Seeded rows were never changed through the gateway.
    assert before["updatedAt"] is None
    assert {e["updatedAt"] for e in before["echeances"]["nodes"]} == {None}
    since = "2000-01-01T00:00:00+00:00"
    assert (await api.data(SYNC, {"id": gid, "since": since}, agent))["node"]["echeances"] == {
        "nodes": []
    }
    body = await api.data(PAY, {"id": gid, "m": "100.00", "d": "2026-06-09", "k": None}, agent)
    assert body["recordPaiement"]["userErrors"] == []
    after = (await api.data(SYNC, {"id": gid, "since": since}, agent))["node"]
    assert [p["montant"] for p in after["paiements"]["nodes"]] == ["100.00"]
    stamped = after["paiements"]["nodes"][0]["updatedAt"]
    assert stamped.startswith("2026-06-10T") and stamped.endswith("+00:00")
    # The payment was allocated to the oldest unpaid instalment: it changed, the others not.
    changed = after["echeances"]["nodes"]
    assert len(changed) == 1 and changed[0]["updatedAt"] == stamped
    # A naive time is refused, naming the argument.
    body = await api.post(SYNC, {"id": gid, "since": "2026-06-10T00:00:00"}, agent)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "updatedSince" in body["errors"][0]["message"]
