"""Load tests through a real server: a mixed load on the demo, and concurrent dashboards.

The ``mixed`` scenario: for each database (SQLite, then PostgreSQL) it creates a fresh
database, runs the migrations, seeds the demo (``gateway seed demo``), starts ``gateway
serve`` (uvicorn) in a subprocess, logs the clients in, then sends ``--requests``
requests from ``--clients`` concurrent clients: reads (own account, portfolio page,
``me``, the simulator) and, about a third, named mutations on a few shared workers
(``estimateRevenue`` previewed and saved, ``updateContact``, ``recordPaiement`` as the
caisse agent). An error is a transport failure, an HTTP status other than 200 or a
top-level GraphQL error; business refusals (``userErrors``) are counted apart. Prints
the error rate and p50/p99 latencies per database, and the machine's load average
(the figures depend on what else runs). Asserts nothing (not a test).

The ``concurrency`` scenario seeds a synthetic cabinet instead (``gateway seed synthetic
--clients 1000``, then ANALYZE) and, for 8 then 32 concurrent clients, measures the full
dashboard page of 50 (bench/queries/gateway-dashboard.graphql, the cursor going round
the pages) as the cabinet admin, PostGraphile's page of 50 (PostgreSQL, when bench/peer
is installed) and ``me { travailleur { nom } }`` as a worker: p50/p99, pages or
requests per second, and the gateway process's own CPU time per request. Prints a
Markdown table.

    .venv/bin/python bench/load.py --requests 2000 --clients 16   # both scenarios
    .venv/bin/python bench/load.py --scenario concurrency --levels 8,32
    .venv/bin/python bench/load.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

from gateway.config import Settings
from gateway.db.migrate import upgrade_async
from gateway.seed.demo import seed_demo_command

TODAY = date(2026, 6, 10)
WORKERS = (
    ("184127510804231", "demo-travailleur-2026"),
    ("295101305502176", "demo-travailleur-2026"),
)
AGENT = ("agent@caisse-demo.fr", "demo-agent-2026")
EXPERT = ("expert@cabinet-demo.fr", "demo-expert-2026")

LOGIN = """mutation Login($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken userErrors { code } }
}"""
MY_ID = "query MyId { me { travailleur { id } } }"
ME = "query Me { me { role nomAffiche } }"
ACCOUNT = """query Account($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  nom compte { solde montantEnRetard }
  echeances(first: 12) { totalCount nodes { dateEcheance montant statut } }
  paiements(first: 5) { totalCount nodes { datePaiement montant } }
} } }"""
PORTFOLIO = (
    """query Portfolio { portfolio(first: 20) { totalCount nodes { nom compte { solde } } } }"""
)
SIMULATE = """query Simulate($r: Decimal!) {
  simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: $r}) { total }
}"""
ESTIMATE = """mutation Estimate($i: EstimateRevenueInput!) { estimateRevenue(input: $i) {
  previsualisation totalCotisations userErrors { code message } } }"""
CONTACT = """mutation Contact($i: UpdateContactInput!) { updateContact(input: $i) {
  travailleur { courriel } userErrors { code message } } }"""
PAY = """mutation Pay($i: RecordPaiementInput!) { recordPaiement(input: $i) {
  paiement { montant } userErrors { code message } } }"""


WRITE_NAMES = frozenset(
    {"estimate(preview=True)", "estimate(preview=False)", "updateContact", "recordPaiement"}
)


@dataclass
class Tokens:
    workers: list[tuple[str, str]]  # (token, travailleur global id)
    agent: str
    expert: str


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    user_errors: Counter[str] = field(default_factory=Counter)
    writes: int = 0
    samples: list[str] = field(default_factory=list)


def request_for(rng: random.Random, tokens: Tokens) -> tuple[str, str, dict[str, Any], str, bool]:
    """(name, query, variables, token, is_write): two thirds reads, one third writes."""
    token, worker_id = rng.choice(tokens.workers)
    draw = rng.random()
    if draw < 0.20:
        return "account", ACCOUNT, {"id": worker_id}, token, False
    if draw < 0.35:
        return "portfolio", PORTFOLIO, {}, tokens.expert, False
    if draw < 0.50:
        return "me", ME, {}, token, False
    if draw < 0.67:
        revenu = str(rng.randrange(10_000, 90_000))
        return "simulate", SIMULATE, {"r": revenu}, token, False
    if draw < 0.80:
        preview = rng.random() < 0.5
        estimate = {
            "travailleurId": worker_id,
            "annee": 2026,
            "montant": str(rng.randrange(20_000, 80_000)),
            "courriel": "bench@example.fr",
            "jaiEteInforme": True,
            "previsualisation": preview,
        }
        return f"estimate(preview={preview})", ESTIMATE, {"i": estimate}, token, True
    if draw < 0.90:
        contact = {
            "travailleurId": worker_id,
            "telephone": f"06{rng.randrange(10**8):08d}",
        }
        return "updateContact", CONTACT, {"i": contact}, token, True
    payment = {
        "travailleurId": worker_id,
        "montant": f"{rng.randrange(1, 50)}.00",
        "datePaiement": (TODAY - timedelta(days=1)).isoformat(),
        "mode": "VIREMENT",
        "reference": f"BENCH-{uuid.uuid4().hex[:10]}",
    }
    return "recordPaiement", PAY, {"i": payment}, tokens.agent, True


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL: {body['errors'][0].get('message')}")
    return body


async def login(http: httpx.AsyncClient, identifiant: str, mot_de_passe: str) -> str:
    body = await post(http, LOGIN, {"i": identifiant, "m": mot_de_passe}, None)
    token = body["data"]["login"]["accessToken"]
    if not token:
        raise RuntimeError(f"login {identifiant}: {body['data']['login']['userErrors']}")
    return str(token)


async def log_in_everyone(http: httpx.AsyncClient) -> Tokens:
    workers = []
    for identifiant, mot_de_passe in WORKERS:
        token = await login(http, identifiant, mot_de_passe)
        body = await post(http, MY_ID, {}, token)
        workers.append((token, body["data"]["me"]["travailleur"]["id"]))
    return Tokens(workers, await login(http, *AGENT), await login(http, *EXPERT))


async def drive(base_url: str, requests: int, clients: int, seed: int) -> Results:
    results = Results()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        tokens = await log_in_everyone(http)
        plan = random.Random(seed)
        queue = [request_for(plan, tokens) for _ in range(requests)]

        async def client() -> None:
            while queue:
                name, query, variables, token, is_write = queue.pop()
                started = time.perf_counter()
                try:
                    body = await post(http, query, variables, token)
                except Exception as error:  # every failure is counted, none stops the run
                    results.errors[name] += 1
                    if len(results.samples) < 5:
                        results.samples.append(f"{name}: {type(error).__name__} {error}")
                else:
                    payload = next(iter(body["data"].values()))
                    if isinstance(payload, dict) and payload.get("userErrors"):
                        results.user_errors[payload["userErrors"][0]["code"]] += 1
                elapsed = time.perf_counter() - started
                results.latencies.append(elapsed)
                if is_write:
                    results.writes += 1
                    results.write_latencies.append(elapsed)

        await asyncio.gather(*(client() for _ in range(clients)))
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_healthy(base_url: str, server: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        for _ in range(300):
            if server.returncode is not None:
                raise RuntimeError("the server exited during startup")
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


async def prepare(database_url: str, folder: Path) -> Settings:
    settings = Settings(database_url=database_url, today=TODAY, mail_dir=folder / "mail")
    await upgrade_async(database_url)
    await seed_demo_command(settings, only_if_empty=False)
    return settings


async def admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_on(name: str, database_url: str, args: argparse.Namespace, folder: Path) -> None:
    settings = await prepare(database_url, folder)
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GATEWAY_TODAY": TODAY.isoformat(),
        # Tokens are issued once, before the run: they must outlive it on a slow machine.
        "GATEWAY_TOKEN_TTL": "86400",
        "GATEWAY_MAIL_DIR": str(settings.mail_dir),
    }
    gateway = Path(sys.executable).parent / "gateway"
    log = (folder / f"server-{name}.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        str(gateway), "serve", "--port", str(port), env=environment, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base_url, server)
        load_before = os.getloadavg()
        started = time.perf_counter()
        results = await drive(base_url, args.requests, args.clients, args.seed)
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        server.terminate()
        await server.wait()
        log.close()
    report(name, results, wall, args.clients, folder / f"server-{name}.log")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}", end="")
    print(f" on {os.cpu_count()} cores")


def milliseconds(values: list[float]) -> str:
    if not values:
        return "-"
    p50, p99 = statistics.median(values), percentile(values, 0.99)
    return f"p50 {1000 * p50:.0f} ms, p99 {1000 * p99:.0f} ms"


def report(name: str, results: Results, wall: float, clients: int, server_log: Path) -> None:
    total = len(results.latencies)
    errors = sum(results.errors.values())
    write_errors = sum(n for op, n in results.errors.items() if op in WRITE_NAMES)
    locked = [
        line for line in server_log.read_text(errors="replace").splitlines() if "locked" in line
    ]
    print(
        f"\n== {name}: {total} requests ({results.writes} writes), {clients} clients, {wall:.1f} s"
    )
    print(f"errors: {errors} ({100 * errors / total:.2f} %)", end="")
    print(f", of writes: {write_errors} ({100 * write_errors / max(results.writes, 1):.2f} %)")
    print(f"latency: all {milliseconds(results.latencies)}", end="")
    print(f"; writes {milliseconds(results.write_latencies)}")
    print(
        f"throughput {total / wall:.1f} requests/s; 'locked' lines in the server log: {len(locked)}"
    )
    print(f"userErrors: {dict(results.user_errors)}; errors by operation: {dict(results.errors)}")
    for line in results.samples + locked[:3]:
        print(f"  e.g. {line[:160]}")


async def concurrency(args: argparse.Namespace) -> None:
    """8 and 32 concurrent clients on a synthetic cabinet (see the module's docstring)."""
    levels = [int(level) for level in args.levels.split(",")]
    documents = {path.stem: path.read_text() for path in h.QUERIES.glob("*.graphql")}
    rows: list[str] = []
    targets: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="bench-concurrency-"))
    try:
        for kind in args.databases.split(","):
            async with contextlib.AsyncExitStack() as stack:
                if kind == "postgresql":
                    database = await stack.enter_async_context(
                        h.postgres_database(args.postgres, "concurrency")
                    )
                else:
                    database = stack.enter_context(h.sqlite_database(folder, "concurrency"))
                h.log(f"{kind}: seeding {args.cabinet} clients")
                await h.seed(database, args.cabinet)
                gateway = await stack.enter_async_context(h.gateway_server(database, folder))
                peer = None
                if kind == "postgresql" and h.peer_available() is None:
                    peer = await stack.enter_async_context(h.postgraphile_server(database, folder))
                limits = httpx.Limits(max_connections=max(levels) + 4)
                http = await stack.enter_async_context(
                    httpx.AsyncClient(timeout=900, limits=limits)
                )
                admin = await h.login(http, gateway, *h.ADMIN)
                nir = await first_worker(database)
                worker = await h.login(http, gateway, nir, h.WORKER_PASSWORD)
                ours = await page_cursors(
                    http, gateway, documents["gateway-cursors"], "portfolio", admin
                )
                theirs = []
                if peer is not None:
                    theirs = await page_cursors(
                        http, peer, documents["postgraphile-cursors"], "allTravailleurs", None
                    )
                plans = [
                    (
                        "gateway, full dashboard page of 50",
                        gateway,
                        "gateway-dashboard",
                        admin,
                        ours,
                    ),
                    ("PostGraphile, page of 50", peer, "postgraphile-same-fields", None, theirs),
                    ("gateway, me { travailleur { nom } }", gateway, "gateway-me", worker, []),
                ]
                for level in levels:
                    for label, server, name, token, cursors in plans:
                        if server is None:
                            continue
                        count = (
                            args.me_requests
                            if name == "gateway-me"
                            else args.pages_per_client * level
                        )
                        outcome, p99, rate, cpu = await hammer(
                            http, server, documents[name], token, cursors, level, count
                        )
                        rows.append(f"| {kind} | {level} | {label} | {outcome} |")
                        if name == "gateway-me" and level == 8:
                            targets.append(
                                f"| {kind}, 8 clients: me ≥ 500 requests/s and ≤ 1.5 ms CPU "
                                f"| {rate:.0f} requests/s, {h.ms(cpu)} ms "
                                f"| {yes(rate >= 500 and cpu <= 0.0015)} |"
                            )
                        if name == "gateway-dashboard" and level == 32:
                            targets.append(
                                f"| {kind}, 32 clients: dashboard page of 50, p99 < 2 s "
                                f"| {h.ms(p99)} ms | {yes(p99 < 2)} |"
                            )
                        h.log(f"{kind}, {level} clients, {label}: {outcome}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n### Concurrent clients, synthetic cabinet of {args.cabinet} clients\n")
    print(f"Machine: {h.machine()}.\n")
    print("| database | clients | request | p50 / p99 | throughput | server CPU / request |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print("\nServer CPU is the server process's own utime + stime over the run / requests.")
    print("\n| target (issue 11) | measured | met |\n|---|---|---|")
    for row in targets:
        print(row)


def yes(met: bool) -> str:
    return "yes" if met else "**no**"


async def first_worker(database: Any) -> str:
    """The login (NIR) of one synthetic worker."""
    sql = "SELECT identifiant FROM utilisateur WHERE role = 'TRAVAILLEUR' ORDER BY id LIMIT 1"
    if database.libpq_url:
        import asyncpg

        connection = await asyncpg.connect(database.libpq_url)
        try:
            return str(await connection.fetchval(sql))
        finally:
            await connection.close()
    import sqlite3

    path = database.sqlalchemy_url.split(":///", 1)[1]
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute(sql).fetchone()[0])


