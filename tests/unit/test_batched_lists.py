"""Lists completed column-wise: the same data, errors and counted cost as graphql-core's
general execution, with each relation resolved once for the whole list, on a small
schema where every case can be provoked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from gateway.schema.batched_lists import batched, for_one_schema


@dataclass
class Journal:
    """The batch forms' calls: (field, number of objects)."""

    calls: list[tuple[str, int]] = field(default_factory=list)
    fields_answered: int = 0


class Toujours(BasePermission):
    message = "refusé"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


@strawberry.type
class BLJouet:
    nom: str
    prix: int | None


@strawberry.interface
class BLAnimal:
    nom: str
    age: int | None

    @strawberry.field
    def cri(self) -> str:
        return self.nom.upper()

    @strawberry.field
    async def jouets(self, info: Info[Journal, None], first: int = 2) -> list[BLJouet]:
        return (await jouets_of(info.context, [self], first))[0]

    @strawberry.field
    async def meilleur_ami(self, info: Info[Journal, None]) -> BLAnimal | None:
        return (await amis_of(info.context, [self]))[0]

    @strawberry.field(permission_classes=[Toujours])
    def garde(self) -> str:
        return "oui"

    @strawberry.field
    def obligatoire(self) -> str:
        return None  # type: ignore[return-value]  (a null on a non-null field)


@strawberry.type
class BLChat(BLAnimal):
    griffes: bool


@strawberry.type
class BLChien(BLAnimal):
    race: str


@batched("BLAnimal", "jouets")
async def jouets_of(
    journal: Journal, animaux: Sequence[BLAnimal], first: int = 2
) -> list[list[BLJouet]]:
    journal.calls.append(("jouets", len(animaux)))
    if first < 0:
        raise ValueError("first : doit être positif.")
    return [
        [BLJouet(nom=f"{a.nom}-{i}", prix=None if i % 2 else i) for i in range(first)]
        for a in animaux
    ]


@batched("BLAnimal", "meilleurAmi")
async def amis_of(journal: Journal, animaux: Sequence[BLAnimal]) -> list[BLAnimal | None]:
    journal.calls.append(("meilleurAmi", len(animaux)))
    return [
        None if a.age is None else BLChien(nom=f"ami de {a.nom}", age=None, race="x")
        for a in animaux
    ]


def animaux(n: int) -> list[BLAnimal]:
    return [
        BLChat(nom=f"chat{i}", age=i, griffes=True)
        if i % 2
        else BLChien(nom=f"chien{i}", age=None if i % 3 == 0 else i, race="berger")
        for i in range(n)
    ]


@strawberry.type
class Query:
    @strawberry.field
    def animaux(self, n: int = 5) -> list[BLAnimal]:
        return animaux(n)


def schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    types = [BLChat, BLChien]
    column_wise = strawberry.Schema(
        query=Query, types=types, execution_context_class=for_one_schema()
    )
    return column_wise, strawberry.Schema(query=Query, types=types)


async def both(document: str, **variables: Any) -> tuple[Any, Journal, Journal]:
    """The answers of both executions (equal), with what each one called."""
    column_wise, general = schemas()
    journals = Journal(), Journal()
    answers = []
    for schema, journal in zip((column_wise, general), journals, strict=True):
        result = await schema.execute(document, variable_values=variables, context_value=journal)
        errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
        answers.append((result.data, errors))
    assert answers[0] == answers[1]
    return answers[0], journals[0], journals[1]


SHAPES = """
query($avec: Boolean!, $sans: Boolean!, $n: Int!) {
  animaux(n: $n) {
    __typename
    ...Nom
    surnom: nom
    age @include(if: $avec)
    cri @skip(if: $sans)
    ... on BLChat { griffes jouets(first: 3) { nom prix } }
    ... on BLChien { race jouets { nom } }
    meilleurAmi { __typename nom cri ... on BLChien { race } }
  }
}
fragment Nom on BLAnimal { nom }
"""


@pytest.mark.parametrize("avec", [True, False])
async def test_fragments_aliases_directives_and_abstract_types_answer_alike(avec: bool) -> None:
    (data, errors), column_wise, general = await both(SHAPES, avec=avec, sans=not avec, n=7)
    assert errors == []
    assert len(data["animaux"]) == 7
    assert data["animaux"][1]["jouets"] == [
        {"nom": "chat1-0", "prix": 0},
        {"nom": "chat1-1", "prix": None},
        {"nom": "chat1-2", "prix": 2},
    ]
    # Once per relation and concrete type (3 cats, 4 dogs), not once per animal as the
    # general execution does.
    assert sorted(column_wise.calls) == [
        ("jouets", 3),
        ("jouets", 4),
        ("meilleurAmi", 3),
        ("meilleurAmi", 4),
    ]
    assert len(general.calls) == 7 + 7


ERRONE = "{ animaux(n: 6) { nom meilleurAmi { nom } jouets(first: -1) { nom } } }"


