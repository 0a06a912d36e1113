"""The event the date alone causes on 1 June: a year's income declaration becomes
missing (SPEC §4). Written once per worker and year, by whichever refresh of the
stored situation first passes the deadline (the accounting day, or a read before it),
and seen only by those who may see the worker (feed, webhooks).

The portfolio world (``tests.api.workspace_world``): the 2026 income is due by 31 May
2027. Dubois declares it in time; Fontaine was struck off in 2024 (2026 not owed);
Garcia is a micro-entrepreneur (no annual income declaration); Petit's 2024 is missing
already (it is not told again). Roux is Beta's client, Martin nobody's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.evenements import TypeEvenement
from gateway.clock import Clock
from gateway.events.delivery import fan_out
from gateway.events.models import Evenement, WebhookLivraison
from gateway.global_ids import decode_int_id
from gateway.schema.relay import encode_global_id
from gateway.services.situation_compte import accounting_day_in
from tests import builders
from tests.api.client import Api
from tests.api.workspace_world import PASSWORD, WORKER_PASSWORD, build_portfolio_world
from tests.conftest import Database
from tests.events.support import register, webhook_api

BEFORE = date(2027, 5, 28)  # Friday: the 2026 income is not late yet
DEADLINE_PASSED = date(2027, 6, 1)  # Tuesday
FEED = """query($types: [TypeEvenement!]) { evenements(first: 500, types: $types) {
  nodes { type travailleurId objetIds donnees { annee dateLimite } } } }"""
RESUME = "{ portfolio(first: 0) { totalCount } }"
PAY = """mutation($id: ID!) {
  recordPaiement(input: {travailleurId: $id, montant: "10.00", datePaiement: "2027-06-01",
                         mode: VIREMENT}) { userErrors { field code message } }
}"""


@pytest.fixture
async def world(db: Database):
    async with webhook_api(db) as api:
        world = await build_portfolio_world(api)
        async with api.session() as session:
            await builders.revenu(
                session,
                travailleur_id=world.clients["Dubois"].id,
                annee=2026,
                montant=Decimal("41000"),
            )
            await session.commit()
        # Every situation stored the last accounting day before the deadline.
        await accounting_day(api, BEFORE)
        yield api, world


async def accounting_day(api: Api, day: date) -> int:
    api.services.clock = Clock.at(day)
    async with api.session() as session:
        report = await accounting_day_in(session, api.services.clock)
    return report.declarations_manquantes


async def missing_events(api: Api) -> list[tuple[int, dict]]:
    async with api.session() as session:
        rows = await session.execute(
            select(Evenement.travailleur_id, Evenement.donnees)
            .where(Evenement.type == TypeEvenement.DECLARATION_MANQUANTE)
            .order_by(Evenement.sequence)
        )
        return [(ident, donnees) for ident, donnees in rows]


def expected(world, *names: str) -> list[tuple[int, dict]]:
    ids = sorted(world.clients[n].id if n in world.clients else getattr(world, n).id for n in names)
    return [(ident, {"annee": 2026, "dateLimite": "2027-05-31"}) for ident in ids]


LATE = ("Bernard", "Lefebvre", "Moreau", "Petit", "revoked", "unmandated")


async def test_the_accounting_day_after_the_deadline_tells_each_missing_declaration_once(
    world,
) -> None:
    api, world_ = world
    assert await missing_events(api) == []  # before the deadline: nothing is late
    assert await accounting_day(api, DEADLINE_PASSED) == 6
    # Dubois declared in time, Fontaine owes nothing for 2026, Garcia is a micro.
    assert await missing_events(api) == expected(world_, *LATE)
    # Again the same day, then the next days: nothing more.
    assert await accounting_day(api, DEADLINE_PASSED) == 0
    assert await accounting_day(api, date(2027, 6, 2)) == 0
    assert await missing_events(api) == expected(world_, *LATE)


async def test_a_read_on_the_new_day_tells_it_first_and_the_accounting_day_does_not_repeat_it(
    world,
) -> None:
    api, world_ = world
    api.services.clock = Clock.at(DEADLINE_PASSED)
    admin = await api.login("admin@alpha.fr", PASSWORD)
    # The portfolio read refreshes Alpha's stale rows first, in its own transaction.
    assert (await api.data(RESUME, {}, admin))["portfolio"]["totalCount"] == 7
    alpha_late = ("Bernard", "Lefebvre", "Moreau", "Petit")
    assert await missing_events(api) == expected(world_, *alpha_late)
    # The job then tells only the workers that read did not refresh.
    assert await accounting_day(api, DEADLINE_PASSED) == 2
    assert await missing_events(api) == expected(world_, *LATE)


async def test_a_write_on_the_new_day_tells_it_in_its_own_transaction(world) -> None:
    api, world_ = world
    api.services.clock = Clock.at(DEADLINE_PASSED)
    petit = world_.clients["Petit"]
    agent = await api.login("agent@idf.fr", PASSWORD)
    data = await api.data(PAY, {"id": encode_global_id("Travailleur", petit.id)}, agent)
    assert data["recordPaiement"]["userErrors"] == []
    async with api.session() as session:
        rows = await session.execute(
            select(Evenement.type, Evenement.travailleur_id, Evenement.horodatage)
            .where(Evenement.travailleur_id == petit.id)
            .order_by(Evenement.sequence.desc())
            .limit(2)
        )
        (told, paid) = list(rows)
    # Written by the payment's transaction, after its own event (same commit time).
    assert (told.type, paid.type) == ("DECLARATION_MANQUANTE", "PAIEMENT_ENREGISTRE")
    assert told.horodatage == paid.horodatage
    assert await missing_events(api) == expected(world_, "Petit")
    assert await accounting_day(api, DEADLINE_PASSED) == 5
    assert sorted(await missing_events(api)) == expected(world_, *LATE)


async def test_a_clock_set_back_then_forward_again_tells_nothing_more(
    world,
) -> None:
    api, world_ = world
    await accounting_day(api, DEADLINE_PASSED)
    # The clock set back before the deadline, then forward again: told once only.
    await accounting_day(api, BEFORE)
    assert await accounting_day(api, DEADLINE_PASSED) == 0
    assert await missing_events(api) == expected(world_, *LATE)


async def test_each_caller_sees_the_events_of_the_workers_it_may_see_and_no_other(
    world,
) -> None:
    api, world_ = world
    await accounting_day(api, DEADLINE_PASSED)

    async def seen(token: str) -> list[tuple[str, dict]]:
        data = await api.data(FEED, {"types": ["DECLARATION_MANQUANTE"]}, token)
        nodes = data["evenements"]["nodes"]
        assert {n["type"] for n in nodes} <= {"DECLARATION_MANQUANTE"}
        return sorted((n["travailleurId"], n["donnees"]) for n in nodes)

    def gids(*names: str) -> list[tuple[str, dict]]:
        ids = [ident for ident, _ in expected(world_, *names)]
        return sorted(
            (encode_global_id("Travailleur", i), {"annee": 2026, "dateLimite": "2027-05-31"})
            for i in ids
        )

    alpha = await api.login("admin@alpha.fr", PASSWORD)
    beta = await api.login("admin@beta.fr", PASSWORD)
    collab = await api.login("collab@alpha.fr", PASSWORD)
    collab2 = await api.login("collab2@alpha.fr", PASSWORD)
    agent = await api.login("agent@idf.fr", PASSWORD)
    petit = await api.login(world_.clients["Petit"].nir, WORKER_PASSWORD)
    dubois = await api.login(world_.clients["Dubois"].nir, WORKER_PASSWORD)
    assert await seen(alpha) == gids("Bernard", "Lefebvre", "Moreau", "Petit")
    assert await seen(beta) == gids("revoked")  # Roux: Beta's client, no longer Alpha's
    assert await seen(collab) == gids("Bernard")  # the one client assigned to them
    assert await seen(collab2) == []
    assert await seen(agent) == gids("Bernard", "Lefebvre", "Moreau", "Petit", "unmandated")
    assert await seen(petit) == gids("Petit")
    assert await seen(dubois) == []  # declared in time


async def test_webhooks_filtered_on_the_type_receive_their_cabinets_events_only(world) -> None:
    api, world_ = world
    api.services.clock = Clock.at(BEFORE)
    alpha = await api.login("admin@alpha.fr", PASSWORD)
    beta = await api.login("admin@beta.fr", PASSWORD)
    url = "https://93.184.215.14/hook"
    for_alpha = await register(api, alpha, url, types=["DECLARATION_MANQUANTE"])
    for_beta = await register(api, beta, url, types=["DECLARATION_MANQUANTE"])
    assert for_alpha["endpoint"]["types"] == ["DECLARATION_MANQUANTE"]
    await accounting_day(api, DEADLINE_PASSED)
    assert await fan_out(api.services.sessions, api.services.clock) == 5
    async with api.session() as session:
        rows = await session.execute(
            select(WebhookLivraison.endpoint_id, WebhookLivraison.travailleur_id)
        )
        queued = sorted(rows)
    endpoint_ids = {}
    for name, payload in (("alpha", for_alpha), ("beta", for_beta)):
        endpoint_ids[name] = decode_int_id(payload["endpoint"]["id"], "WebhookEndpoint")
    alpha_ids = [i for i, _ in expected(world_, "Bernard", "Lefebvre", "Moreau", "Petit")]
    assert queued == sorted(
        [(endpoint_ids["alpha"], i) for i in alpha_ids]
        + [(endpoint_ids["beta"], world_.revoked.id)]
    )
