"""The portfolio dashboard side by side with PostGraphile, on one PostgreSQL database.

Creates a PostgreSQL database, seeds it with ``gateway seed synthetic --clients N``
(then ANALYZE), starts the gateway (``gateway serve``, one real server process) and
PostGraphile 5.1.5 (bench/peer, install it once with ``bench/peer/setup.sh``) on it,
logs in as the cabinet's administrator, then for each page size (50, 100, 500):

* walks the portfolio once, untimed, to collect the cursor of each page start on both
  sides (rounds go round these pages: each round reads another page);
* per round: a write through the gateway (``updateContact``: a client of the page gets a
  new telephone number, which both sides must then show), then the gateway's page with
  PostGraphile's fields (A) and PostGraphile's page (B), alternately A B and B A, then
  the gateway's full dashboard (C) and the asyncpg + orjson floor (D, in this process,
  no HTTP), each timed from
  the client (request sent to response received);
* checks that A, B and D hold the same rows (same clients, order and nested lists, the
  new telephone number included) and fails loudly otherwise.

Prints, as Markdown: median times and the medians of the per-round paired ratios to
PostGraphile; the gateway process's own CPU time per request (utime + stime from
/proc/<pid>/stat, so 10 ms ticks: read it over many rounds), PostGraphile's likewise;
SQL statements per request (the gateway's /metrics counter); the gateway's peak RSS
above its idle RSS during each page size. The query documents are the files of
bench/queries/. Nothing asserts a target (not a test).

    .venv/bin/python bench/dashboard.py               # 1 000 clients, 12 rounds per size
    .venv/bin/python bench/dashboard.py --quick       # 1 000 clients, 4 rounds, a few minutes
    .venv/bin/python bench/dashboard.py --clients 5000 --pages 50,500
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

try:
    import orjson
except ImportError:  # the floor is then skipped, with the reason
    orjson = None

CENT = Decimal("0.01")

Row = tuple[Any, ...]


# -- the same rows, whichever side served them -----------------------------------------


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


def _cents(value: Any) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(CENT)


def gateway_rows(nodes: list[dict[str, Any]]) -> list[Row]:
    return [
        (
            n["nir"],
            n["nom"],
            n["prenom"],
            n["telephone"],
            n["regime"],
            n["situation"],
            n["dateDebutActivite"],
            tuple((e["siret"], e["enseigne"]) for e in n["etablissements"]),
            tuple((p["datePaiement"], _money(p["montant"])) for p in n["paiements"]["nodes"]),
            tuple(
                (e["dateEcheance"], _money(e["montant"]), _money(e["montantPaye"]))
                for e in (n.get("echeances") or {"nodes": []})["nodes"]
            ),
        )
        for n in nodes
    ]


def postgraphile_rows(nodes: list[dict[str, Any]]) -> list[Row]:
    return [
        (
            n["nir"],
            n["nom"],
            n["prenom"],
            n["telephone"],
            n["regime"],
            n["situation"],
            n["dateDebutActivite"],
            tuple((e["siret"], e["enseigne"]) for e in n["etablissementsByTravailleurId"]["nodes"]),
            tuple(
                (p["datePaiement"], _cents(p["montant"]))
                for p in n["paiementsByTravailleurId"]["nodes"]
            ),
            tuple(
                (e["dateEcheance"], _cents(e["montant"]), _cents(e["montantPaye"]))
                for e in n["echeancesByTravailleurId"]["nodes"]
            ),
        )
        for n in nodes
    ]


def floor_rows(nodes: list[dict[str, Any]]) -> list[Row]:
    return [
        (
            n["nir"],
            n["nom"],
            n["prenom"],
            n["telephone"],
            n["regime"],
            n["situation"],
            n["dateDebutActivite"],
            tuple((e["siret"], e["enseigne"]) for e in n["etablissements"]),
            tuple((p["datePaiement"], _money(p["montant"])) for p in n["paiements"]),
            tuple(
                (e["dateEcheance"], _money(e["montant"]), _money(e["montantPaye"]))
                for e in n["echeances"]
            ),
        )
        for n in nodes
    ]


def check_same(label: str, expected: list[Row], actual: list[Row]) -> None:
    if expected == actual:
        return
    for index, (a, b) in enumerate(zip(expected, actual, strict=False)):
        if a != b:
            raise SystemExit(f"{label}: row {index} differs:\n  gateway {a}\n  other   {b}")
    raise SystemExit(f"{label}: {len(expected)} rows against {len(actual)}")


# -- the floor: one statement with asyncpg, the response encoded with orjson -----------


class Floor:
    """The same-fields page as fast as Python can serve it: one planned statement,
    nested lists built by PostgreSQL, one orjson encoding."""

    def __init__(self, pool: asyncpg.Pool, cabinet_id: int) -> None:
        self.pool = pool
        self.cabinet_id = cabinet_id
        self.sql = (h.QUERIES / "floor-same-fields.sql").read_text()

    async def page(self, offset: int, first: int) -> tuple[float, bytes]:
        assert orjson is not None
        loads = orjson.loads
        started = h.time.perf_counter()
        async with self.pool.acquire() as connection:
            records = await connection.fetch(self.sql, self.cabinet_id, offset, first)
        nodes = [
            {
                "nir": r["nir"],
                "nom": r["nom"],
                "prenom": r["prenom"],
                "telephone": r["telephone"],
                "regime": r["regime"],
                "situation": r["situation"],
                "dateDebutActivite": r["date_debut_activite"],
                "etablissements": loads(r["etablissements"]),
                "paiements": loads(r["paiements"]),
                "echeances": loads(r["echeances"]),
            }
            for r in records
        ]
        body = orjson.dumps({"data": {"portfolio": {"nodes": nodes}}})
        return h.time.perf_counter() - started, body


# -- one page size ---------------------------------------------------------------------


@dataclass
class Figures:
    first: int
    same: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    cpu_same: list[float] = field(default_factory=list)
    cpu_full: list[float] = field(default_factory=list)
    cpu_peer: list[float] = field(default_factory=list)
    sql_same: list[float] = field(default_factory=list)
    sql_full: list[float] = field(default_factory=list)
    peak_kib: int = 0
    pages: int = 0

    def paired(self, side: list[float]) -> float:
        return h.median([a / b for a, b in zip(side, self.peer, strict=False)])


@dataclass
class Sides:
    http: httpx.AsyncClient
    gateway: h.Server
    peer: h.Server
    token: str
    floor: Floor | None
    idle_kib: int
    documents: dict[str, str]


async def cursors(
    sides: Sides, first: int, pages: int
) -> tuple[list[str | None], list[str | None], list[str], list[int]]:
    """Cursors of the first ``pages`` page starts on both sides, a client id of each
    gateway page (the write's target) and each page's offset (the floor's)."""
    ours: list[str | None] = [None]
    theirs: list[str | None] = [None]
    targets: list[str] = []
    offsets: list[int] = [0]
    while True:
        _, data = await h.graphql(
            sides.http,
            sides.gateway.url,
            sides.documents["gateway-cursors"],
            {"first": first, "after": ours[-1]},
            sides.token,
        )
        _, peer = await h.graphql(
            sides.http,
            sides.peer.url,
            sides.documents["postgraphile-cursors"],
            {"first": first, "after": theirs[-1]},
        )
        nodes = data["portfolio"]["nodes"]
        if [n["nir"] for n in nodes] != [n["nir"] for n in peer["allTravailleurs"]["nodes"]]:
            raise SystemExit(f"page {len(targets)} of {first}: the two sides differ")
        targets.append(nodes[len(nodes) // 2]["id"])
        info = data["portfolio"]["pageInfo"]
        if not info["hasNextPage"] or len(targets) >= pages:
            break
        ours.append(info["endCursor"])
        theirs.append(peer["allTravailleurs"]["pageInfo"]["endCursor"])
        offsets.append(offsets[-1] + first)
    return ours[: len(targets)], theirs[: len(targets)], targets, offsets[: len(targets)]


async def measure(sides: Sides, first: int, rounds: int, rng: random.Random) -> Figures:
    figures = Figures(first)
    ours, theirs, targets, offsets = await cursors(sides, first, rounds)
    figures.pages = len(targets)
    gw, peer, http, token = sides.gateway, sides.peer, sides.http, sides.token
    h.reset_peak_memory(gw.pid)
    for index in range(rounds):
        page = index % len(targets)
        variables = {"first": first, "after": ours[page]}
        telephone = f"06{rng.randrange(10**8):08d}"
        _, written = await h.graphql(
            http,
            gw.url,
            sides.documents["gateway-write"],
            {"input": {"travailleurId": targets[page], "telephone": telephone}},
            token,
        )
        if written["updateContact"]["userErrors"]:
            raise SystemExit(f"the write was refused: {written['updateContact']['userErrors']}")

        async def gateway_page(
            document: str, variables: dict[str, Any] = variables
        ) -> tuple[float, float, float, dict[str, Any]]:
            statements = await h.sql_statements_total(http, gw)
            cpu = gw.cpu()
            elapsed, data = await h.graphql(http, gw.url, document, variables, token)
            cpu = gw.cpu() - cpu
            statements = await h.sql_statements_total(http, gw) - statements
            return elapsed, cpu, statements, data

        async def peer_page(
            after: str | None = theirs[page],
        ) -> tuple[float, float, dict[str, Any]]:
            cpu = peer.cpu()
            elapsed, data = await h.graphql(
                http,
                peer.url,
                sides.documents["postgraphile-same-fields"],
                {"first": first, "after": after},
            )
            return elapsed, peer.cpu() - cpu, data

        if index % 2 == 0:
            same = await gateway_page(sides.documents["gateway-same-fields"])
            theirs_page = await peer_page()
        else:
            theirs_page = await peer_page()
            same = await gateway_page(sides.documents["gateway-same-fields"])
        full = await gateway_page(sides.documents["gateway-dashboard"])

        expected = gateway_rows(same[3]["portfolio"]["nodes"])
        check_same(
            f"page of {first}, PostGraphile",
            expected,
            postgraphile_rows(theirs_page[2]["allTravailleurs"]["nodes"]),
        )
        dashboard = [edge["node"] for edge in full[3]["portfolio"]["edges"]]
        check_same(f"page of {first}, full dashboard", expected, gateway_rows(dashboard))
        if telephone not in {row[3] for row in expected}:
            raise SystemExit(f"page of {first}: the write between rounds is not seen")
        if sides.floor is not None:
            elapsed, body = await sides.floor.page(offsets[page], first)
            figures.floor.append(elapsed)
            floor_nodes = orjson.loads(body)["data"]["portfolio"]["nodes"]
            check_same(f"page of {first}, floor", expected, floor_rows(floor_nodes))

        figures.same.append(same[0])
        figures.cpu_same.append(same[1])
        figures.sql_same.append(same[2])
        figures.peer.append(theirs_page[0])
        figures.cpu_peer.append(theirs_page[1])
        figures.full.append(full[0])
        figures.cpu_full.append(full[1])
        figures.sql_full.append(full[2])
    figures.peak_kib = h.memory_kib(gw.pid)[1] - sides.idle_kib
    return figures


# -- report ----------------------------------------------------------------------------


def yes(met: bool) -> str:
    return "yes" if met else "**no**"


def report(results: list[Figures], clients: int, rounds: int, notes: list[str]) -> str:
    lines = [
        f"### Dashboard page, {clients} clients, PostgreSQL, {rounds} rounds per page size",
        "",
        f"Machine: {h.machine()}.",
        "Median time per request; in brackets the median of the per-round paired ratios "
        "to PostGraphile's page (< 1× is faster than PostGraphile).",
        "",
        "| page of | gateway, full dashboard | gateway, same fields as PostGraphile "
        "| PostGraphile | asyncpg + orjson floor |",
        "|---|---|---|---|---|",
    ]
    for f in results:
        floor = f"{h.ms(h.median(f.floor))} ms ({h.ratio(f.paired(f.floor))})" if f.floor else "–"
        lines.append(
            f"| {f.first} | {h.ms(h.median(f.full))} ms ({h.ratio(f.paired(f.full))}) "
            f"| {h.ms(h.median(f.same))} ms ({h.ratio(f.paired(f.same))}) "
            f"| {h.ms(h.median(f.peer))} ms | {floor} |"
        )
    lines += [
        "",
        "| page of | gateway CPU / request: full, same fields | PostGraphile CPU / request "
        "| SQL statements / request: full, same fields | gateway peak RSS above idle |",
        "|---|---|---|---|---|",
    ]
    for f in results:
        cpu_full, cpu_same = sum(f.cpu_full) / rounds, sum(f.cpu_same) / rounds
        cpu_peer = sum(f.cpu_peer) / rounds
        lines.append(
            f"| {f.first} | {h.ms(cpu_full)} ms, {h.ms(cpu_same)} ms "
            f"({h.ratio(cpu_same / cpu_peer if cpu_peer else float('nan'))} PostGraphile's) "
            f"| {h.ms(cpu_peer)} ms | {max(f.sql_full):.0f}, {max(f.sql_same):.0f} "
            f"| {f.peak_kib / 1024:.0f} MB |"
        )
    lines += ["", "| target (issue 11) | measured | met |", "|---|---|---|"]
    for f in results:
        same, full = f.paired(f.same), f.paired(f.full)
        lines.append(
            f"| page of {f.first}, same fields ≤ 1.0× PostGraphile | {h.ratio(same)} "
            f"| {yes(same <= 1.0)} |"
        )
        lines.append(
            f"| page of {f.first}, full dashboard ≤ 1.5× PostGraphile's page | {h.ratio(full)} "
            f"| {yes(full <= 1.5)} |"
        )
    for f in results:
        if f.first == 500:
            peak = f.peak_kib / 1024
            lines.append(
                f"| page of 500: ≤ 100 MB above the idle process | {peak:.0f} MB "
                f"| {yes(peak <= 100)} |"
            )
    pages = ", ".join(f"{f.pages} pages of {f.first}" for f in results)
    lines += [
        "",
        f"Rounds cycle through {pages}; a write (updateContact) precedes each round. "
        "CPU is the server process's utime + stime (10 ms ticks) averaged over the rounds.",
    ]
    lines += notes
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> None:
    missing = h.peer_available()
    if missing:
        raise SystemExit(missing)
    pages = [int(p) for p in args.pages.split(",")]
    documents = {path.stem: path.read_text() for path in h.QUERIES.glob("*.graphql")}
    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    rng = random.Random(args.seed)
    try:
        async with h.postgres_database(args.postgres, "dashboard", keep=args.keep) as database:
            h.log(f"seeding {args.clients} clients into {database.libpq_url}")
            seconds = await h.seed(database, args.clients)
            h.log(f"seeded and analysed in {seconds:.1f} s")
            async with (
                h.gateway_server(database, folder) as gateway,
                h.postgraphile_server(database, folder) as peer,
                httpx.AsyncClient(timeout=600) as http,
            ):
                token = await h.login(http, gateway, *h.ADMIN)
                floor: Floor | None = None
                notes = [] if orjson else ["Floor not measured: orjson is not installed."]
                pool = await asyncpg.create_pool(database.libpq_url, min_size=1, max_size=1)
                try:
                    if orjson is not None:
                        cabinet = await pool.fetchval(
                            "SELECT cabinet_id FROM utilisateur WHERE identifiant = $1",
                            h.ADMIN[0],
                        )
                        floor = Floor(pool, cabinet)
                    # Warm-up: first requests compile and fill the servers' plan caches.
                    for _ in range(2):
                        for name, server, auth in (
                            ("gateway-same-fields", gateway, token),
                            ("gateway-dashboard", gateway, token),
                            ("postgraphile-same-fields", peer, None),
                        ):
                            await h.graphql(http, server.url, documents[name], {"first": 50}, auth)
                    idle = h.memory_kib(gateway.pid)[0]
                    sides = Sides(http, gateway, peer, token, floor, idle, documents)
                    results = []
                    for first in pages:
                        h.log(f"pages of {first}: {args.rounds} rounds")
                        try:
                            results.append(await measure(sides, first, args.rounds, rng))
                        except h.GraphQLError as error:  # report what was measured
                            h.log(f"pages of {first} stopped: {error}")
                            notes.append(f"Pages of {first} stopped: {error}")
                            break
                finally:
                    await pool.close()
        print(report(results, args.clients, args.rounds, notes))
    finally:
        if args.keep:
            h.log(f"kept the servers' logs in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Prints a Markdown table; progress goes to stderr.",
    )
    parser.add_argument("--clients", type=int, default=1000, help="size of the cabinet")
    parser.add_argument("--pages", default="50,100,500", help="page sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=12, help="rounds per page size")
    parser.add_argument("--quick", action="store_true", help="4 rounds per page size")
    parser.add_argument("--seed", type=int, default=1, help="seed of the written values")
    parser.add_argument(
        "--postgres", default=h.DEFAULT_POSTGRES, help="PostgreSQL server (a database is created)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 4
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
