"""Field-level access, applied once to the built schema (not field by field, not
mutation by mutation), so that a new payload or a new ``me`` field is covered at once.

- Mutation payloads: a write scope lets an OAuth2 client act, not read. Every account
  object a payload leads to (a field whose type is a ``Node``: ``travailleur``,
  ``paiement``, ``echeancier``…, at any depth under the payload) needs the ``read``
  scope: without it, the write still happens and that field is null with a FORBIDDEN
  error at its path naming the scope.
- ``Me`` while the password is provisional: only ``role``, ``identifiant`` and
  ``motDePasseAChanger`` are answered, every other field is null with FORBIDDEN (in
  ``me`` and in the login payload's ``me`` alike).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationType,
    default_field_resolver,
    get_named_type,
    is_non_null_type,
)

from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.schema.errors import forbidden

#: What ``me`` answers while the password is provisional.
PROVISIONAL_ME_FIELDS = frozenset({"role", "identifiant", "motDePasseAChanger", "__typename"})
PAYLOAD_READ_REFUSED = (
    f"Ce client OAuth2 n'a pas le scope « {Scope.READ} » : la mutation est faite, mais "
    "les objets du compte ne sont pas lisibles dans sa réponse."
)
PROVISIONAL_ME_REFUSED = (
    "Changez d'abord votre mot de passe provisoire (changeMotDePasse) : seuls role, "
    "identifiant et motDePasseAChanger sont lisibles jusque-là."
)

Resolver = Callable[..., Any]


def apply_field_access(schema: GraphQLSchema) -> None:
    _guard_payload_account_objects(schema)
    me = schema.get_type("Me")
    assert isinstance(me, GraphQLObjectType)
    for name, field in me.fields.items():
        if name not in PROVISIONAL_ME_FIELDS:
            _wrap(field, _refuse_while_provisional)


def _refuse_while_provisional(source: Any, info: Any) -> None:
    if getattr(source, "mot_de_passe_a_changer", False):
        raise forbidden(PROVISIONAL_ME_REFUSED)


def _refuse_without_read(source: Any, info: GraphQLResolveInfo[Any]) -> None:
    ctx = info.context
    if (
        info.operation.operation is OperationType.MUTATION
        and isinstance(ctx, Context)
        and ctx.principal is not None
        and not ctx.principal.has_scope(Scope.READ)
    ):
        raise forbidden(PAYLOAD_READ_REFUSED, scope=Scope.READ)


def _guard_payload_account_objects(schema: GraphQLSchema) -> None:
    """Guard each field leading from a mutation payload to an account object. When
    that field cannot be null, the field leading to its type is guarded instead."""
    mutation = schema.mutation_type
    assert mutation is not None
    node = schema.get_type("Node")
    parents: dict[str, list[tuple[str, GraphQLField]]] = {}
    order: list[GraphQLObjectType] = []

    def visit(owner: str, name: str, field: GraphQLField) -> None:
        target = get_named_type(field.type)
        if not isinstance(target, GraphQLObjectType) or _is_account_object(target, node):
            return
        parents.setdefault(target.name, []).append((f"{owner}.{name}", field))
        if len(parents[target.name]) == 1:
            order.append(target)
            for child_name, child in target.fields.items():
                visit(target.name, child_name, child)

    for name, field in mutation.fields.items():
        visit(mutation.name, name, field)
    for owner in order:
        for name, field in owner.fields.items():
            if not _is_account_object(get_named_type(field.type), node):
                continue
            if not is_non_null_type(field.type):
                _wrap(field, _refuse_without_read)
                continue
            for path, parent in parents[owner.name]:
                if is_non_null_type(parent.type) or parent in mutation.fields.values():
                    raise AssertionError(
                        f"{owner.name}.{name} leads to account objects and cannot be null: "
                        f"make it (or {path}) nullable so that it can be refused"
                    )
                _wrap(parent, _refuse_without_read)


def _is_account_object(named: GraphQLNamedType, node: GraphQLNamedType | None) -> bool:
    return isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and (
        named is node or node in named.interfaces
    )


def _wrap(field: GraphQLField, check: Callable[[Any, Any], None]) -> None:
    resolve: Resolver = field.resolve or default_field_resolver

    def guarded(source: Any, info: Any, **arguments: Any) -> Any:
        check(source, info)
        return resolve(source, info, **arguments)

    field.resolve = guarded
