"""Query limits through the API: depth, aliases, tokens and the cost budget, refused
before execution with a code; the cost reported in ``extensions.cost`` (SPEC §9)."""

from __future__ import annotations

import pytest

from gateway.schema.limits import COST_BUDGET, MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.api.client import api_for
from tests.api.test_batching import PORTFOLIO, seed_portfolio
from tests.api.world import PASSWORD, build_world
from tests.conftest import Database

SIMULATION = (
    'simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "42000"})'
)


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, admin


def nested(levels: int) -> str:
    """The simulator's forfait is a simulation too: a legitimately recursive field."""
    inner = "total"
    for _ in range(levels):
        inner = f"forfaitDebutActivite {{ {inner} }}"
    return f"{{ {SIMULATION} {{ {inner} }} }}"


async def test_the_defaults_are_those_documented() -> None:
    assert (MAX_DEPTH, MAX_ALIASES, MAX_TOKENS, COST_BUDGET) == (10, 30, 2000, 400_000)


async def test_a_query_deeper_than_10_levels_is_refused_before_execution(setting) -> None:
    api, _ = setting
    assert "errors" not in await api.post(nested(9))
    query = nested(10)
    body = await api.post(query)
    # Reported at the first field beyond the limit: the innermost `total`.
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Requête trop profonde : au plus 10 niveaux de champs imbriqués.",
                "locations": [{"line": 1, "column": query.index("total") + 1}],
                "extensions": {"code": "QUERY_TOO_DEEP"},
            }
        ],
    }


async def test_aliases_hidden_in_fragments_count_toward_the_limit(setting) -> None:
    api, _ = setting
    aliases = [f"a{n}: __typename" for n in range(31)]
    query = (
        "{ ...A ... on Query { ...B } } "
        f"fragment A on Query {{ {' '.join(aliases[:15])} }} "
        f"fragment B on Query {{ {' '.join(aliases[15:])} }}"
    )
    body = await api.post(query)
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Trop d'alias : 31 pour un maximum de 30.",
                "extensions": {"code": "TOO_MANY_ALIASES"},
            }
        ],
    }
    allowed = query.replace("a30: __typename", "")
    assert len((await api.data(allowed)).keys()) == 30


async def test_a_query_of_more_than_2000_tokens_is_refused_before_parsing_the_rest(setting) -> None:
    api, admin = setting
    body = await api.post("{ " + "__typename " * 2000 + "}")
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Requête trop longue : plus de 2000 jetons (le maximum).",
                # At the 2001st token: "{" then the 2000th __typename.
                "locations": [{"line": 1, "column": 3 + 11 * 1999}],
                "extensions": {"code": "TOO_MANY_TOKENS"},
            }
        ],
    }
    # Exactly 2000 tokens parse (12 around the list, 1988 in it); `nodes` then refuses
    # more than 100 ids, at execution.
    body = await api.post("{ nodes(ids: [" + '"x" ' * 1988 + "]) { id } }", token=admin)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


OVER_BUDGET = """{ portfolio(first: 500) { nodes { ...Echeances } } }
fragment Echeances on TravailleurClassique {
  a: echeances(first: 100) { nodes { montant dateEcheance } }
  b: echeances(first: 100) { nodes { montant dateEcheance } }
  c: echeances(first: 100) { nodes { montant dateEcheance } }
  d: echeances(first: 100) { nodes { montant dateEcheance } }
}"""


async def test_an_over_budget_query_is_refused_before_execution_with_its_cost(setting) -> None:
    api, admin = setting
    counter = api.counter()
    async with counter.counting():
        body = await api.post(OVER_BUDGET, token=admin)
    # 1 (portfolio: a page alone, sorted by name, costs nothing per visible client)
    # + 1 (nodes) + 500 × 4 × (1 (echeances) + 1 (nodes) + 100 × 2 fields)
    cost = 1 + 1 + 500 * 4 * (1 + 1 + 100 * 2)
    assert cost == 404_002
    assert body == {
        "data": None,
        "errors": [
            {
                "message": (
                    "Requête trop coûteuse : coût estimé 404002 pour un budget de 400000. "
                    "Réduisez `first` ou le nombre de champs demandés, ou paginez."
                ),
                "extensions": {"code": "QUERY_TOO_COSTLY", "cost": 404002, "budget": 400000},
            }
        ],
        "extensions": {
            "cost": {"requestedQueryCost": 404002, "actualQueryCost": 0, "budget": 400000}
        },
    }
    # Only the bearer token's principal was looked up: nothing of the query ran.
    assert counter.count == 1


async def test_every_answer_reports_its_requested_and_actual_cost(setting) -> None:
    api, admin = setting
    body = await api.post(
        "{ portfolio(first: 10) { totalCount nodes { nom etablissements { siret } } } }",
        token=admin,
    )
    assert body["data"]["portfolio"]["totalCount"] == 2
    # Requested: 1 + 2 passes × 1 × 2 visible clients + 1 + (1 + 10 × (1 + 10 × 1)),
    # a list without pagination counting as its 10 items at most; actual: 2 clients
    # with one établissement each.
    assert body["extensions"] == {
        "cost": {"requestedQueryCost": 127, "actualQueryCost": 9, "budget": 400000}
    }


async def test_a_mutation_reports_its_cost_too(setting) -> None:
    api, _ = setting
    body = await api.post(
        'mutation { login(input: {identifiant: "x", motDePasse: "y"}) { accessToken userErrors { code } } }'
    )
    assert body["extensions"] == {
        # 1 + 1 + (1 + 10 userErrors at most × 1)
        "cost": {"requestedQueryCost": 13, "actualQueryCost": 4, "budget": 400000}
    }


async def test_the_batching_portfolio_page_of_500_clients_fits_the_budget(db: Database) -> None:
    async with api_for(db) as api:
        await seed_portfolio(api, 10)
        token = await api.login("admin@bulk.fr", "secret-utilisateur")
        body = await api.post(PORTFOLIO, {"first": 500}, token)
    assert "errors" not in body
    assert len(body["data"]["portfolio"]["nodes"]) == 10
    # The query's cost at first = 500 (see the unit tests), plus 2 passes × 1 over the
    # 10 visible clients; the actual cost is one per field in the answer.
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 362_003 + 2 * 1 * 10,
        "actualQueryCost": fields_in(body["data"]),
        "budget": 400000,
    }
    assert fields_in(body["data"]) == 1023


def fields_in(value) -> int:
    if isinstance(value, dict):
        return sum(1 + fields_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(fields_in(v) for v in value)
    return 0
