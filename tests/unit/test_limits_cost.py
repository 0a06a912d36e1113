"""The query cost, computed from the document before execution (gateway/schema/limits.py):
exact numbers on the real schema."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.schema.assembly import build_schema
from gateway.schema.limits import COST_BUDGET, QueryCost
from tests.api.test_batching import PORTFOLIO

SCHEMA = build_schema()._schema


def cost(query: str, variables: dict | None = None) -> int:
    return QueryCost(SCHEMA, parse(query), variables).requested()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Each field costs 1.
        ("{ me { role } }", 2),
        ("{ me { role nomAffiche cabinet { nom siret } } }", 6),
        # __typename and introspection are free.
        ("{ __typename me { __typename role } }", 2),
        ("{ __schema { types { name fields { name } } } }", 0),
        # A connection: 1, plus `first` × one item, plus its other fields once.
        ("{ portfolio(first: 10) { totalCount nodes { id nom } } }", 1 + 1 + (1 + 10 * 2)),
        ("{ portfolio(first: 2) { pageInfo { hasNextPage endCursor } } }", 1 + (1 + 2)),
        ("{ portfolio(first: 2) { edges { cursor node { id } } } }", 1 + (1 + 2 * (1 + 2))),
        # Without `first`, the argument's default (50 for the portfolio).
        ("{ portfolio { nodes { id } } }", 1 + (1 + 50)),
        # Nested connections multiply.
        (
            "{ portfolio(first: 10) { nodes { ... on TravailleurClassique { "
            "echeances(first: 12) { nodes { montant } } } } } }",
            1 + (1 + 10 * (1 + (1 + 12))),
        ),
        # An interface costs its most expensive type (here the micro-entrepreneur's).
        (
            "{ portfolio(first: 1) { nodes { "
            "... on TravailleurClassique { taxationDOffice revenus { annee } } "
            "... on MicroEntrepreneur { declarations(first: 3) { nodes { periode cotisations } } } "
            "} } }",
            # (a list without pagination counts as its maximum: 10 items)
            1 + (1 + max(1 + (1 + 10 * 1), 1 + (1 + 3 * 2))),
        ),
        # A fragment counts only for the types it applies to (Node: the costliest one).
        ('{ node(id: "x") { ... on Cabinet { nom siret } ... on Revenu { annee } } }', 1 + 2),
        # nodes(ids:) costs the number of ids times its selection.
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', 1 + 3 * 1),
        # Fields asked twice under one name are merged, as execution does; aliases are not.
        ("{ me { role } me { nomAffiche } }", 1 + 2),
        ("{ a: me { role } b: me { role } }", 2 + 2),
        # Mutations too: the payload's fields.
        (
            'mutation { login(input: {identifiant: "x", motDePasse: "y"}) '
            "{ accessToken me { role } userErrors { code } } }",
            1 + 1 + 2 + (1 + 10 * 1),
        ),
    ],
)
def test_the_cost_of_a_query_is_one_per_field_and_first_times_each_connection_item(
    query, expected
) -> None:
    assert cost(query) == expected


def test_named_fragments_cost_what_they_select_where_they_are_spread() -> None:
    inline = "{ portfolio(first: 500) { nodes { ... on TravailleurClassique { echeances(first: 100) { nodes { montant } } } } } }"
    named = """{ portfolio(first: 500) { nodes { ...E } } }
    fragment E on TravailleurClassique { ...N }
    fragment N on TravailleurClassique { echeances(first: 100) { nodes { montant } } }"""
    assert cost(named) == cost(inline) == 1 + (1 + 500 * (1 + (1 + 100)))


def test_variables_and_their_defaults_size_the_pages() -> None:
    query = "query($n: Int = 7) { portfolio(first: $n) { nodes { id } } }"
    assert cost(query, {"n": 3}) == 1 + (1 + 3)
    assert cost(query) == 1 + (1 + 7)
    assert cost("query($n: Int) { portfolio(first: $n) { nodes { id } } }") == 1 + (1 + 50)


def test_skip_and_include_are_honoured() -> None:
    query = "query($s: Boolean!) { me { role nomAffiche @skip(if: $s) cabinet @include(if: $s) { nom } } }"
    assert cost(query, {"s": True}) == 1 + 1 + 2
    assert cost(query, {"s": False}) == 1 + 2


def test_the_batching_portfolio_query_of_500_clients_fits_the_budget() -> None:
    # Lists without pagination count as 10 items (établissements, compte.detail, plans
    # and their instalments, revenus, cotisations and their lines), compte its replay
    # weight (20): 724 per client (portfolio size 0 here: see the API tests).
    assert cost(PORTFOLIO, {"first": 500}) == 1 + 1 + (1 + 500 * 724) == 362_003
    assert cost(PORTFOLIO, {"first": 500}) < COST_BUDGET


README_ME = """{
  me {
    role
    travailleur {
      nom prenom situation
      compte { dateArrete solde majorationsDeRetard montantEnRetard }
      ... on TravailleurClassique {
        taxationDOffice
        revenus { annee montant nature }
        cotisations(annee: 2025) { totalProvisionnel totalDefinitif regularisation
          ecarts { code provisionnel definitif regularisation } }
        echeances(first: 12, du: "2026-01-01", au: "2026-12-31") {
          totalCount nodes { dateEcheance montant montantPaye statut majorations } }
      }
    }
  }
}"""
README_PORTFOLIO = """{
  portfolio(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id nom prenom regime situation
      etablissements { siret enseigne }
      compte { solde montantEnRetard }
      ... on TravailleurClassique { echeances(statut: EN_RETARD) { totalCount } }
      ... on MicroEntrepreneur { declarations(first: 3) { nodes { periode chiffreAffaires cotisations } } }
    }
  }
}"""


def test_the_readme_examples_cost_far_less_than_the_budget() -> None:
    # role 1 + travailleur 1 + 3 + compte (1 + 20 + 4) + classique (1 + revenus 1 + 10 × 3
    # + cotisations 1 + 3 + écarts (1 + 10 × 4) + échéances 1 + 1 + (1 + 12 × 5)):
    # the actual cost on the demo (132) stays below (tests/api/test_query_cost.py).
    assert cost(README_ME) == 567 < COST_BUDGET
    # 1 + totalCount 1 + pageInfo 3 + nodes (1 + 100 × (5 + établissements 21
    # + compte 23 + déclarations 11)), plus 20 per visible client at execution.
    assert cost(README_PORTFOLIO) == 1 + 1 + 3 + 1 + 100 * (5 + 21 + 23 + 11) == 6006


def test_the_actual_cost_counts_the_fields_returned() -> None:
    query = QueryCost(SCHEMA, parse("{ portfolio(first: 10) { totalCount nodes { id nom } } }"))
    data = {
        "portfolio": {"totalCount": 2, "nodes": [{"id": "a", "nom": "A"}, {"id": "b", "nom": "B"}]}
    }
    assert query.actual(data) == 1 + 1 + (1 + 2 * 2)
    assert query.actual({"portfolio": None}) == 1
    assert query.actual(None) == 0
