"""Every refusal code the sources raise is a documented `UserErrorCode` value."""

from __future__ import annotations

import ast
from pathlib import Path

from gateway.schema.error_codes import UserErrorCode

ROOT = Path(__file__).resolve().parents[2]


def raised_codes() -> set[str]:
    """String literals given as ``code=`` or assigned to a class's ``code`` attribute."""
    codes: set[str] = set()
    for path in [*ROOT.joinpath("domain").rglob("*.py"), *ROOT.joinpath("gateway").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                codes |= {
                    k.value.value
                    for k in node.keywords
                    if k.arg == "code"
                    and isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                }
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(
                            isinstance(t, ast.Name) and t.id == "code" for t in statement.targets
                        )
                        and isinstance(statement.value, ast.Constant)
                    ):
                        codes.add(statement.value.value)
    return {code for code in codes if code.isupper()}


def test_every_raised_code_is_listed_and_described() -> None:
    listed = {member.value for member in UserErrorCode}
    assert raised_codes() - listed == set(), "add the new codes to UserErrorCode"
    described = {v.name for v in UserErrorCode.__strawberry_definition__.values if v.description}
    assert described == listed


def test_the_scan_finds_codes_raised_both_ways() -> None:
    codes = raised_codes()
    assert {"BAREME_INTROUVABLE", "MOTIF_REQUIS", "NOT_FOUND"} <= codes
