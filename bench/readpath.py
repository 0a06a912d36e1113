"""Read-path benchmark, in process: CPU per small query and wall time of a portfolio page.

Runs against an already seeded database (``gateway seed synthetic --clients N``), through
the real application (ASGI, no socket), as the synthetic cabinet's admin for the
portfolio and as one of its workers for ``me { travailleur { nom } }``. Prints CPU
milliseconds per small request (process time, many iterations, each request sent
straight to the ASGI app so that no HTTP client's work is counted) and the median wall
time of the portfolio page with nested relations. Asserts nothing (not a test).

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench GATEWAY_TODAY=2026-11-23 \
        .venv/bin/python bench/readpath.py --small 2000 --page 500 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import text

from gateway.app import build_services, create_app
from gateway.config import Settings
from gateway.db.engine import StatementCounter

PORTFOLIO = """query($first: Int!) {
  portfolio(first: $first) {
    totalCount
    nodes {
      id nom prenom regime situation
      etablissements { siret }
      prelevement { periodicite }
      compte { solde montantEnRetard majorationsDeRetard }
      paiements(first: 5) { totalCount nodes { datePaiement montant } }
      ... on TravailleurClassique {
        taxationDOffice
        echeances(first: 12, du: "2026-01-01") { totalCount nodes { dateEcheance montant statut } }
        cotisations { annee totalProvisionnel provisionnelles { code montant } }
      }
    }
  }
}"""

SMALL = "query { me { travailleur { nom } } }"

LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken }
}"""


async def token(http: httpx.AsyncClient, identifiant: str, mot_de_passe: str) -> str:
    response = await http.post(
        "/graphql", json={"query": LOGIN, "variables": {"i": identifiant, "m": mot_de_passe}}
    )
    return str(response.json()["data"]["login"]["accessToken"])


async def asgi_post(app: Any, body: bytes, authorization: str) -> bytes:
    """One POST /graphql straight to the ASGI app: no HTTP client in the CPU measured."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", authorization.encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("bench", 80),
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def run(args: argparse.Namespace) -> None:
    settings = Settings.from_environment()
    services = build_services(settings)
    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    async with services.engine.connect() as connection:
        worker = (
            await connection.execute(
                text(
                    "SELECT u.identifiant FROM utilisateur u "
                    "WHERE u.travailleur_id IS NOT NULL ORDER BY u.id LIMIT 1"
                )
            )
        ).scalar_one()
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        admin = {"Authorization": "Bearer " + await token(http, args.admin, "synthetic-admin")}
        own = {"Authorization": "Bearer " + await token(http, worker, "synthetic-travailleur")}

        small_body = json.dumps({"query": SMALL}).encode()

        async def small() -> None:
            answer = await asgi_post(app, small_body, own["Authorization"])
            assert json.loads(answer)["data"]["me"]["travailleur"]["nom"], answer

        for _ in range(50):
            await small()
        profile = cProfile.Profile() if args.profile == "small" else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for _ in range(args.small):
            await small()
        if profile:
            profile.disable()
            profile.dump_stats("/tmp/readpath-small.prof")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"me {{ travailleur {{ nom }} }}: {cpu / args.small * 1000:.3f} ms CPU, "
            f"{wall / args.small * 1000:.3f} ms wall per request over {args.small}"
        )

        counter = StatementCounter(services.engine)
        for first in args.page:
            timings, cpus = [], []
            for attempt in range(args.repeat + 1):
                profile = cProfile.Profile() if args.profile == "page" and attempt else None
                async with counter.counting():
                    cpu, begin = time.process_time(), time.perf_counter()
                    if profile:
                        profile.enable()
                    response = await http.post(
                        "/graphql",
                        json={"query": PORTFOLIO, "variables": {"first": first}},
                        headers=admin,
                    )
                    if profile:
                        profile.disable()
                        profile.dump_stats(f"/tmp/readpath-page-{first}.prof")
                    elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu
                body = response.json()
                assert "errors" not in body, body["errors"]
                assert len(body["data"]["portfolio"]["nodes"]) == min(first, args.clients)
                if attempt:  # the first is a warm-up
                    timings.append(elapsed)
                    cpus.append(cpu)
            print(
                f"portfolio page of {first}: median {statistics.median(timings) * 1000:.1f} ms "
                f"wall, {statistics.median(cpus) * 1000:.1f} ms CPU over {args.repeat}, "
                f"{counter.count} SQL statements"
            )
    await services.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin", default="admin@synthetique-7.fr")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--page", type=int, nargs="*", default=[50, 500])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=("small", "page"), default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
