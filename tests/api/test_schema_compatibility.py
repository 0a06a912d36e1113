"""A released schema is a promise: schema.graphql may add, never remove or change,
except what the release already deprecated with a removal version now reached."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema
from graphql.utilities import BreakingChange, BreakingChangeType, find_breaking_changes

ROOT = Path(__file__).resolve().parents[2]
RELEASES = ROOT / "releases"
REMOVAL = re.compile(r"[Rr]emoval in (\d+)\.(\d+)\.(\d+)")


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def current_version() -> tuple[int, ...]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return version(project["version"])


def latest_release() -> tuple[tuple[int, ...], Path]:
    released = [
        (version(p.stem.removeprefix("schema-")), p) for p in RELEASES.glob("schema-*.graphql")
    ]
    assert released, "no released schema under releases/"
    return max(released)


def _deprecation(schema: GraphQLSchema, change: BreakingChange) -> str | None:
    """The deprecation reason, in the old schema, of what a removal took away."""
    removed = re.fullmatch(r"(?:Field|Enum value) (\w+)\.(\w+) was removed\.", change.description)
    if removed is None:
        return None  # any other breaking change has no deprecation period
    owner, member = removed.groups()
    old: Any = schema.get_type(owner)
    if change.type is BreakingChangeType.FIELD_REMOVED:
        return old.fields[member].deprecation_reason  # type: ignore[no-any-return]
    if change.type is BreakingChangeType.VALUE_REMOVED_FROM_ENUM:
        return old.values[member].deprecation_reason  # type: ignore[no-any-return]
    return None


def unannounced_breaking_changes(
    old: GraphQLSchema, new: GraphQLSchema, now: tuple[int, ...]
) -> list[str]:
    """Breaking changes from ``old`` to ``new`` that no deprecation allowed by ``now``."""
    refused = []
    for change in find_breaking_changes(old, new):
        reason = _deprecation(old, change)
        removal = REMOVAL.search(reason or "")
        if removal is None or tuple(int(g) for g in removal.groups()) > now:
            refused.append(change.description)
    return refused


def test_schema_graphql_keeps_every_promise_of_the_last_release() -> None:
    released_version, released = latest_release()
    assert current_version() >= released_version
    old = build_schema(released.read_text())
    new = build_schema((ROOT / "schema.graphql").read_text())
    assert unannounced_breaking_changes(old, new, current_version()) == [], (
        "deprecate first (@deprecated(reason: '… Removal in X.Y.Z.')), remove in X.Y.Z"
    )


def test_the_changelog_has_a_section_for_the_current_version() -> None:
    project_version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"## [{project_version}]" in (ROOT / "CHANGELOG.md").read_text()


OLD = """
type Query {
  compte: Compte
  ancien: Int @deprecated(reason: "Use compte. Removal in 2.0.0.")
}
type Compte { solde: String!, statut: Statut, rang: Int }
enum Statut { ACTIF RADIE VIEUX @deprecated(reason: "Removal in 1.5.0.") }
"""


def test_a_removed_or_changed_field_is_refused_without_a_deprecation_period() -> None:
    old = build_schema(OLD)
    removed = build_schema(OLD.replace("solde: String!, ", ""))
    assert unannounced_breaking_changes(old, removed, (1, 0, 0)) == [
        "Field Compte.solde was removed."
    ]
    retyped = build_schema(OLD.replace("solde: String!", "solde: Int!"))
    assert unannounced_breaking_changes(old, retyped, (9, 0, 0)) == [
        "Field Compte.solde changed type from String! to Int!."
    ]


def test_a_deprecated_element_goes_only_once_its_removal_version_is_reached() -> None:
    old = build_schema(OLD)
    new = build_schema(
        OLD.replace(
            '  ancien: Int @deprecated(reason: "Use compte. Removal in 2.0.0.")\n', ""
        ).replace(' VIEUX @deprecated(reason: "Removal in 1.5.0.")', "")
    )
    assert unannounced_breaking_changes(old, new, (1, 4, 0)) == [
        "Field Query.ancien was removed.",
        "Enum value Statut.VIEUX was removed.",
    ]
    assert unannounced_breaking_changes(old, new, (1, 5, 0)) == ["Field Query.ancien was removed."]
    assert unannounced_breaking_changes(old, new, (2, 0, 0)) == []
