"""Portfolio benchmark: one dashboard page through the real app, as a cabinet admin.

Seeds a synthetic portfolio (``gateway seed synthetic``) into a fresh SQLite file,
then times the same nested portfolio query for pages of 50 and 500 clients and
counts the SQL statements. Prints the figures; asserts nothing (not a test).

    .venv/bin/python bench/portfolio.py --clients 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from gateway.app import build_services, create_app
from gateway.config import Settings
from gateway.db.engine import StatementCounter
from gateway.db.migrate import upgrade_async
from gateway.seed.synthetic import seed_synthetic_command

QUERY = """query($first: Int!) {
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
      }
    }
  }
}"""


LOGIN = """mutation($i: String!, $m: String!) {
  login(input: {identifiant: $i, motDePasse: $m}) { accessToken }
}"""


async def run(clients: int, repeat: int, seed: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
        today=date(2026, 11, 23),
    )
    await upgrade_async(settings.database_url)
    started = time.perf_counter()
    await seed_synthetic_command(settings, clients=clients, seed=seed)
    print(f"seeded {clients} clients in {time.perf_counter() - started:.1f} s")
    services = build_services(settings)
    transport = httpx.ASGITransport(app=create_app(services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        login = await http.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"i": f"admin@synthetique-{seed}.fr", "m": "synthetic-admin"},
            },
        )
        headers = {"Authorization": f"Bearer {login.json()['data']['login']['accessToken']}"}
        results = {}
        for first in (50, 500):
            timings = []
            counter = StatementCounter(services.engine)
            for _ in range(repeat):
                async with counter.counting():
                    begin = time.perf_counter()
                    response = await http.post(
                        "/graphql",
                        json={"query": QUERY, "variables": {"first": first}},
                        headers=headers,
                    )
                    timings.append(time.perf_counter() - begin)
                body = response.json()
                assert "errors" not in body, body["errors"]
            median = statistics.median(timings)
            results[first] = median
            print(
                f"page of {first:>3}: median {median * 1000:7.1f} ms over {repeat} runs, "
                f"{median / first * 1000:.2f} ms per client, {counter.count} SQL statements"
            )
        print(f"ratio 500/50: {results[500] / results[50]:.1f}× the time for 10× the clients")
    await services.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args.clients, args.repeat, args.seed))


if __name__ == "__main__":
    main()
