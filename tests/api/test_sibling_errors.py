"""A field's error never breaks its siblings (issue 9, item 14).

graphql-core cancels the pending sibling fields of a field that failed. Fields asking
for the same key share one loader future: the cancellation of one caller must not
cancel the shared batch, or an unrelated alias ends in ``CancelledError`` (HTTP 500).
"""

from __future__ import annotations

import pytest

from gateway.seed.demo import seed_demo
from tests import builders
from tests.api.client import api_for
from tests.api.world import WORKER_PASSWORD
from tests.conftest import TODAY, Database

TAXATION = "... on TravailleurClassique { taxationDOffice }"
QUERY = (
    f"{{ me {{ travailleur {{ {TAXATION} }} }} "
    "b: me { travailleur { ... on TravailleurClassique { "
    "paiements(first: 101) { totalCount } taxationDOffice } } } }"
)


async def test_a_bad_argument_in_one_alias_leaves_the_other_alias_answered(db: Database) -> None:
    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            # No declared income: taxation d'office.
            worker = await builders.travailleur(session, caisse_id=caisse.id)
            await session.commit()
        token = await api.login(worker.nir, WORKER_PASSWORD)
        body = await api.post(QUERY, token=token)
        assert body["data"] == {
            "me": {"travailleur": {"taxationDOffice": True}},
            "b": {"travailleur": None},
        }
        assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
            (["b", "travailleur", "paiements"], {"code": "BAD_USER_INPUT", "field": "first"})
        ]
        # The loaders of the next request are not affected either.
        again = await api.data(f"{{ me {{ travailleur {{ {TAXATION} }} }} }}", token=token)
        assert again == {"me": {"travailleur": {"taxationDOffice": True}}}


PORTFOLIO = """{
  a: portfolio(first: 5) {
    nodes {
      nom compte { solde } paiements(first: 101) { totalCount }
      ... on TravailleurClassique { echeances(first: 2) { nodes { majorations } } }
    }
  }
  b: portfolio(first: 2) { nodes { nom } }
}"""


@pytest.mark.parametrize("attribute_fields", [True, False], ids=["direct", "general"])
async def test_an_error_that_nulls_the_answer_leaves_no_statement_running(
    db: Database, attribute_fields: bool
) -> None:
    """The error propagates to the root while other relations' reads are in flight:
    the request still ends cleanly (its session is closed once they are done), with the
    error at its path, and the next request is answered."""
    async with api_for(db, attribute_fields=attribute_fields) as api:
        async with api.session() as session:
            await seed_demo(session, TODAY, builders.password_hash)
            await session.commit()
        token = await api.login("expert@cabinet-demo.fr", "demo-expert-2026")
        for _ in range(3):
            body = await api.post(PORTFOLIO, token=token)
            assert body["data"] is None
            assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
                (["a", "nodes", 0, "paiements"], {"code": "BAD_USER_INPUT", "field": "first"})
            ]
        again = await api.data("{ portfolio(first: 2) { nodes { nom } } }", token=token)
        assert len(again["portfolio"]["nodes"]) == 2
