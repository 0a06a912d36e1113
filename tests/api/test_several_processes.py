"""Two real ``gateway serve`` processes on one PostgreSQL database behave as one server:
a token issued by one is accepted by the other, throttling counts across both, the
outbox is sent once, and a subscription on one receives the events of mutations made
through the other (within a second)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.db.migrate import upgrade
from gateway.db.models import CourrielSortant
from gateway.seed.demo_identites import (
    AGENT,
    EXPERT,
    MOT_DE_PASSE_TRAVAILLEUR,
    NIR_ARTISAN,
    NIR_COMMERCANT,
)
from tests.api.processes import Served, Subscriber, graphql, login, serve_on
from tests.conftest import IN_CI, _admin, _postgres_reachable, _server_url
from tests.served import GATEWAY


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    reason = asyncio.run(_postgres_reachable())
    if reason is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL not reachable: {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL not reachable ({reason}): skipped (runs in CI)")
    name = f"gateway_test_procs_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = _server_url(name)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def servers(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, Served]]:
    import os
    import subprocess

    folder = tmp_path_factory.mktemp("procs")
    env = os.environ | {"DATABASE_URL": postgres_url, "GATEWAY_TODAY": "2026-11-23"}
    subprocess.run([str(GATEWAY), "seed", "demo"], env=env, check=True, capture_output=True)
    with serve_on(postgres_url, folder / "a") as a, serve_on(postgres_url, folder / "b") as b:
        yield a, b


ME = "{ me { role identifiant } }"


def test_a_token_issued_by_one_process_is_accepted_by_the_other(
    servers: tuple[Served, Served],
) -> None:
    a, b = servers
    token = login(a.base, EXPERT.courriel, EXPERT.mot_de_passe)
    assert graphql(b.base, ME, token=token)["data"]["me"] == {
        "role": "EXPERT_COMPTABLE",
        "identifiant": EXPERT.courriel,
    }
    # And the other way round: each process signs with the one stored key.
    token_b = login(b.base, EXPERT.courriel, EXPERT.mot_de_passe)
    assert graphql(a.base, ME, token=token_b)["data"]["me"]["role"] == "EXPERT_COMPTABLE"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert graphql(b.base, ME, token=forged)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken userErrors { code message } }
}"""


def test_throttling_counts_the_attempts_made_on_both_processes(
    servers: tuple[Served, Served],
) -> None:
    a, b = servers
    identifiant = "collab@cabinet-demo.fr"
    codes = []
    # Five wrong passwords allowed per identifier, whichever process receives them.
    for n in range(6):
        served = (a, b)[n % 2]
        body = graphql(served.base, LOGIN, {"i": identifiant, "m": f"faux-{n}"})
        codes.append(body["data"]["login"]["userErrors"][0]["code"])
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["THROTTLED"]
    # Still refused on the first process: the count is the database's.
    body = graphql(a.base, LOGIN, {"i": identifiant, "m": "demo-collab-2026"})
    assert body["data"]["login"]["userErrors"][0]["code"] == "THROTTLED"


def test_the_outbox_is_sent_once_by_two_processes_sending_at_once(
    servers: tuple[Served, Served], postgres_url: str
) -> None:
    before = {p.name for s in servers for p in s.mail_dir.glob("*.eml")}
    # The servers' clock runs on GATEWAY_TODAY: due from that day's start.
    now = datetime(2026, 11, 23, tzinfo=UTC)

    async def queue_and_wait() -> list[int]:
        engine = create_async_engine(postgres_url)
        try:
            async with engine.begin() as connection:
                ids = (
                    await connection.scalars(
                        insert(CourrielSortant)
                        .values(
                            [
                                {
                                    "horodatage": now,
                                    "destinataire": f"dest{n}@example.org",
                                    "sujet": f"Message {n}",
                                    "corps": "Bonjour",
                                    "tentatives": 0,
                                    "prochaine_tentative": now,
                                }
                                for n in range(40)
                            ]
                        )
                        .returning(CourrielSortant.id)
                    )
                ).all()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                async with engine.connect() as connection:
                    unsent = await connection.scalar(
                        select(text("count(*)"))
                        .select_from(CourrielSortant)
                        .where(CourrielSortant.id.in_(ids), CourrielSortant.envoye_le.is_(None))
                    )
                if unsent == 0:
                    return list(ids)
                await asyncio.sleep(0.2)
            raise AssertionError("the outbox was not sent within a minute")
        finally:
            await engine.dispose()

    ids = asyncio.run(queue_and_wait())
    sent = [p.name for s in servers for p in s.mail_dir.glob("*.eml") if p.name not in before]
    # Each message written once, by one of the two processes (files are named by row id).
    assert sorted(int(name.rsplit("-", 1)[1].removesuffix(".eml")) for name in sent) == sorted(ids)


