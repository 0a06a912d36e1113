"""Events per second delivered to 100 subscribed dashboards, across two processes.

Creates a fresh PostgreSQL database, migrates it, seeds the demo and adds
``--dashboards`` administrators of the demo cabinet (one login each: a login holds at
most 10 subscriptions). Starts two ``gateway serve`` processes on it, then:

1. baseline: ``--payments`` payments (``recordPaiement`` as the caisse agent, on the
   cabinet's clients, ``--writers`` at once, alternately through each process) with
   no subscriber: payments per second;
2. the same with every dashboard subscribed to ``evenementsPortefeuille`` over a
   WebSocket, half on each process: payments per second, events delivered per
   second (dashboards x events / time until the last dashboard has the last event)
   and the latency from a payment's HTTP request to each dashboard's receipt.

Each dashboard must receive every event exactly once, in sequence order (checked).
Asserts nothing else (not a test); the figures depend on what else runs.

    .venv/bin/python bench/events.py --dashboards 100 --payments 200 --writers 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.nomenclatures import Role  # noqa: E402
from gateway.auth.passwords import Passwords  # noqa: E402
from gateway.db import models  # noqa: E402
from gateway.db.migrate import upgrade_async  # noqa: E402
from gateway.seed.demo_identites import AGENT, EXPERT  # noqa: E402
from tests.api.processes import PROTOCOL, Served, serve_on  # noqa: E402

GATEWAY = Path(sys.executable).parent / "gateway"
PASSWORD = "bench-tableau-de-bord"
PAY = """mutation($id: ID!, $m: Decimal!) {
  recordPaiement(input: {travailleurId: $id, montant: $m, datePaiement: "2026-11-20",
                         mode: VIREMENT}) { userErrors { code message } }
}"""
LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken }
}"""
SUBSCRIPTION = """subscription {
  evenementsPortefeuille(types: [PAIEMENT_ENREGISTRE]) { sequence type donnees { montant } }
}"""


async def prepare(server_url: str, dashboards: int) -> str:
    name = f"gateway_bench_events_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    await upgrade_async(url)
    env = os.environ | {"DATABASE_URL": url, "GATEWAY_TODAY": "2026-11-23"}
    await asyncio.to_thread(
        subprocess.run, [str(GATEWAY), "seed", "demo"], env=env, check=True, capture_output=True
    )
    engine = create_async_engine(url)
    hashed = Passwords(time_cost=1, memory_cost=8192, threads=1).hash(PASSWORD)
    async with AsyncSession(engine) as session, session.begin():
        cabinet_id = await session.scalar(
            select(models.Utilisateur.cabinet_id).where(
                models.Utilisateur.identifiant == EXPERT.courriel
            )
        )
        session.add_all(
            models.Utilisateur(
                identifiant=f"tableau{n}@cabinet-demo.fr",
                role=Role.EXPERT_COMPTABLE,
                nom_affiche=f"Tableau de bord {n}",
                mot_de_passe_hash=hashed,
                mot_de_passe_a_changer=False,
                cabinet_id=cabinet_id,
                administrateur_cabinet=True,
                actif=True,
            )
            for n in range(dashboards)
        )
    await engine.dispose()
    return url