async def page_cursors(
    http: httpx.AsyncClient, server: Any, document: str, root: str, token: str | None
) -> list[str | None]:
    """The cursor of each page start of 50 (untimed walk)."""
    cursors: list[str | None] = [None]
    while len(cursors) < 40:
        _, data = await h.graphql(
            http, server.url, document, {"first": 50, "after": cursors[-1]}, token
        )
        info = data[root]["pageInfo"]
        if not info["hasNextPage"]:
            break
        cursors.append(info["endCursor"])
    return cursors


async def hammer(
    http: httpx.AsyncClient,
    server: Any,
    document: str,
    token: str | None,
    cursors: list[str | None],
    level: int,
    count: int,
) -> tuple[str, float, float, float]:
    """``count`` requests from ``level`` concurrent clients; latency, throughput, CPU."""
    queue = list(range(count))
    latencies: list[float] = []
    errors: Counter[str] = Counter()

    async def client() -> None:
        while queue:
            index = queue.pop()
            variables = {"first": 50, "after": cursors[index % len(cursors)]} if cursors else {}
            try:
                elapsed, _ = await h.graphql(http, server.url, document, variables, token)
            except Exception as error:  # counted, the run goes on
                errors[str(error)[:80]] += 1
                continue
            latencies.append(elapsed)

    cpu = server.cpu()
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(level)))
    wall = time.perf_counter() - started
    cpu = server.cpu() - cpu
    unit = "requests/s" if not cursors else "pages/s"
    failed = f"; {sum(errors.values())} errors {dict(errors)}" if errors else ""
    p99, rate = h.percentile(latencies, 0.99), len(latencies) / wall
    text = (
        f"{h.ms(h.median(latencies))} / {h.ms(p99)} ms "
        f"| {rate:.1f} {unit} ({count} requests{failed}) "
        f"| {h.ms(cpu / count)} ms"
    )
    return text, p99, rate, cpu / count


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenario", default="concurrency,mixed", help="concurrency,mixed")
    parser.add_argument("--quick", action="store_true", help="short runs of both scenarios")
    parser.add_argument("--requests", type=int, default=2000, help="mixed: requests")
    parser.add_argument("--clients", type=int, default=16, help="mixed: concurrent clients")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the databases' folder and logs")
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/", help="server URL"
    )
    parser.add_argument("--levels", default="8,32", help="concurrency: concurrent clients")
    parser.add_argument("--cabinet", type=int, default=1000, help="concurrency: cabinet size")
    parser.add_argument(
        "--pages-per-client", type=int, default=3, help="concurrency: dashboard pages per client"
    )
    parser.add_argument("--me-requests", type=int, default=2000, help="concurrency: me requests")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.pages_per_client, args.me_requests = 300, 2, 500
    scenarios = args.scenario.split(",")
    if "concurrency" in scenarios:
        await concurrency(args)
    if "mixed" in scenarios:
        await mixed(args)


async def mixed(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        for name in args.databases.split(","):
            if name == "sqlite":
                await run_on(name, f"sqlite+aiosqlite:///{folder / 'load.sqlite3'}", args, folder)
                continue
            server = make_url(args.postgres).set(drivername="postgresql+asyncpg")
            database = f"bench_load_{os.getpid()}"
            maintenance = server.set(database="postgres").render_as_string(hide_password=False)
            await admin(maintenance, f'CREATE DATABASE "{database}"')
            try:
                url = server.set(database=database).render_as_string(hide_password=False)
                await run_on(name, url, args, folder)
            finally:
                await admin(maintenance, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
