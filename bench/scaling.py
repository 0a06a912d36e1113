"""The same pages and the portfolio totals as the cabinet grows, on both databases.

For each cabinet size (1 000, 5 000, 10 000 clients) and each database (PostgreSQL,
then SQLite, the embedded default): a fresh database seeded with ``gateway seed
synthetic --clients N`` (then ANALYZE), a real ``gateway serve`` process, and on
PostgreSQL PostGraphile (bench/peer) on the same tables. Per round, after a write
through the gateway (``updateContact``), each of these is timed once:

* the page of 500 with PostGraphile's fields (gateway-same-fields.graphql), and
  PostGraphile's own (postgraphile-same-fields.graphql, PostgreSQL only);
* the full dashboard page of 500 (gateway-dashboard.graphql);
* ``resume``, the totals of the whole portfolio (gateway-resume.graphql);
* a page of 50 sorted by the overdue amount (descending) and by the next due date,
  and one filtered on the attestation de vigilance (gateway-indicator-*.graphql).

Rounds go round the pages of 500 (the cursor changes each round). Prints a Markdown
table of medians, then how each figure grows from the smallest to the largest cabinet
(flat is 1.00×) and SQLite against PostgreSQL. Nothing asserts a target (not a test).

    .venv/bin/python bench/scaling.py                    # 1 000 / 5 000 / 10 000, 3 rounds
    .venv/bin/python bench/scaling.py --quick            # 1 000 / 5 000, 2 rounds
    .venv/bin/python bench/scaling.py --sizes 1000,10000 --databases sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

PAGE = 500
#: (label, document, variables, on PostGraphile?) in the order of the table.
MEASURES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("page of 500, same fields", "gateway-same-fields", {}, False),
    ("page of 500, PostGraphile", "postgraphile-same-fields", {}, True),
    ("page of 500, full dashboard", "gateway-dashboard", {}, False),
    ("resume (whole portfolio)", "gateway-resume", {}, False),
    (
        "50 sorted by overdue amount",
        "gateway-indicator-sort",
        {"tri": "MONTANT_EN_RETARD", "sens": "DESC"},
        False,
    ),
    ("50 sorted by next due date", "gateway-indicator-sort", {"tri": "PROCHAINE_ECHEANCE"}, False),
    ("50 filtered on vigilance", "gateway-indicator-filter", {}, False),
]

Timings = dict[tuple[str, str, int], list[float]]
#: Measures the gateway refused (e.g. over its cost budget), with its message.
REFUSED: dict[tuple[str, str, int], str] = {}


async def page_starts(
    http: httpx.AsyncClient,
    server: h.Server,
    document: str,
    root: str,
    token: str | None,
    pages: int,
) -> tuple[list[str | None], list[str]]:
    """Cursors of the first ``pages`` page starts of 500 (and a node id of each page, on
    the gateway): the rounds go round them."""
    cursors: list[str | None] = [None]
    ids: list[str] = []
    while len(cursors) <= pages:
        _, data = await h.graphql(
            http, server.url, document, {"first": PAGE, "after": cursors[-1]}, token
        )
        nodes = data[root]["nodes"]
        ids.append(nodes[0].get("id", ""))
        info = data[root]["pageInfo"]
        if not info["hasNextPage"] or len(cursors) == pages:
            return cursors, ids
        cursors.append(info["endCursor"])
    return cursors, ids


def paged(
    name: str, variables: dict[str, Any], after: str | None = None, first: int = PAGE
) -> dict[str, Any]:
    """The variables of a measure; the pages also get their size and cursor."""
    if name.endswith(("same-fields", "dashboard")):
        return {**variables, "first": first, "after": after}
    return variables


@contextlib.asynccontextmanager
async def database_for(
    kind: str, args: argparse.Namespace, folder: Path, clients: int
) -> AsyncIterator[h.Database]:
    if kind == "postgresql":
        async with h.postgres_database(args.postgres, f"scaling_{clients}") as database:
            yield database
    else:
        with h.sqlite_database(folder, f"scaling-{clients}") as database:
            yield database


async def one_cabinet(
    kind: str, clients: int, args: argparse.Namespace, folder: Path, timings: Timings
) -> None:
    documents = {path.stem: path.read_text() for path in h.QUERIES.glob("*.graphql")}
    rng = random.Random(clients)
    async with database_for(kind, args, folder, clients) as database:
        h.log(f"{kind}, {clients} clients: seeding")
        seconds = await h.seed(database, clients)
        h.log(f"{kind}, {clients} clients: seeded and analysed in {seconds:.1f} s")
        async with contextlib.AsyncExitStack() as stack:
            gateway = await stack.enter_async_context(h.gateway_server(database, folder))
            peer = None
            if kind == "postgresql" and h.peer_available() is None:
                peer = await stack.enter_async_context(h.postgraphile_server(database, folder))
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=900))
            token = await h.login(http, gateway, *h.ADMIN)
            ours, targets = await page_starts(
                http, gateway, documents["gateway-cursors"], "portfolio", token, args.rounds
            )
            theirs: list[str | None] = []
            if peer is not None:
                theirs, _ = await page_starts(
                    http,
                    peer,
                    documents["postgraphile-cursors"],
                    "allTravailleurs",
                    None,
                    args.rounds,
                )
            for _label, name, variables, on_peer in MEASURES:  # warm-up, untimed
                if on_peer and peer is None:
                    continue
                server, auth = (peer, None) if on_peer else (gateway, token)
                assert server is not None
                with contextlib.suppress(h.GraphQLError):  # a refusal shows in the rounds
                    await h.graphql(
                        http, server.url, documents[name], paged(name, variables, first=50), auth
                    )
            for index in range(args.rounds):
                page = index % len(ours)
                telephone = f"06{rng.randrange(10**8):08d}"
                await h.graphql(
                    http,
                    gateway.url,
                    documents["gateway-write"],
                    {"input": {"travailleurId": targets[page], "telephone": telephone}},
                    token,
                )
                for label, name, variables, on_peer in MEASURES:
                    if on_peer and peer is None:
                        continue
                    server, auth = (peer, None) if on_peer else (gateway, token)
                    assert server is not None
                    after = theirs[page % len(theirs)] if on_peer else ours[page]
                    values = paged(name, variables, after)
                    try:
                        elapsed, _ = await h.graphql(
                            http, server.url, documents[name], values, auth
                        )
                    except h.GraphQLError as error:  # e.g. over the cost budget: noted
                        REFUSED[(label, kind, clients)] = str(error).split(": ", 1)[-1][:90]
                        continue
                    timings[(label, kind, clients)].append(elapsed)
                h.log(f"{kind}, {clients} clients: round {index + 1} of {args.rounds}")


def yes(met: bool) -> str:
    return "yes" if met else "**no**"


def report(timings: Timings, sizes: list[int], kinds: list[str], rounds: int) -> str:
    names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
    columns = [(kind, size) for kind in kinds for size in sizes]
    header = " | ".join(f"{names[k]} {s:,}".replace(",", " ") for k, s in columns)
    growth = " | ".join(f"{names[k]} {sizes[-1] // sizes[0]}× clients" for k in kinds)
    both = "postgresql" in kinds and "sqlite" in kinds
    lines = [
        f"### Scaling: medians over {rounds} rounds (ms), growth and SQLite / PostgreSQL",
        "",
        f"Machine: {h.machine()}.",
        "",
        f"| measure | {header} | {growth} |" + (" SQLite / PostgreSQL, largest |" if both else ""),
        "|---" * (2 + len(columns) + len(kinds) - 1 + (1 if both else 0)) + "|",
    ]
    for label, _, _, _ in MEASURES:
        medians = {key: h.median(timings.get((label, *key), [])) for key in columns}
        if all(value != value for value in medians.values()):
            continue
        cells = [
            "refused"
            if (label, *key) in REFUSED and medians[key] != medians[key]
            else h.ms(medians[key])
            for key in columns
        ]
        cells += [h.ratio(medians[(k, sizes[-1])] / medians[(k, sizes[0])]) for k in kinds]
        if both:
            cells.append(
                h.ratio(medians[("sqlite", sizes[-1])] / medians[("postgresql", sizes[-1])])
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "| target (issue 11) | measured | met |", "|---|---|---|"]
    largest = f"{sizes[-1]:,}".replace(",", " ")
    for kind in kinds:
        page = [timings.get(("page of 500, same fields", kind, size), []) for size in sizes]
        if all(page) and len(sizes) > 1:
            growth = h.median(page[-1]) / h.median(page[0])
            lines.append(
                f"| {names[kind]}: page of 500 within ±20 % from {sizes[0]} to {sizes[-1]} "
                f"clients | {h.ratio(growth)} | {yes(0.8 <= growth <= 1.2)} |"
            )
        for label in ("resume (whole portfolio)", *(m[0] for m in MEASURES[4:])):
            values = timings.get((label, kind, sizes[-1]), [])
            if values:
                value = h.median(values)
                lines.append(
                    f"| {names[kind]}, {largest} clients: {label} ≤ 100 ms | {h.ms(value)} ms "
                    f"| {yes(value <= 0.1)} |"
                )
    if both:
        worst = max(
            h.median(timings[(label, "sqlite", size)])
            / h.median(timings[(label, "postgresql", size)])
            for label, _, _, on_peer in MEASURES
            if not on_peer
            for size in sizes
            if timings.get((label, "sqlite", size)) and timings.get((label, "postgresql", size))
        )
        lines.append(
            f"| SQLite within 1.5× of PostgreSQL (worst measure) | {h.ratio(worst)} "
            f"| {yes(worst <= 1.5)} |"
        )
    for (label, kind, size), message in sorted(REFUSED.items()):
        if kind in kinds and size in sizes:
            lines.append(f"\n{label}, {names[kind]}, {size} clients, refused: {message}")
    lines += [
        "",
        "A write (updateContact) precedes each round; rounds go round the pages of 500. "
        "PostGraphile runs on PostgreSQL only.",
    ]
    return "\n".join(lines)


def remove_sqlite(folder: Path, clients: int) -> None:
    for path in folder.glob(f"scaling-{clients}.sqlite3*"):
        path.unlink()


async def run(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.databases.split(",")
    folder = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    timings: Timings = defaultdict(list)
    try:
        for kind in kinds:
            for clients in sizes:
                await one_cabinet(kind, clients, args, folder, timings)
                # What is measured so far, should a long run be stopped.
                done = [s for s in sizes if any(key[1:] == (kind, s) for key in timings)]
                print(report(timings, done, [kind], args.rounds), file=sys.stderr, flush=True)
                if kind == "sqlite":  # the file is no longer needed: free the disk
                    remove_sqlite(folder, clients)
        print(report(timings, sizes, kinds, args.rounds))
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
    parser.add_argument("--sizes", default="1000,5000,10000", help="cabinet sizes")
    parser.add_argument("--databases", default="postgresql,sqlite", help="postgresql,sqlite")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per cabinet")
    parser.add_argument("--quick", action="store_true", help="1 000 and 5 000 clients, 2 rounds")
    parser.add_argument(
        "--postgres", default=h.DEFAULT_POSTGRES, help="PostgreSQL server (databases are created)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the servers' logs")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = "1000,5000", 2
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
