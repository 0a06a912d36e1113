"""The execution that answers attribute fields directly gives, byte for byte, what the
general execution gives: data, errors and the reported cost (counted while executing
on one side, walked over the result on the other), on the demo data, for every kind of
caller, with aliases, fragments, directives, meta fields and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.api.client import Api

QUERIES = Path(__file__).parents[2] / "bench" / "queries"

SHAPES = """
query Shapes($avecPaiements: Boolean!, $sans: Boolean!) {
  portfolio(first: 4, tri: {champ: MONTANT_EN_RETARD}) {
    __typename
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      indicateurs { montantEnRetard prochaineEcheance attestationVigilanceObtenable }
      client: node {
        __typename
        ...Identite
        nom @skip(if: $sans)
        deNouveau: nom
        ... on TravailleurClassique {
          taxationDOffice
          echeances(first: 3) { totalCount nodes { id dateEcheance montant statut } }
        }
        ... on MicroEntrepreneur { activite periodiciteDeclaration }
        paiements(first: 2) @include(if: $avecPaiements) {
          nodes { __typename datePaiement montant mode }
        }
        adresse { ville codePostal }
      }
    }
  }
}
fragment Identite on Travailleur { id nir prenom dateFinActivite telephone }
"""

WORKER = """
{
  me {
    role identifiant
    travailleur {
      nom situation regime dateDebutActivite
      etablissements { siret enseigne }
      prelevement { actif periodicite }
      compte { solde montantEnRetard majorationsDeRetard }
      ... on TravailleurClassique {
        revenus { annee montant nature }
        cotisations { annee totalProvisionnel provisionnelles { code montant } }
      }
    }
  }
}
"""

REFUSED = """
mutation { estimateRevenue(input: {travailleurId: "VHJhdmFpbGxldXI6MA==", annee: 2026,
  montant: "-1", courriel: "x@example.fr", jaiEteInforme: true}) {
  userErrors { field message code } } }
"""

# What each caller sends: (identifiant, password, document, variables).
CALLS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("expert@cabinet-demo.fr", "demo-expert-2026", SHAPES, {"avecPaiements": True, "sans": False}),
    ("expert@cabinet-demo.fr", "demo-expert-2026", SHAPES, {"avecPaiements": False, "sans": True}),
    (
        "expert@cabinet-demo.fr",
        "demo-expert-2026",
        (QUERIES / "gateway-same-fields.graphql").read_text(),
        {"first": 20},
    ),
    (
        "expert@cabinet-demo.fr",
        "demo-expert-2026",
        (QUERIES / "gateway-dashboard.graphql").read_text(),
        {"first": 20},
    ),
    (
        "expert@cabinet-demo.fr",
        "demo-expert-2026",
        (QUERIES / "gateway-resume.graphql").read_text(),
        None,
    ),
    ("expert@cabinet-demo.fr", "demo-expert-2026", REFUSED, None),
    ("184127510804231", "demo-travailleur-2026", WORKER, None),
    ("184127510804231", "demo-travailleur-2026", SHAPES, {"avecPaiements": True, "sans": False}),
    ("agent@caisse-demo.fr", "demo-agent-2026", "{ me { role caisse { code nom } } }", None),
]


async def test_both_executions_answer_alike(both: tuple[Api, Api]) -> None:
    direct, general = both
    tokens: dict[str, str] = {}
    answers = []
    for identifiant, password, document, variables in CALLS:
        if identifiant not in tokens:
            tokens[identifiant] = await direct.login(identifiant, password)
        token = tokens[identifiant]
        expected = await general.post(document, variables, token=token)
        answered = await direct.post(document, variables, token=token)
        assert answered == expected, (identifiant, document[:60])
        # Not vacuous: data (or a refusal: the worker may not read the portfolio), and
        # the cost reported.
        assert expected.get("data") or expected["errors"], expected
        assert "cost" in expected.get("extensions", {}), expected
        answers.append(expected)
    assert len(answers[0]["data"]["portfolio"]["edges"]) == 4
    assert answers[0]["extensions"]["cost"]["actualQueryCost"] > 100


async def test_a_null_attribute_is_answered_as_null_by_both(both: tuple[Api, Api]) -> None:
    direct, general = both
    async with direct.session() as session:
        await session.execute(
            text("UPDATE travailleur SET telephone = NULL WHERE nir = '184127510804231'")
        )
        await session.commit()
    token = await direct.login("184127510804231", "demo-travailleur-2026")
    document = "{ me { travailleur { nom telephone } } }"
    expected = await general.post(document, token=token)
    assert expected["data"]["me"]["travailleur"]["telephone"] is None
    assert await direct.post(document, token=token) == expected


async def test_both_executions_run_the_same_statements(both: tuple[Api, Api]) -> None:
    """Lists completed column-wise read through the same loaders: as many statements as
    the general execution, with workers of both regimes on the page, except that the
    lists the database writes as JSON for the same clients are read in one statement
    (the same-fields page's three, the dashboard's établissements and payments)."""
    direct, general = both
    token = await direct.login("expert@cabinet-demo.fr", "demo-expert-2026")
    regimes = await direct.post("{ portfolio(first: 50) { nodes { regime } } }", token=token)
    assert {n["regime"] for n in regimes["data"]["portfolio"]["nodes"]} == {
        "CLASSIQUE",
        "MICRO",
    }
    for name, combined in (("gateway-same-fields.graphql", 2), ("gateway-dashboard.graphql", 1)):
        document = (QUERIES / name).read_text()
        counted = []
        for api in (general, direct):
            await api.post(document, {"first": 50}, token=token)  # the day's rows fresh
            # The signing keys are reloaded every 30 s: not during the counted request.
            await api.services.signer.keys.reload(api.services.clock.now())
            async with api.counter().counting() as counter:
                answer = await api.post(document, {"first": 50}, token=token)
            assert "errors" not in answer, answer
            counted.append(counter.count)
        assert counted[1] == counted[0] - combined, (name, counted)
