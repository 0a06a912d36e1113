"""What the side-by-side benchmarks share: databases, real server processes, probes.

* a fresh database per run (PostgreSQL: a uniquely named one on the server, dropped at
  the end; SQLite: a file in a temporary folder), migrated and seeded with the real
  command line (``gateway db upgrade``, ``gateway seed synthetic``), then ``ANALYZE``;
* the gateway as a real server process (``gateway serve``), and PostGraphile
  (``bench/peer/server.mjs``) on the same PostgreSQL database;
* the gateway process's own CPU time and resident memory from ``/proc/<pid>`` (Linux),
  its SQL statement count from its ``/metrics`` counters.

Nothing here is cached across requests: every figure is a real HTTP request.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QUERIES = BENCH / "queries"
PEER = BENCH / "peer"
BIN = Path(sys.executable).parent
#: The clock of every benchmark database: the seed and the servers agree on "today".
TODAY = "2026-11-23"
SEED = 1
ADMIN = (f"admin@synthetique-{SEED}.fr", "synthetic-admin")
WORKER_PASSWORD = "synthetic-travailleur"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def query(name: str) -> str:
    """A committed query document of bench/queries/."""
    return (QUERIES / name).read_text()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- databases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    kind: str  # "postgresql" or "sqlite"
    sqlalchemy_url: str  # what the gateway is given (DATABASE_URL)
    libpq_url: str | None  # what PostGraphile and asyncpg are given (PostgreSQL only)


def _server_url(server: str, database: str) -> str:
    base = server.rstrip("/")
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", base)
    return f"{base}/{database}"


@contextlib.asynccontextmanager
async def postgres_database(server: str, label: str, keep: bool = False) -> AsyncIterator[Database]:
    """A new, uniquely named database on ``server`` (dropped at the end unless ``keep``)."""
    name = f"bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(_server_url(server, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = _server_url(server, name)
    try:
        yield Database("postgresql", url.replace("postgresql://", "postgresql+asyncpg://"), url)
    finally:
        if keep:
            log(f"kept database {url}")
        else:
            admin = await asyncpg.connect(_server_url(server, "postgres"))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


@contextlib.contextmanager
def sqlite_database(folder: Path, label: str) -> Iterator[Database]:
    path = folder / f"{label}.sqlite3"
    yield Database("sqlite", f"sqlite+aiosqlite:///{path}", None)


def environment(database: Database, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database.sqlalchemy_url,
        "GATEWAY_TODAY": TODAY,
        # Tokens are issued once, before the rounds: they must outlive a slow run.
        "GATEWAY_TOKEN_TTL": "86400",
        # A slow page must be measured, not cut at the production deadline (10 s).
        "GATEWAY_REQUEST_TIMEOUT": "600",
        # The rate limit still runs (its work is measured) but refills faster than one
        # principal's back-to-back pages of 500 spend it: pages are measured, not waits.
        "GATEWAY_RATE_LIMIT_RESTORE_RATE": "100000000",
        **extra,
    }


async def seed(database: Database, clients: int) -> float:
    """Migrate, seed ``clients`` synthetic clients with the real CLI, then ANALYZE.
    Returns the seeding time in seconds."""
    env = environment(database)
    started = time.perf_counter()
    for command in (["db", "upgrade"], ["seed", "synthetic", "--clients", str(clients)]):
        process = await asyncio.create_subprocess_exec(
            str(BIN / "gateway"),
            *command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, errors = await process.communicate()
        if process.returncode != 0:
            tail = errors.decode(errors="replace")[-2000:]
            raise RuntimeError(f"gateway {' '.join(command)} failed:\n{tail}")
    if database.libpq_url:
        connection = await asyncpg.connect(database.libpq_url)
        try:
            await connection.execute("ANALYZE")
        finally:
            await connection.close()
    else:
        path = database.sqlalchemy_url.split(":///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("ANALYZE")
    return time.perf_counter() - started


# -- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (its threads included)."""
    with contextlib.suppress(OSError):
        fields = _stat(pid)
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0  # a process that has ended


def child_processes(pid: int) -> list[int]:
    """The process's children (a server's worker processes, if it ever runs some)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if _stat(int(entry.name))[1] == str(pid):
                    found.append(int(entry.name))
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of the process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1])
    return values["VmRSS"], values["VmHWM"]


def reset_peak_memory(pid: int) -> None:
    """Start a new peak (VmHWM) from the current RSS (Linux clear_refs, value 5)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Server:
    name: str
    url: str  # the GraphQL endpoint
    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    children: tuple[int, ...] = ()

    def cpu(self) -> float:
        """CPU time of the server, its worker processes (found at its start) included."""
        return sum(cpu_seconds(pid) for pid in (self.pid, *self.children))


