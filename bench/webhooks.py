"""Webhook throughput: signed deliveries per second to a real local receiver.

Writes ``--events`` payment events spread over ``--workers`` mandated clients of one
cabinet (through the unit of work, as mutations do), registers one endpoint, then
times ``deliver_all`` (fan-out, claims, signed POSTs, outcomes) until every event has
been received once. One worker is the worst case: its events go strictly one after
the other. Prints the figures; asserts nothing (not a test).

    .venv/bin/python bench/webhooks.py --events 1000 --workers 1 50
    .venv/bin/python bench/webhooks.py --database-url postgresql+asyncpg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.nomenclatures import ModePaiement
from gateway.clock import Clock
from gateway.db import models
from gateway.db.engine import create_engine, session_factory
from gateway.db.migrate import upgrade_async
from gateway.events import signature
from gateway.events.delivery import DeliveryOptions, deliver_all
from gateway.events.models import WebhookEndpoint
from gateway.events.urls import UrlPolicy
from gateway.services.unit_of_work import write_transaction
from tests import builders
from tests.events.receiver import Receiver


async def run(url: str, events: int, workers: int) -> None:
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    receiver = Receiver()
    await receiver.start()
    try:
        async with sessions() as session:
            caisse = await builders.caisse(session, code=f"B{workers}")
            cabinet = await builders.cabinet(session, nom=f"Bench {workers}")
            ids = []
            for i in range(workers):
                worker = await builders.travailleur(
                    session, caisse_id=caisse.id, nom=f"Client{workers}x{i}"
                )
                await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
                ids.append(worker.id)
            await session.commit()
        clock = Clock()
        written = time.perf_counter()
        for n in range(events):

            async def work(session, n=n):  # type: ignore[no-untyped-def]
                session.add(
                    models.Paiement(
                        travailleur_id=ids[n % workers],
                        date_paiement=date(2026, 11, 20),
                        montant=Decimal("1.00"),
                        mode=ModePaiement.VIREMENT,
                        reference=f"b{n}",
                    )
                )

            async with sessions() as session:
                await write_transaction(session, work, clock=clock)
        written = time.perf_counter() - written
        secret = signature.new_secret()
        receiver.secret = secret
        async with sessions() as session:
            session.add(
                WebhookEndpoint(
                    cabinet_id=cabinet.id,
                    url=receiver.url,
                    description="bench",
                    types=[],
                    secret=secret,
                    actif=True,
                    cree_le=clock.now(),
                    cree_par="bench",
                    derniere_sequence=0,
                    modifie_le=clock.now(),
                )
            )
            await session.commit()
        options = DeliveryOptions(policy=UrlPolicy(allow_http=True, allow_private=True))
        started = time.perf_counter()
        while len(receiver.received) < events:
            await deliver_all(sessions, clock, options)
        elapsed = time.perf_counter() - started
        assert len(set(receiver.ids())) == events and receiver.refused_signatures == 0
        print(
            f"{engine.dialect.name}: {events} events over {workers} worker(s): "
            f"written {events / written:.0f}/s (one transaction each), "
            f"delivered {events / elapsed:.0f}/s ({elapsed:.1f} s)"
        )
    finally:
        await receiver.stop()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    for workers in args.workers:
        url = args.database_url
        if url is None:
            folder = Path(tempfile.mkdtemp())
            url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
        asyncio.run(run(url, args.events, workers))


if __name__ == "__main__":
    main()
