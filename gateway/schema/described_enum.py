"""Expose an enumeration of the domain as a GraphQL enum with every value described.

The domain's enumerations stay plain ``Enum`` classes (the domain imports no framework);
this wraps one for the schema and attaches a description to each of its values, refusing
at import time a value left undescribed or a description of a value that does not exist,
so the schema cannot silently ship an undocumented value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(
    cls: E, *, description: str, values: Mapping[str, str], name: str | None = None
) -> E:
    """``strawberry.enum(cls)`` with ``values[member.name]`` as each value's description."""
    members = {member.name for member in cls}
    if missing := sorted(members - values.keys()):
        raise ValueError(f"{cls.__name__}: no description for {', '.join(missing)}")
    if unknown := sorted(values.keys() - members):
        raise ValueError(f"{cls.__name__}: no such value {', '.join(unknown)}")
    wrapped = strawberry.enum(cls, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return wrapped
