"""Lists the database writes as JSON: every stored field rendered exactly as the Python
serialization renders it, on both databases; answers equal to the general execution's,
with the JSON path really taken; the visibility filter and the cost kept."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Table,
    Text,
    insert,
    select,
    text,
)

from gateway.db.json_values import boolean, global_id, json_object, literal_text, money, plain
from gateway.db.models import Mandat
from gateway.global_ids import encode_global_id
from gateway.schema import json_lists
from gateway.schema.scalars import MONEY_SCALAR
from tests import builders
from tests.api import delais_support as delais
from tests.api.client import Api, api_for
from tests.conftest import Database

CENTS = [-123456789, -100, -99, -10, -5, -1, 0, 1, 5, 9, 10, 99, 100, 101, 123450, 10**13]
IDS = [1, 7, 62, 63, 999, 123456, 2**31 - 1]


SAMPLES = Table(
    "json_samples",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("cents", BigInteger),
    Column("jour", Date),
    Column("pair", Boolean),
    Column("texte", Text),
    prefixes=["TEMPORARY"],
)


async def _written(db: Database, fields: Any, rows: list[dict[str, Any]]) -> list[Any]:
    """The JSON objects the database writes for ``rows`` of a temporary table."""
    statement = select(json_object(fields(SAMPLES), db.name)).order_by(SAMPLES.c.id)
    async with db.engine.connect() as connection:
        await connection.run_sync(SAMPLES.metadata.create_all)
        await connection.execute(insert(SAMPLES), rows)
        written = (await connection.execute(statement)).scalars().all()
        await connection.rollback()
    return [json.loads(w) for w in written]


async def test_money_is_written_as_the_decimal_scalar_shows_it(db: Database) -> None:
    objects = await _written(
        db,
        lambda t: (("m", money(t.c.cents)), ("somme", money(t.c.cents, t.c.cents))),
        [{"id": i, "cents": c} for i, c in enumerate(CENTS, 1)] + [{"id": 99, "cents": None}],
    )
    serialize = MONEY_SCALAR.serialize
    assert serialize is not None
    expected = [
        {"m": serialize(Decimal(c) / 100), "somme": serialize(Decimal(2 * c) / 100)} for c in CENTS
    ]
    assert objects == [*expected, {"m": None, "somme": None}]
    assert objects[0]["m"] == "-1234567.89" and objects[4]["m"] == "-0.05"


async def test_global_ids_dates_booleans_and_text_are_written_as_shown(db: Database) -> None:
    rows = [
        {"id": i, "jour": date(2026, 1, 31), "pair": i % 2 == 0, "texte": f'é"\\\n{i}'} for i in IDS
    ]
    objects = await _written(
        db,
        lambda t: (
            ("id", global_id("Paiement", t.c.id)),
            ("jour", plain(t.c.jour)),
            ("pair", boolean(t.c.pair)),
            ("texte", plain(t.c.texte)),
            ("__typename", literal_text("Paiement")),
        ),
        rows,
    )
    assert objects == [
        {
            "id": encode_global_id("Paiement", i),
            "jour": "2026-01-31",
            "pair": i % 2 == 0,
            "texte": f'é"\\\n{i}',
            "__typename": "Paiement",
        }
        for i in IDS
    ]


# Every stored field of the three lists, aliases, meta fields, and connections asking
# nodes and totals: answered with the JSON the database writes.
STORED = """
query Stored($first: Int!, $after: String) {
  portfolio(first: $first, after: $after) {
    totalCount
    pageInfo { endCursor }
    nodes {
      nom
      etablissements {
        __typename id siret siren enseigne codeActivite libelleActivite principal dateOuverture
        aussi: siret
      }
      paiements(first: 3) {
        __typename totalCount
        nodes { id datePaiement montant mode reference __typename }
      }
      recents: paiements(first: 2, du: "2026-01-01") { nodes { montant } totalCount }
      derniers: paiements(last: 2) { nodes { datePaiement montant } }
      tous: paiements(last: 100) { nodes { id } totalCount }
      ... on TravailleurClassique {
        echeances(first: 4) {
          nodes { id annee nature dateEcheance montant montantPaye montantReporte }
        }
        toutes: echeances(first: 100) { nodes { id dateEcheance } }
      }
    }
  }
}
"""


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many lists went into the answers as the database's JSON."""
    spliced: list[int] = []
    original = json_lists.spliced

    def counted(items: Any) -> Any:
        spliced.append(items.count)
        return original(items)

    monkeypatch.setattr(json_lists, "spliced", counted)
    return spliced


