"""What a page reads alone equals what the whole account gives (issue 11).

A régime classique summary without its monthly detail comes from the balance summed in
SQL and the overdue instalments only; with the detail, from the whole account. A year's
contributions asked for alone read only that year's totals, summed by the database, and
its lines when they are shown (as JSON the database writes, or as objects). Both
must show exactly what the whole account shows, on every account of a synthetic
cabinet and of the demo, on several days."""

from __future__ import annotations

from datetime import date
from typing import Any

from gateway.config import Settings
from gateway.seed.demo import seed_demo
from gateway.seed.synthetic import MOT_DE_PASSE_ADMIN, admin_email, seed_synthetic_command
from tests import builders
from tests.api.client import api_for
from tests.conftest import TODAY, Database

SUMMARY = "dateArrete solde majorationsDeRetard montantEnRetard"
YEAR = (
    "annee baseProvisionnelle totalProvisionnel totalDefinitif regularisation "
    "provisionnelles { code montant explication } definitives { code montant } "
    "ecarts { code provisionnel definitif regularisation }"
)

PAGE = f"""query($first: Int!, $annee: Int!) {{
  portfolio(first: $first) {{
    nodes {{
      id
      alone: compte {{ {SUMMARY} }}
      whole: compte {{ {SUMMARY} detail {{ annee mois appele paye reste }} }}
      ... on TravailleurClassique {{
        year: cotisations(annee: $annee) {{ {YEAR} }}
        years: cotisations {{ {YEAR} }}
      }}
    }}
  }}
}}"""

# Through a worker's own account too (the general execution, not a page's columns).
OWN = f"""query($annee: Int!) {{
  me {{ travailleur {{
    alone: compte {{ {SUMMARY} }}
    whole: compte {{ {SUMMARY} detail {{ annee }} }}
    ... on TravailleurClassique {{
      year: cotisations(annee: $annee) {{ {YEAR} }}
      years: cotisations {{ {YEAR} }}
    }}
  }} }}
}}"""

DAYS = (TODAY, date(2026, 6, 1), date(2027, 2, 8))


def check_worker(node: dict[str, Any], annee: int) -> None:
    whole = dict(node["whole"])
    assert whole.pop("detail") is not None
    assert node["alone"] == whole, node.get("id", node)
    if "years" in node:
        assert node["year"] == [y for y in node["years"] if y["annee"] == annee]


async def test_a_synthetic_cabinets_summaries_and_years_read_alone(db: Database) -> None:
    await seed_synthetic_command(
        Settings(database_url=db.url, today=TODAY, argon2_time_cost=1, argon2_memory_cost=1024),
        clients=40,
        seed=7,
    )
    for day in DAYS:
        async with api_for(db, day) as api:
            token = await api.login(admin_email(7), MOT_DE_PASSE_ADMIN)
            for annee in (day.year - 1, day.year):
                data = await api.data(PAGE, {"first": 40, "annee": annee}, token)
                nodes = data["portfolio"]["nodes"]
                assert len(nodes) == 40
                for node in nodes:
                    check_worker(node, annee)
                overdue = [n for n in nodes if n["alone"]["montantEnRetard"] != "0.00"]
                assert overdue, "some accounts are overdue on every day checked"


async def test_the_demo_accounts_read_alone(db: Database) -> None:
    async with api_for(db) as api, api.session() as session:
        await seed_demo(session, TODAY, builders.password_hash)
        await session.commit()
    for day in DAYS:
        async with api_for(db, day) as api:
            expert = await api.login("expert@cabinet-demo.fr", "demo-expert-2026")
            data = await api.data(PAGE, {"first": 100, "annee": 2026}, expert)
            for node in data["portfolio"]["nodes"]:
                check_worker(node, 2026)
            worker = await api.login("184127510804231", "demo-travailleur-2026")
            own = await api.data(OWN, {"annee": 2026}, worker)
            check_worker(own["me"]["travailleur"], 2026)