async def _wait(server: Server, probe: httpx.AsyncClient, check: Any) -> None:
    for _ in range(600):
        if server.process.returncode is not None:
            tail = server.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.name} exited during startup:\n{tail}")
        with contextlib.suppress(httpx.TransportError):
            if await check(probe):
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{server.name} did not start")


@contextlib.asynccontextmanager
async def gateway_server(database: Database, folder: Path) -> AsyncIterator[Server]:
    """``gateway serve`` on a free port (one process, as deployed), logs in ``folder``."""
    port = free_port()
    log_path = folder / f"gateway-{database.kind}-{port}.log"
    with log_path.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(BIN / "gateway"),
            "serve",
            "--port",
            str(port),
            env=environment(database, GATEWAY_MAIL_DIR=str(folder / "mail")),
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    server = Server("gateway", f"{base}/graphql", process, log_path)
    try:
        async with httpx.AsyncClient(base_url=base) as probe:

            async def healthy(http: httpx.AsyncClient) -> bool:
                return (await http.get("/health")).status_code == 200

            await _wait(server, probe, healthy)
        server.children = tuple(child_processes(server.pid))
        yield server
    finally:
        await _stop(process)


def peer_available() -> str | None:
    """None when PostGraphile can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (PEER / "node_modules" / "postgraphile").is_dir():
        return "PostGraphile is not installed: run bench/peer/setup.sh"
    return None


@contextlib.asynccontextmanager
async def postgraphile_server(database: Database, folder: Path) -> AsyncIterator[Server]:
    """PostGraphile 5 (bench/peer) serving the same PostgreSQL tables."""
    assert database.libpq_url, "PostGraphile serves PostgreSQL only"
    port = free_port()
    log_path = folder / f"postgraphile-{port}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database.libpq_url,
        "PORT": str(port),
        "NODE_ENV": "production",
    }
    with log_path.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            "node", str(PEER / "server.mjs"), cwd=PEER, env=env, stdout=output, stderr=output
        )
    server = Server("postgraphile", f"http://127.0.0.1:{port}/graphql", process, log_path)
    try:
        async with httpx.AsyncClient() as probe:

            async def ready(http: httpx.AsyncClient) -> bool:
                answer = await http.post(server.url, json={"query": "{ __typename }"})
                return answer.status_code == 200

            await _wait(server, probe, ready)
        yield server
    finally:
        await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


# -- GraphQL -----------------------------------------------------------------------------


class GraphQLError(RuntimeError):
    pass


async def graphql(
    http: httpx.AsyncClient,
    url: str,
    document: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> tuple[float, dict[str, Any]]:
    """(seconds until the whole response was received, its data); errors raise."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = await http.post(
        url, json={"query": document, "variables": variables or {}}, headers=headers
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise GraphQLError(f"HTTP {response.status_code}: {response.text[:300]}")
    body = response.json()
    if body.get("errors"):
        raise GraphQLError(f"{url}: {body['errors'][0].get('message')}")
    data: dict[str, Any] = body["data"]
    return elapsed, data


LOGIN = """mutation Login($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken userErrors { code message } }
}"""


async def login(http: httpx.AsyncClient, server: Server, identifiant: str, secret: str) -> str:
    _, data = await graphql(http, server.url, LOGIN, {"i": identifiant, "m": secret})
    token = data["login"]["accessToken"]
    if not token:
        raise GraphQLError(f"login {identifiant}: {data['login']['userErrors']}")
    return str(token)


async def sql_statements_total(http: httpx.AsyncClient, server: Server) -> float:
    """The gateway's running total of SQL statements (its /metrics histogram's sum)."""
    text = (await http.get(server.url.removesuffix("/graphql") + "/metrics")).text
    match = re.search(r"^gateway_sql_statements_per_request_sum\s+(\S+)$", text, re.M)
    return float(match.group(1)) if match else float("nan")


# -- figures -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN: not measured
        return "–"
    value = seconds * 1000
    return f"{value:,.0f}".replace(",", " ") if value >= 100 else f"{value:.1f}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ratio(value: float) -> str:
    if value != value:
        return "–"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def machine() -> str:
    """The machine and the load seen, for the tables' captions."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({model}), load average {load[0]:.1f} / {load[1]:.1f} "
        f"(1 / 5 min), Python {sys.version.split()[0]}"
    )