async def test_stored_lists_answer_as_the_general_execution(
    both: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct, general = both
    spliced = _counting(monkeypatch)
    for login, password in (
        ("expert@cabinet-demo.fr", "demo-expert-2026"),
        ("collab@cabinet-demo.fr", "demo-collab-2026"),
    ):
        token = await direct.login(login, password)
        after = None
        for _ in range(2):  # two pages: the second through a cursor
            variables = {"first": 3, "after": after}
            expected = await general.post(STORED, variables, token=token)
            spliced.clear()
            answered = await direct.post(STORED, variables, token=token)
            assert "errors" not in expected, expected
            assert answered == expected
            # Key order too: as the selection asks.
            assert json.dumps(answered) == json.dumps(expected)
            nodes = expected["data"]["portfolio"]["nodes"]
            # Each worker's établissements, payments and recent payments, and the
            # instalments of those in the classic regime: all from the database's JSON.
            assert len(spliced) >= 3 * len(nodes) > 0, spliced
            # Long lists, in the list's order on both databases.
            longest = max(len(n.get("toutes", {"nodes": []})["nodes"]) for n in nodes)
            assert longest >= 8, longest
            assert sum(spliced) > 0
            after = expected["data"]["portfolio"]["pageInfo"]["endCursor"]


async def test_a_selection_beyond_stored_fields_goes_the_usual_way(
    both: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct, general = both
    spliced = _counting(monkeypatch)
    token = await direct.login("expert@cabinet-demo.fr", "demo-expert-2026")
    document = """{ portfolio(first: 5) { nodes {
        paiements(first: 2) { pageInfo { hasNextPage } nodes { montant } }
        ... on TravailleurClassique { echeances(first: 2) { nodes { montant exoneree } } }
        etablissements { adresse { ville } }
    } } }"""
    expected = await general.post(document, token=token)
    assert await direct.post(document, token=token) == expected
    assert spliced == []


async def test_the_json_path_keeps_the_visibility_filter(
    both: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collaborator's page holds only the workers assigned to them, and the rows
    written as JSON are only theirs: the same payments as the general execution reads."""
    direct, _general = both
    spliced = _counting(monkeypatch)
    expert = await direct.login("expert@cabinet-demo.fr", "demo-expert-2026")
    collab = await direct.login("collab@cabinet-demo.fr", "demo-collab-2026")
    document = "{ portfolio(first: 100) { nodes { id paiements(first: 100) { nodes { id } } } } }"
    everyone = await direct.data(document, token=expert)
    assigned = await direct.data(document, token=collab)
    by_id = {n["id"]: n["paiements"] for n in everyone["portfolio"]["nodes"]}
    mine = assigned["portfolio"]["nodes"]
    assert 0 < len(mine) < len(by_id)
    for node in mine:
        assert node["paiements"] == by_id[node["id"]]
    assert spliced
    async with direct.session() as session:
        ids = {
            encode_global_id("Paiement", i)
            for (i,) in await session.execute(text("SELECT id FROM paiement"))
        }
    shown = {p["id"] for n in mine for p in n["paiements"]["nodes"]}
    assert shown < ids


# An instalment's computed fields, written by the database on the request's day: the
# status, the unpaid part, and majorations except where a respected plan exempts them.
COMPUTED = """{ portfolio(first: 10) { nodes { nom ... on TravailleurClassique {
  echeances(first: 30) { nodes { dateEcheance statut resteDu majorations } }
} } } }"""


async def _computed_on(db: Database, day: date, spliced: list[int]) -> list[tuple[str, ...]]:
    """The overdue instalments' (date, status, majorations) of the accountant's page on
    ``day``, once both paths gave the same answer, the JSON path taken."""
    async with (
        api_for(db, today=day) as direct,
        api_for(db, today=day, attribute_fields=False) as general,
    ):
        token = await direct.login("expert@cabinet.fr", delais.STAFF_PASSWORD)
        expected = await general.post(COMPUTED, token=token)
        spliced.clear()
        answered = await direct.post(COMPUTED, token=token)
    assert "errors" not in expected, expected
    assert json.dumps(answered) == json.dumps(expected)
    assert spliced, "the JSON path was not taken"
    nodes = expected["data"]["portfolio"]["nodes"]
    assert len(nodes) == 2  # a list of one item goes the general way
    [node] = [n for n in nodes if n["nom"] == "Lefebvre"]
    return [
        (e["dateEcheance"], e["statut"], e["majorations"])
        for e in node["echeances"]["nodes"]
        if e["dateEcheance"] in delais.OVERDUE_DATES
    ]


async def test_computed_instalment_fields_answer_as_the_general_execution(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before a plan, under it (two of four overdue instalments covered) and once it
    was denounced: the same answers on both paths, the JSON path taken."""
    spliced = _counting(monkeypatch)
    async with api_for(db, today=delais.TODAY) as api:
        setting = await delais.build_setting(api, db)
        async with api.session() as session:  # a second client on the page
            cabinet_id = await session.scalar(
                select(Mandat.cabinet_id).where(Mandat.travailleur_id == setting.worker.id)
            )
            assert cabinet_id is not None
            await builders.mandat(session, cabinet_id=cabinet_id, travailleur_id=setting.other.id)
            await session.commit()
        before = await _computed_on(db, delais.TODAY, spliced)
        overdue = await delais.overdue_ids(setting)
        data = await delais.request_plan(setting, echeanceIds=overdue[:2])
        assert data["userErrors"] == []
    planned = await _computed_on(db, delais.TODAY, spliced)
    denounced = await _computed_on(db, date(2026, 9, 15), spliced)
    assert [d for d, _, _ in before] == delais.OVERDUE_DATES
    assert {s for _, s, _ in before + planned + denounced} == {"EN_RETARD"}
    assert all(m != "0.00" for _, _, m in before), before
    # Under the plan, the two covered instalments carry none; the others still do.
    assert [m == "0.00" for _, _, m in planned] == [True, True, False, False], planned
    # Once denounced, every overdue instalment carries majorations again.
    assert all(m != "0.00" for _, _, m in denounced), denounced