PORTEFEUILLE = "subscription { evenementsPortefeuille { sequence type travailleurId } }"
COMPTE = """subscription($id: ID!) {
  evenementsCompte(travailleurId: $id) { sequence type donnees { montant } }
}"""
PAY = """mutation($id: ID!, $m: Decimal!) {
  recordPaiement(input: {travailleurId: $id, montant: $m, datePaiement: "2026-11-20",
                         mode: VIREMENT}) { userErrors { code message } }
}"""
MANDATS = "{ me { travailleur { id mandats { id statut } } } }"


async def test_a_subscription_on_one_process_receives_the_mutations_of_the_other_within_a_second(
    servers: tuple[Served, Served],
) -> None:
    a, b = servers
    worker_token = login(b.base, NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
    worker_id = graphql(b.base, MANDATS, token=worker_token)["data"]["me"]["travailleur"]["id"]
    expert = await Subscriber.open(a.ws, login(a.base, EXPERT.courriel, EXPERT.mot_de_passe))
    await expert.acknowledged()
    await expert.subscribe(PORTEFEUILLE)
    worker = await Subscriber.open(b.ws, worker_token)
    await worker.acknowledged()
    await worker.subscribe(COMPTE, {"id": worker_id})
    await asyncio.sleep(0.5)  # both have read their starting point
    agent = login(b.base, AGENT.courriel, AGENT.mot_de_passe)
    for served, amount in ((b, "11.00"), (a, "12.00")):
        body = graphql(served.base, PAY, {"id": worker_id, "m": amount}, agent)
        assert body["data"]["recordPaiement"]["userErrors"] == []
        answered = time.monotonic()
        on_a = (await expert.receive(within=1))["payload"]["data"]["evenementsPortefeuille"]
        on_b = (await worker.receive(within=1))["payload"]["data"]["evenementsCompte"]
        assert time.monotonic() - answered < 1  # both, within a second of the answer
        assert (on_a["type"], on_a["travailleurId"]) == ("PAIEMENT_ENREGISTRE", worker_id)
        assert (on_b["type"], on_b["donnees"]["montant"]) == ("PAIEMENT_ENREGISTRE", amount)
        assert on_a["sequence"] == on_b["sequence"]
    await expert.close()
    await worker.close()


async def test_a_mandate_revoked_through_one_process_closes_the_channel_on_the_other(
    servers: tuple[Served, Served],
) -> None:
    a, b = servers
    worker_token = login(b.base, NIR_COMMERCANT, MOT_DE_PASSE_TRAVAILLEUR)
    me = graphql(b.base, MANDATS, token=worker_token)["data"]["me"]["travailleur"]
    expert = await Subscriber.open(a.ws, login(a.base, EXPERT.courriel, EXPERT.mot_de_passe))
    await expert.acknowledged()
    await expert.subscribe(COMPTE, {"id": me["id"]})
    await asyncio.sleep(0.5)
    (mandat,) = [m for m in me["mandats"] if m["statut"] == "ACTIF"]
    body = graphql(b.base, REVOKE, {"id": mandat["id"]}, worker_token)
    assert body["data"]["revokeMandat"]["userErrors"] == []
    code, reason = await expert.closed(within=3)
    assert code == 4403
    assert reason.startswith("Ce travailleur n'est plus visible")


REVOKE = """mutation($id: ID!) {
  revokeMandat(input: {mandatId: $id}) { userErrors { code message } }
}"""


async def test_serve_with_two_workers_behaves_as_one_server(
    servers: tuple[Served, Served], postgres_url: str, tmp_path: Path
) -> None:
    """``gateway serve --workers 2``: requests land on either worker, each new HTTP
    connection possibly on another; every one is served as by a single process."""
    a, _ = servers
    with serve_on(postgres_url, tmp_path / "workers", workers=2) as served:
        token = login(served.base, EXPERT.courriel, EXPERT.mot_de_passe)
        for _ in range(10):  # a new connection each time
            assert graphql(served.base, ME, token=token)["data"]["me"]["role"] == "EXPERT_COMPTABLE"
        worker_token = login(a.base, NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR)
        worker_id = graphql(a.base, MANDATS, token=worker_token)["data"]["me"]["travailleur"]["id"]
        subscriber = await Subscriber.open(served.ws, token)
        await subscriber.acknowledged()
        await subscriber.subscribe(PORTEFEUILLE)
        await asyncio.sleep(0.5)
        agent = login(served.base, AGENT.courriel, AGENT.mot_de_passe)
        sequences = []
        for amount in ("1.00", "2.00", "3.00"):
            body = graphql(served.base, PAY, {"id": worker_id, "m": amount}, agent)
            assert body["data"]["recordPaiement"]["userErrors"] == []
            event = (await subscriber.receive(within=1))["payload"]["data"]
            sequences.append(event["evenementsPortefeuille"]["sequence"])
        assert sequences == sorted(sequences) and len(set(sequences)) == 3
        await subscriber.close()
