"""A field's error never breaks its siblings (issue 9, item 14).

graphql-core cancels the pending sibling fields of a field that failed. Fields asking
for the same key share one loader future: the cancellation of one caller must not
cancel the shared batch, or an unrelated alias ends in ``CancelledError`` (HTTP 500).
"""

from __future__ import annotations

from tests import builders
from tests.api.client import api_for
from tests.api.world import WORKER_PASSWORD
from tests.conftest import Database

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
