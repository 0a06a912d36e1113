"""The benchmarks' committed query documents stay valid as the schema changes.

bench/dashboard.py, scaling.py and load.py send the files of bench/queries/ as they are:
a renamed field would only show when someone reruns a benchmark. The gateway's
documents are validated against the schema; PostGraphile's (its schema comes from the
database at run time) are only parsed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate

from gateway.schema.assembly import build_schema

QUERIES = Path(__file__).resolve().parents[2] / "bench" / "queries"
GATEWAY = sorted(QUERIES.glob("gateway-*.graphql"))
PEER = sorted(QUERIES.glob("postgraphile-*.graphql"))


def test_the_documents_are_there() -> None:
    names = {path.stem for path in GATEWAY + PEER}
    assert {"gateway-same-fields", "gateway-dashboard", "postgraphile-same-fields"} <= names


@pytest.mark.parametrize("path", GATEWAY, ids=lambda path: path.stem)
def test_gateway_document_is_valid(path: Path) -> None:
    errors = validate(build_schema()._schema, parse(path.read_text()))
    assert [error.message for error in errors] == []


@pytest.mark.parametrize("path", PEER, ids=lambda path: path.stem)
def test_postgraphile_document_parses(path: Path) -> None:
    document = parse(path.read_text())
    assert len(document.definitions) == 1
