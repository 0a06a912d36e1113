"""Dependencies point inward (STYLE): the domain is pure; services and persistence
do not know the GraphQL layer."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Small pure libraries the domain may use (SPEC §8: identifier checks).
DOMAIN_ALLOWED = {"domain", "stdnum", "email_validator"}


def imports_of(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_domain_imports_only_the_standard_library_and_small_pure_libraries() -> None:
    leaks = {
        path: sorted(
            n for n in names if n.split(".")[0] not in DOMAIN_ALLOWED | sys.stdlib_module_names
        )
        for path, names in imports_of("domain").items()
    }
    assert {path: names for path, names in leaks.items() if names} == {}


def test_services_persistence_auth_and_documents_do_not_import_graphql_types() -> None:
    offenders = {}
    for folder in (
        "gateway/services",
        "gateway/db",
        "gateway/auth",
        "gateway/documents",
        "gateway/mail",
        "gateway/seed",
    ):
        for path, names in imports_of(folder).items():
            bad = sorted(
                n
                for n in names
                if n.startswith(("gateway.schema", "gateway.resolvers", "strawberry"))
            )
            if bad:
                offenders[path] = bad
    assert offenders == {}