@pytest.mark.parametrize("document", [SHAPES, ERRONE])
async def test_the_cost_counted_is_the_general_executions(document: str) -> None:
    """Counted while executing, also when a list falls back to the general completion
    while another relation was being read (its count is not kept twice)."""
    from gateway.schema.attribute_fields import AttributeFieldsExecutionContext

    column_wise, _ = schemas()
    plain = strawberry.Schema(
        query=Query,
        types=[BLChat, BLChien],
        execution_context_class=type("Plain", (AttributeFieldsExecutionContext,), {"_readers": {}}),
    )
    counts = []
    for schema in (column_wise, plain):
        journal = Journal()
        result = await schema.execute(
            document,
            variable_values={"avec": True, "sans": False, "n": 6},
            context_value=journal,
        )
        assert (result.errors is None) is (document is SHAPES)
        counts.append(journal.fields_answered)
    assert counts[0] == counts[1] > 6


async def test_an_error_in_a_batch_is_reported_at_each_path_as_before() -> None:
    (data, errors), column_wise, _ = await both(
        "{ animaux(n: 3) { nom jouets(first: -1) { nom } } }"
    )
    assert data is None  # non-null list of non-null animals: the error reaches the root
    assert errors
    assert all(message == "first : doit être positif." for message, _ in errors)
    assert all(path[0] == "animaux" and path[2] == "jouets" for _, path in errors)
    # Tried once for the two dogs, then each animal the general way (which reports).
    assert column_wise.calls[0] == ("jouets", 2)
    assert set(column_wise.calls[1:]) == {("jouets", 1)}


async def test_a_null_on_a_non_null_field_is_the_general_error() -> None:
    (data, errors), _, _ = await both("{ animaux(n: 2) { nom obligatoire } }")
    assert data is None
    assert errors and all("Cannot return null" in message for message, _ in errors)


async def test_a_field_with_a_permission_goes_the_general_way() -> None:
    (data, errors), column_wise, general = await both(
        "{ animaux(n: 3) { nom garde jouets { nom } } }"
    )
    assert errors == []
    assert [a["garde"] for a in data["animaux"]] == ["oui"] * 3
    # The whole list is completed the general way: ``jouets`` once per animal.
    assert column_wise.calls == general.calls == [("jouets", 1)] * 3


async def test_nulls_in_nullable_fields_and_empty_lists() -> None:
    (data, errors), _, _ = await both(
        "{ animaux(n: 4) { age meilleurAmi { nom } jouets(first: 0) { nom } } }"
    )
    assert errors == []
    assert data["animaux"][0]["meilleurAmi"] is None
    assert all(a["jouets"] == [] for a in data["animaux"])


@strawberry.type
class BLOiseau(BLAnimal):
    @strawberry.field
    async def jouets(self, info: Info[Journal, None], first: int = 2) -> list[BLJouet]:
        return [BLJouet(nom="plume", prix=None)]


def test_a_type_overriding_an_interface_field_does_not_take_its_batch_form() -> None:
    from gateway.schema.batched_lists import field_kind

    schema = strawberry.Schema(query=Query, types=[BLChat, BLChien, BLOiseau])
    graphql = schema._schema
    chat = field_kind(graphql.get_type("BLChat"), "jouets")  # type: ignore[arg-type]
    assert chat is not None and chat.batch is jouets_of
    assert field_kind(graphql.get_type("BLOiseau"), "jouets") is None  # type: ignore[arg-type]


QUALIFYING = [
    "query($garde: Boolean!) { animaux(n: 4) { nom garde @include(if: $garde) jouets { nom } } }",
    "query($garde: Boolean!) { animaux(n: 4) { nom ...Garde jouets { nom } } }\n"
    "fragment Garde on BLAnimal { garde @include(if: $garde) }",
]


@pytest.mark.parametrize("document", QUALIFYING)
async def test_which_lists_qualify_is_remembered_per_document_and_directive_values(
    document: str,
) -> None:
    """The same document (kept parsed across requests) asked with ``@include`` on and
    off, in the operation or in a fragment: a field with a permission included sends the
    list the general way, excluded lets it go column-wise, whatever was decided for the
    previous request."""
    from gateway.schema.document_cache import DocumentCache, DocumentCaching

    documents = DocumentCache()
    schema = strawberry.Schema(
        query=Query,
        types=[BLChat, BLChien],
        execution_context_class=for_one_schema(),
        extensions=[lambda: DocumentCaching(documents)],
    )
    calls = []
    for garde in (False, True, False, True):
        journal = Journal()
        result = await schema.execute(
            document, variable_values={"garde": garde}, context_value=journal
        )
        assert result.errors is None
        assert all(("garde" in a) is garde for a in result.data["animaux"])
        calls.append(sorted(journal.calls))
    assert len(documents) == 1  # one document, parsed once
    column_wise, general = [("jouets", 2), ("jouets", 2)], [("jouets", 1)] * 4
    assert calls == [column_wise, general, column_wise, general]
