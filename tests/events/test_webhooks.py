"""Webhooks: signed deliveries verified by a real receiver, retries while it is down,
every event once and in order per worker, visibility at delivery time, disabling after
3 days of failures, redelivery, and the log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from domain.nomenclatures import ModePaiement, StatutMandat
from gateway.db import models
from gateway.events import delivery
from gateway.events.delivery import deliver_due, options_for
from gateway.events.models import Evenement, WebhookEndpoint
from gateway.schema.relay import encode_global_id
from gateway.services.unit_of_work import write_transaction
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database
from tests.events.receiver import Receiver
from tests.events.support import DELIVERIES, clock_at, register, webhook_api

UPDATE = """mutation($id: ID!, $actif: Boolean) {
  updateWebhookEndpoint(input: {id: $id, actif: $actif}) {
    endpoint { actif enEchecDepuis desactiveLe } userErrors { code }
  }
}"""
REDELIVER = """mutation($id: ID!) {
  redeliverWebhook(input: {deliveryId: $id}) { delivery { statut sequence } userErrors { code } }
}"""


async def pay(api, travailleur_id: int, montant: str) -> None:
    async def work(session):
        session.add(
            models.Paiement(
                travailleur_id=travailleur_id,
                date_paiement=date(2026, 11, 20),
                montant=Decimal(montant),
                mode=ModePaiement.VIREMENT,
                reference="test",
            )
        )

    async with api.session() as session:
        await write_transaction(session, work, clock=api.services.clock)


async def revoke(api, travailleur_id: int) -> None:
    async def work(session):
        row = await session.scalar(
            select(models.Mandat).where(models.Mandat.travailleur_id == travailleur_id)
        )
        row.statut = StatutMandat.REVOQUE

    async with api.session() as session:
        await write_transaction(session, work, clock=api.services.clock)


async def deliver(api, clock) -> delivery.DeliveryReport:
    async with httpx.AsyncClient(timeout=5) as client:
        return await deliver_due(
            api.services.sessions, clock, client, options_for(api.services.settings)
        )


@pytest.fixture
async def setting(db: Database):
    receiver = Receiver()
    await receiver.start()
    async with webhook_api(db) as api:
        world = await build_world(api)
        clock = clock_at(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        created = await register(api, admin, receiver.url)
        receiver.secret = created["secret"]
        try:
            yield api, world, clock, admin, receiver, created["endpoint"]
        finally:
            await receiver.stop()


async def sequences_of(api, travailleur_id: int) -> list[int]:
    async with api.session() as session:
        return list(
            await session.scalars(
                select(Evenement.sequence)
                .where(Evenement.travailleur_id == travailleur_id)
                .order_by(Evenement.sequence)
            )
        )


async def test_down_receiver_then_gets_every_event_once_in_order_signed(setting):
    api, world, clock, admin, receiver, endpoint = setting
    for i in range(3):
        await pay(api, world.assigned.id, f"{i + 1}.00")
        await pay(api, world.unassigned.id, f"{i + 1}.50")
    await pay(api, world.unmandated.id, "9.00")  # not the cabinet's client: never sent
    receiver.failing = True
    report = await deliver(api, clock)
    # Only each worker's first event is tried: the others wait behind it, in order.
    assert (report.queued, report.delivered, report.failed) == (6, 0, 2)
    log = (await api.data(DELIVERIES, {"e": endpoint["id"]}, admin))["webhookDeliveries"]
    tried = [n for n in log["nodes"] if n["tentatives"]]
    assert log["totalCount"] == 6
    assert [(n["statut"], n["tentatives"], n["dernierCode"]) for n in tried] == [
        ("A_LIVRER", 1, 503)
    ] * 2
    # Not due yet: nothing is tried again before the backoff.
    assert (await deliver(api, clock)).failed == 0
    # Then the port is closed altogether.
    await receiver.stop()
    clock.advance(seconds=31)
    report = await deliver(api, clock)
    assert report.failed == 2
    log = (await api.data(DELIVERIES, {"e": endpoint["id"]}, admin))["webhookDeliveries"]
    assert {(n["tentatives"], n["dernierCode"]) for n in log["nodes"] if n["tentatives"]} == {
        (2, None)
    }
    # Back up: everything arrives, each event once, in sequence order per worker.
    await receiver.start()
    receiver.failing = False
    clock.advance(minutes=2)
    report = await deliver(api, clock)
    assert (report.delivered, report.failed) == (6, 0)
    assert receiver.refused_signatures == 0
    assert len(receiver.ids()) == len(set(receiver.ids())) == 6
    for worker in (world.assigned, world.unassigned):
        gid = encode_global_id("Travailleur", worker.id)
        got = [r.body["sequence"] for r in receiver.received if r.body["travailleurId"] == gid]
        assert got == await sequences_of(api, worker.id)
    first = receiver.received[0]
    assert (
        first.webhook_id
        == first.body["id"]
        == encode_global_id("Evenement", first.body["sequence"])
    )
    assert first.body["type"] == "PAIEMENT_ENREGISTRE"
    assert set(first.body) == {
        "id",
        "sequence",
        "type",
        "horodatage",
        "travailleurId",
        "objetIds",
        "donnees",
    }
    assert (await deliver(api, clock)).busy is False


async def test_a_revoked_mandate_stops_deliveries_but_the_cabinet_learns_of_it(setting):
    api, world, clock, admin, receiver, endpoint = setting
    await pay(api, world.unassigned.id, "1.00")
    receiver.failing = True
    await deliver(api, clock)  # queued and tried once
    await pay(api, world.unassigned.id, "2.00")  # not queued yet ...
    await revoke(api, world.unassigned.id)
    await pay(api, world.unassigned.id, "3.00")  # after the revocation: never queued
    receiver.failing = False
    clock.advance(minutes=1)
    report = await deliver(api, clock)
    got = [r.body["type"] for r in receiver.received]
    assert got == ["MANDAT_REVOQUE"]
    # ... and never: invisible when fanned out. The first, queued before, is discarded.
    assert report.skipped == 1
    log = (await api.data(DELIVERIES, {"e": endpoint["id"]}, admin))["webhookDeliveries"]
    assert sorted(n["statut"] for n in log["nodes"]) == ["ECARTEE", "LIVREE"]
    assert receiver.received[0].body["donnees"] == {"statut": "REVOQUE"}


async def test_other_cabinets_receive_nothing_of_ours(setting):
    api, world, clock, _admin, receiver, _endpoint = setting
    other_receiver = Receiver()
    await other_receiver.start()
    try:
        beta = await api.login("admin@beta.fr", PASSWORD)
        other = await register(api, beta, other_receiver.url)
        other_receiver.secret = other["secret"]
        for worker in (world.assigned, world.unassigned, world.revoked, world.unmandated):
            await pay(api, worker.id, "5.00")
        await deliver(api, clock)
        assert other_receiver.received == []
        assert len(receiver.received) == 2
        # Nor does another cabinet see our endpoints or their log.
        assert (await api.data("{ webhookEndpoints { id } }", token=beta))["webhookEndpoints"] == [
            {"id": other["endpoint"]["id"]}
        ]
        log = await api.data(DELIVERIES, {"e": _endpoint["id"]}, beta)
        assert log["webhookDeliveries"]["totalCount"] == 0
    finally:
        await other_receiver.stop()


async def test_an_endpoint_failing_for_3_days_is_disabled_its_owner_mailed_and_can_resume(
    setting,
):
    api, world, clock, admin, receiver, endpoint = setting
    await pay(api, world.assigned.id, "1.00")
    await pay(api, world.assigned.id, "2.00")
    receiver.failing = True
    await deliver(api, clock)
    for _ in range(3 * 6):  # every 4 hours, the longest backoff, for 3 days
        clock.advance(hours=4)
        await deliver(api, clock)
    async with api.session() as session:
        row = await session.scalar(select(WebhookEndpoint))
        mails = list(await session.scalars(select(models.CourrielSortant)))
    assert row.actif is False and row.desactive_le is not None
    assert [(m.destinataire, m.sujet) for m in mails] == [
        ("admin@alpha.fr", "Webhook désactivé après 3 jours d'échecs")
    ]
    attempts = receiver.answered_503
    clock.advance(hours=4)
    await deliver(api, clock)
    assert receiver.answered_503 == attempts  # disabled: nothing sent
    # Re-enabled, the pending events follow, in order.
    admin = await api.login("admin@alpha.fr", PASSWORD)  # 3 days later: a new token
    body = await api.data(UPDATE, {"id": endpoint["id"], "actif": True}, admin)
    assert body["updateWebhookEndpoint"]["endpoint"] == {
        "actif": True,
        "enEchecDepuis": None,
        "desactiveLe": None,
    }
    receiver.failing = False
    clock.advance(hours=4)
    await deliver(api, clock)
    assert [r.body["sequence"] for r in receiver.received] == await sequences_of(
        api, world.assigned.id
    )


async def test_redelivery_sends_the_event_again_with_the_same_webhook_id(setting):
    api, world, clock, admin, receiver, endpoint = setting
    await pay(api, world.assigned.id, "1.00")
    await deliver(api, clock)
    log = (await api.data(DELIVERIES, {"e": endpoint["id"]}, admin))["webhookDeliveries"]
    body = await api.data(REDELIVER, {"id": log["nodes"][0]["id"]}, admin)
    assert body["redeliverWebhook"]["delivery"]["statut"] == "A_LIVRER"
    await deliver(api, clock)
    assert len(receiver.ids()) == 2 and len(set(receiver.ids())) == 1
    # Another cabinet's delivery looks like none.
    beta = await api.login("admin@beta.fr", PASSWORD)
    body = await api.data(REDELIVER, {"id": log["nodes"][0]["id"]}, beta)
    assert [e["code"] for e in body["redeliverWebhook"]["userErrors"]] == ["NOT_FOUND"]


async def test_retry_delays_grow_with_jitter_up_to_4_hours():
    import random

    rng = random.Random(7)
    first = timedelta(seconds=30)
    delays = [delivery.retry_delay(n, first, rng) for n in range(1, 16)]
    for n, value in enumerate(delays, start=1):
        ceiling = min(first * 2 ** (n - 1), timedelta(hours=4))
        assert ceiling / 2 <= value <= ceiling
    # Retried for as long as the endpoint is active: 3 days before it is disabled.
    assert timedelta(hours=24) <= delivery.DISABLE_AFTER
