"""Attribute fields answered directly: the same results and errors as graphql-core's
general execution, on a small schema where every case can be provoked."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import strawberry
from strawberry.extensions import SchemaExtension

from gateway.schema.attribute_fields import AttributeFieldsExecutionContext, for_one_schema


@strawberry.enum
class Couleur(enum.Enum):
    ROUGE = "rouge"
    VERT = "vert"


@strawberry.type
class Feuille:
    nom: str
    couleur: Couleur
    poids: float | None
    tags: list[str]

    @strawberry.field
    def calcule(self) -> str:
        return self.nom.upper()


@strawberry.type
class Racine:
    feuilles: list[Feuille]


def racine(noms: list[Any]) -> Racine:
    return Racine(
        feuilles=[Feuille(nom=n, couleur=Couleur.VERT, poids=None, tags=["a"]) for n in noms]
    )


@strawberry.type
class Query:
    @strawberry.field
    def racine(self, noms: list[str | None]) -> Racine:
        return racine(noms)


def schemas(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    direct = strawberry.Schema(
        query=Query, extensions=list(extensions), execution_context_class=for_one_schema()
    )
    general = strawberry.Schema(query=Query, extensions=list(extensions))
    return direct, general


DOCUMENT = """
query($noms: [String]!) {
  racine(noms: $noms) {
    feuilles { __typename nom alias: nom couleur poids tags calcule }
  }
}
"""


async def answer(schema: strawberry.Schema, noms: list[Any]) -> tuple[Any, list[Any]]:
    result = await schema.execute(DOCUMENT, variable_values={"noms": noms})
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors


async def test_values_aliases_enums_and_meta_fields_are_answered_alike() -> None:
    direct, general = schemas()
    assert await answer(direct, ["x", "y"]) == await answer(general, ["x", "y"])
    data, errors = await answer(direct, ["x"])
    assert errors == []
    assert data == {
        "racine": {
            "feuilles": [
                {
                    "__typename": "Feuille",
                    "nom": "x",
                    "alias": "x",
                    "couleur": "VERT",
                    "poids": None,
                    "tags": ["a"],
                    "calcule": "X",
                }
            ]
        }
    }


async def test_a_null_on_a_non_null_field_is_the_same_error() -> None:
    direct, general = schemas()
    # The resolver of ``calcule`` fails on None too: two errors, in the same order.
    expected = await answer(general, ["x", None])
    assert expected[1], "the general execution reports the null"
    assert await answer(direct, ["x", None]) == expected


async def test_only_basic_leaf_fields_qualify() -> None:
    direct, _ = schemas()
    types = direct._schema.type_map
    feuille = types["Feuille"].fields  # type: ignore[attr-defined]
    from gateway.schema.attribute_fields import attribute_reader

    assert attribute_reader(feuille["nom"]) is not None
    assert attribute_reader(feuille["couleur"]) is not None
    assert attribute_reader(feuille["poids"]) is not None
    assert attribute_reader(feuille["tags"]) is None  # a list: graphql-core completes it
    assert attribute_reader(feuille["calcule"]) is None  # a resolver
    assert attribute_reader(types["Racine"].fields["feuilles"]) is None  # type: ignore[attr-defined]


class Observe(SchemaExtension):
    """A ``resolve`` hook sees every field, attribute fields included."""

    seen: ClassVar[list[str]] = []

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        Observe.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


async def test_a_resolve_hook_still_sees_every_field() -> None:
    direct, general = schemas(Observe)
    Observe.seen = []
    await answer(general, ["x"])
    expected = sorted(Observe.seen)
    Observe.seen = []
    await answer(direct, ["x"])
    assert sorted(Observe.seen) == expected
    assert "nom" in expected


def test_each_schema_has_its_own_readers() -> None:
    one, other = for_one_schema(), for_one_schema()
    assert issubclass(one, AttributeFieldsExecutionContext)
    assert one._readers is not other._readers


def test_an_enum_is_serialised_as_strawberry_does_for_every_enum_of_the_schema() -> None:
    """The lookup of a member's name gives what strawberry's own serialiser gives, for
    every member of every enum of the gateway's schema (and the values that are not
    members go to strawberry's)."""
    from graphql import GraphQLEnumType

    from gateway.schema.assembly import build_schema
    from gateway.schema.attribute_fields import leaf_serialiser

    enums = [
        t
        for t in build_schema()._schema.type_map.values()
        if isinstance(t, GraphQLEnumType) and hasattr(t, "wrapped_cls")
    ]
    assert len(enums) > 10
    for graphql_enum in enums:
        serialise = leaf_serialiser(graphql_enum)
        assert serialise is not graphql_enum.coerce_output_value
        for member in graphql_enum.wrapped_cls:
            assert serialise(member) == graphql_enum.coerce_output_value(member)
        name = next(iter(graphql_enum.values))
        assert _outcome(serialise, name) == _outcome(graphql_enum.coerce_output_value, name)


def _outcome(serialise: Any, value: Any) -> tuple[str, Any]:
    try:
        return "value", serialise(value)
    except Exception as error:  # the same refusal, word for word
        return "error", str(error)
