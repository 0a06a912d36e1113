"""schema.graphql at the root is exactly what `gateway export-schema` prints."""

from __future__ import annotations

from pathlib import Path

from gateway.schema.assembly import export_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_is_in_sync_with_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == export_sdl(), "schema.graphql drifted: run `make schema` and commit it"


def test_every_type_field_and_enum_value_of_the_schema_is_described() -> None:
    from graphql import (
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
    )

    from gateway.schema.assembly import build_schema

    schema = build_schema()._schema
    missing = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not gtype.description:
            missing.append(name)
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in gtype.fields.items() if not field.description]
        if isinstance(gtype, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in gtype.values.items() if not value.description]
    assert missing == []
