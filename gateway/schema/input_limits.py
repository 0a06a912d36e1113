"""Limits on the values a request carries, checked before anything executes.

Every string of the operation — written in the document or sent as a variable — is
refused when it holds a NUL character (PostgreSQL cannot store one, and no field
means one) or is longer than its field allows; the variables as a whole are bounded
in nesting and number of values. The refusal is a top-level BAD_USER_INPUT naming the
field by its path (``input.reference``): a variable is named where the operation uses
it. The business rules keep their own, often tighter, checks (userErrors); these
bounds protect storage and CPU first (issue 9, items 9 and 13).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from gateway.schema.errors import ApiError, bad_user_input

# The longest text anyone writes: a news item's content.
MAX_STRING_LENGTH = 20_000
# Fields stored in a bounded column, or whose size costs CPU (passwords are hashed),
# without a tighter business check of their own.
MAX_LENGTHS: dict[str, int] = {
    "idempotencyKey": 200,
    "reference": 50,
    "identifiant": 200,
    "motDePasse": 1_000,
    "ancienMotDePasse": 1_000,
    "courriel": 200,
    "telephone": 30,
    "nir": 30,
    "iban": 50,
    "bic": 20,
    "titulaire": 200,
    "periode": 10,
    "code": 100,
    "cleActivation": 200,
    "refreshToken": 200,
    "clientId": 100,
}
MAX_VARIABLE_DEPTH = 20
MAX_VARIABLE_VALUES = 10_000

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _field_name(path: Path) -> str | None:
    return next((p for p in reversed(path) if isinstance(p, str)), None)


def check_string(value: str, path: Path) -> None:
    field = dotted(path)
    if "\x00" in value:
        raise bad_user_input(f"{field} : caractère NUL interdit.", field)
    name = _field_name(path)
    maximum = MAX_LENGTHS.get(name or "", MAX_STRING_LENGTH)
    if len(value) > maximum:
        raise bad_user_input(f"{field} : au plus {maximum} caractères (reçu {len(value)}).", field)


class _Literals:
    """Strings written in the document, and where each variable is used."""

    def __init__(self) -> None:
        self.usages: dict[str, Path] = {}

    def value(self, node: ValueNode, path: Path) -> None:
        if isinstance(node, StringValueNode):
            check_string(node.value, path)
        elif isinstance(node, VariableNode):
            self.usages.setdefault(node.name.value, path)
        elif isinstance(node, ListValueNode):
            for index, item in enumerate(node.values):
                self.value(item, (*path, index))
        elif isinstance(node, ObjectValueNode):
            for field in node.fields:
                self.value(field.value, (*path, field.name.value))

    def selections(self, selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                for argument in directive.arguments or ():
                    self.value(argument.value, (argument.name.value,))
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    self.value(argument.value, (argument.name.value,))
            self.selections(getattr(selection, "selection_set", None))


def _values(value: Any, path: Path, depth: int) -> Iterator[tuple[Any, Path]]:
    if depth > MAX_VARIABLE_DEPTH:
        field = dotted(path)
        raise bad_user_input(
            f"{field} : valeur trop imbriquée (au plus {MAX_VARIABLE_DEPTH} niveaux).", field
        )
    yield value, path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, (*path, str(key)), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, (*path, index), depth + 1)


def check_inputs(document: DocumentNode, variables: dict[str, Any] | None) -> None:
    """Raise BAD_USER_INPUT for the first value beyond its limits."""
    literals = _Literals()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            literals.selections(definition.selection_set)
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                name = variable.variable.name.value
                if variable.default_value is not None:
                    literals.value(variable.default_value, (name,))
    count = 0
    for name, value in (variables or {}).items():
        base = literals.usages.get(str(name), (str(name),))
        for item, path in _values(value, base, 0):
            count += 1
            if count > MAX_VARIABLE_VALUES:
                raise bad_user_input(
                    f"variables : au plus {MAX_VARIABLE_VALUES} valeurs.", "variables"
                )
            if isinstance(item, str):
                check_string(item, path)


class InputLimits(SchemaExtension):
    """Refuses, before execution, an operation carrying a value beyond its limits."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            try:
                check_inputs(document, context.variables)
            except ApiError as error:
                context.result = ExecutionResult(None, [error])
        yield
