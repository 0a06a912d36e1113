"""The execution of an operation, with less work per field than graphql-core's own.

A portfolio page of 500 clients with their payments and instalments answers some
28 000 fields, nearly all of them a stored column shown as it is (``nom``,
``montant``, ``dateEcheance``); graphql-core resolves each one like any other field
(resolve info, resolver call, awaitable checks, value completion). Three changes, each
measured on that page (issue 11):

1. *Attribute fields.* A field qualifies when strawberry marks it basic (no resolver,
   no permission class, no field extension: its value is the attribute of the same
   name), its type is a scalar or an enum, possibly non-null, and no schema extension
   wraps the resolvers (a ``resolve`` hook, e.g. tracing). Its value is read and
   serialised with the field type's own serialiser; an object whose selected fields
   all qualify is answered in one go. A value the general execution would turn into
   an error (null on a non-null field) goes the general way, which reports it.
2. *Arguments coerced once per field node*, not once per parent: the 500 workers of a
   page ask ``paiements(first: 5)`` with the same arguments.
3. *The actual cost counted while executing* (the fields of each object answered),
   instead of a walk over the finished result.

Resolvers, loaders, visibility filters, scopes and the requested cost are untouched:
they run before a value exists. ``build_schema(attribute_fields=False)`` gives the
general execution; the tests compare both on the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

#: The general execution must complete this value (it reports the error).
GENERAL = object()

Reader = Callable[[Any], Any]


def attribute_reader(field: GraphQLField) -> Reader | None:
    """How to answer ``field`` from its source object, or None when it does not qualify."""
    if not getattr(field.resolve, "_is_default", False):
        return None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None:
        return None
    nullable = not is_non_null_type(field.type)
    leaf = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    if not is_leaf_type(leaf):
        return None
    value_of = definition.default_resolver
    name = definition.python_name
    serialise = leaf_serialiser(leaf)

    def read(source: Any) -> Any:
        value = value_of(source, name)
        if value is None:
            return None if nullable else GENERAL
        shown = serialise(value)
        return GENERAL if shown is None or shown is Undefined else shown

    return read


def leaf_serialiser(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The leaf type's serialiser, the same answers as its ``coerce_output_value``. For
    one of strawberry's enums, a lookup of the member's name: strawberry compares the
    value with each of the enum's values in turn, a tenth of a dashboard page's CPU
    (thousands of contribution codes and statuses)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    coerce = leaf.coerce_output_value
    if not isinstance(leaf, GraphQLEnumType) or not isinstance(wrapped, type):
        return coerce
    names: dict[Any, str] = {}
    for member in cast("Iterable[Any]", wrapped):
        for name, value in leaf.values.items():
            if member.value == value.value:  # the first name of its value, as strawberry
                names[member] = name
                break

    def serialise(value: Any) -> Any:
        if isinstance(value, wrapped):
            found = names.get(value)
            if found is not None:
                return found
        return coerce(value)

    return serialise


class AttributeFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution, with the qualifying fields answered by ``attribute_reader``."""

    #: (type, field name) → reader or None; one per schema (``for_one_schema``).
    _readers: dict[tuple[GraphQLObjectType, str], Reader | None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares
        self._plans: dict[tuple[int, int], tuple[list[tuple[str, Reader]] | None, int]] = {}
        # Counts the fields answered into the request's context, when it keeps the count.
        self._counter = (
            self.context_value if hasattr(self.context_value, "fields_answered") else None
        )
        if self._counter is not None:
            self._counter.fields_answered = 0
        self._argument_memo: dict[tuple[int, int, int], dict[str, Any]] = {}
        self._kept: list[Any] = []  # keeps the objects whose ids are memo keys alive

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        readers, answered = self._plan_of(parent_type, grouped_field_set)
        if self._counter is not None:
            self._counter.fields_answered += answered
        if readers is not None:
            answer = {name: read(source_value) for name, read in readers}
            if GENERAL not in answer.values():
                return answer
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def execute_fields_serially(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """A mutation's root fields: counted like any others, then graphql-core's order."""
        if self._counter is not None:
            self._counter.fields_answered += self._plan_of(parent_type, grouped_field_set)[1]
        return super().execute_fields_serially(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _plan_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> tuple[list[tuple[str, Reader]] | None, int]:
        key = (id(parent_type), id(grouped_field_set))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(parent_type, grouped_field_set)
            self._kept.append(grouped_field_set)
        return plan

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> tuple[list[tuple[str, Reader]] | None, int]:
        """For one selection on one type: the readers when every field qualifies (the
        object is then answered in one go), and how many fields the result counts (the
        actual cost: meta fields such as ``__typename`` are free)."""
        names = [(key, details[0].node.name.value) for key, details in grouped_field_set.items()]
        answered = sum(1 for _, name in names if not name.startswith("__"))
        if not self._direct:
            return None, answered
        readers = [(key, self._reader(parent_type, name)) for key, name in names]
        if any(read is None for _, read in readers):
            return None, answered
        return [(key, read) for key, read in readers if read is not None], answered

    def _reader(self, parent_type: GraphQLObjectType, name: str) -> Reader | None:
        key = (parent_type, name)
        try:
            return self._readers[key]
        except KeyError:
            field = parent_type.fields.get(name)
            read = self._readers[key] = None if field is None else attribute_reader(field)
            return read

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if not self._direct:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        node = field_details_list[0].node
        read = self._reader(parent_type, node.name.value)
        if read is not None:
            value = read(source)
            if value is not GENERAL:
                return value
        return self._resolve_field(parent_type, source, field_details_list, path, position_context)

    def _resolve_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_field`` (3.3), with the arguments of a field node
        coerced once per operation (``_arguments``) rather than once per parent: the 500
        workers of a page ask ``paiements(first: 5)`` with the same arguments, and
        coercing them was a fifth of the page's CPU time."""
        details = field_details_list[0]
        field_def = self.schema.get_field(parent_type, details.node.name.value)
        if not field_def:
            return Undefined
        return_type = field_def.type
        resolve_fn = field_def.resolve or self.field_resolver
        info = self.build_resolve_info(
            field_def, [d.node for d in field_details_list], parent_type, path
        )
        try:
            result = resolve_fn(source, info, **self._arguments(field_def, details))
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, result, position_context
                )
            completed = self.complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(
        self,
        completed: Any,
        return_type: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _arguments(self, field_def: GraphQLField, details: FieldDetails) -> dict[str, Any]:
        """The coerced arguments of this field node: the same for every parent, as they
        depend only on the node, the field and the operation's variables."""
        if not field_def.args and not details.node.arguments:
            return {}
        key = (id(field_def), id(details.node), id(details.fragment_variable_values))
        found = self._argument_memo.get(key)
        if found is None:
            found = get_argument_values(
                field_def,
                details.node,
                self.variable_values,
                details.fragment_variable_values,
                self.hide_suggestions,
            )
            # The key's objects live as long as the operation's document (this memo).
            self._argument_memo[key] = found
            self._kept.append((field_def, details))
        return found


def for_one_schema() -> type[AttributeFieldsExecutionContext]:
    """The execution context class of one schema, with its own cache of readers (freed
    with the schema: tests build many)."""
    return type(
        "AttributeFieldsExecutionContext",
        (AttributeFieldsExecutionContext,),
        {"_readers": {}},
    )