async def drop(server_url: str, url: str) -> None:
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        name = make_url(url).database
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def post(http: httpx.AsyncClient, base: str, query: str, variables: Any, token: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for attempt in range(3):
        try:
            response = await http.post(
                f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            return response.json()
        except httpx.TransportError:
            # A kept-alive connection the server closed as it was reused: send again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def login(http: httpx.AsyncClient, base: str, identifiant: str, password: str) -> str:
    body = await post(http, base, LOGIN, {"i": identifiant, "m": password}, None)
    return str(body["data"]["login"]["accessToken"])


async def pay_all(
    http: httpx.AsyncClient,
    servers: list[Served],
    agent: str,
    workers: list[str],
    payments: int,
    writers: int,
    start: int,
) -> tuple[float, dict[str, float]]:
    """Payments per second, and when each payment was sent (by amount)."""
    answered: dict[str, float] = {}
    failed: list[Any] = []
    queue = list(range(start, start + payments))

    async def writer() -> None:
        while queue:
            n = queue.pop()
            amount = f"{1 + n / 100:.2f}"
            sent = time.perf_counter()
            body = await post(
                http,
                servers[n % 2].base,
                PAY,
                {"id": workers[n % len(workers)], "m": amount},
                agent,
            )
            if not body.get("data") or body["data"]["recordPaiement"]["userErrors"]:
                failed.append(body)
                queue.append(n)  # tried again: every dashboard expects every payment
                continue
            answered[amount] = sent

    began = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    rate = payments / (time.perf_counter() - began)
    if failed:
        print(f"  {len(failed)} payments failed and were sent again; first: {failed[0]}")
    return rate, answered


async def dashboard(url: str, token: str, ready: asyncio.Event, expected: int) -> list[Any]:
    """Receives ``expected`` events: (sequence, amount, time received) each."""
    got: list[Any] = []
    async with websockets.connect(url, subprotocols=[PROTOCOL], max_queue=None) as socket:  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        )
        ready.set()
        while len(got) < expected:
            message = json.loads(await socket.recv())
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] != "next" or message["payload"].get("errors"):
                raise RuntimeError(f"dashboard stream failed: {message}")
            event = message["payload"]["data"]["evenementsPortefeuille"]
            got.append((event["sequence"], event["donnees"]["montant"], time.perf_counter()))
    return got


async def measure(args: argparse.Namespace, servers: list[Served]) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        a = servers[0].base
        expert = await login(http, a, EXPERT.courriel, EXPERT.mot_de_passe)
        portfolio = await post(http, a, "{ portfolio(first: 20) { nodes { id } } }", {}, expert)
        workers = [n["id"] for n in portfolio["data"]["portfolio"]["nodes"]]
        agent = await login(http, a, AGENT.courriel, AGENT.mot_de_passe)
        baseline, _ = await pay_all(
            http, servers, agent, workers, args.payments, args.writers, start=0
        )
        print(f"baseline, no subscriber: {baseline:.0f} payments/s")
        tokens = []
        for n in range(args.dashboards):
            tokens.append(
                await login(http, servers[n % 2].base, f"tableau{n}@cabinet-demo.fr", PASSWORD)
            )
        readies = [asyncio.Event() for _ in tokens]
        # One payment is one PAIEMENT_ENREGISTRE event (the dashboards ask for no other).
        tasks = [
            asyncio.create_task(dashboard(servers[n % 2].ws, token, readies[n], args.payments))
            for n, token in enumerate(tokens)
        ]
        for ready in readies:
            await ready.wait()
        await asyncio.sleep(1.0)  # every subscription has read its starting point
        began = time.perf_counter()
        rate, answered = await pay_all(
            http, servers, agent, workers, args.payments, args.writers, start=args.payments
        )
        results = await asyncio.wait_for(asyncio.gather(*tasks), 300)
        elapsed = max(got[-1][2] for got in results) - began
    latencies = []
    for got in results:
        sequences = [s for s, _, _ in got]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
        assert len(got) == args.payments
        latencies.extend(received - answered[amount] for _, amount, received in got)
    latencies.sort()
    delivered = args.dashboards * args.payments / elapsed
    print(
        f"with {args.dashboards} dashboards: {rate:.0f} payments/s "
        f"({rate / baseline:.2f} x baseline); {delivered:.0f} events delivered/s "
        f"({args.payments} events x {args.dashboards} dashboards in {elapsed:.2f} s); "
        f"latency from the payment's request p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=100)
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server (a database is created there, then dropped)",
    )
    args = parser.parse_args()
    server_url = (
        make_url(args.postgres)
        .set(drivername="postgresql+asyncpg", database="postgres")
        .render_as_string(hide_password=False)
    )
    url = asyncio.run(prepare(server_url, args.dashboards))
    try:
        folder = Path(tempfile.mkdtemp(prefix="bench-events-"))
        with serve_on(url, folder / "a") as a, serve_on(url, folder / "b") as b:
            asyncio.run(measure(args, [a, b]))
        shutil.rmtree(folder)  # kept, with the servers' stderr, when something failed
    finally:
        asyncio.run(drop(server_url, url))
    print(f"load average: {os.getloadavg()[0]:.2f} (2 processes, one PostgreSQL)")


if __name__ == "__main__":
    main()
