"""Lists of objects completed field by field for the whole list, not object by object.

graphql-core completes a list of 500 clients one client at a time: for each, every
relation is a resolver call, a coroutine, a loader future and a gather, then the
relation's own objects are completed one by one. Here a list whose selection only
reaches fields of the kinds below is completed column-wise: each field is answered
for every object of the list in one step (a relation in one call for all of them),
then the values it gives, all lists flattened into one, are completed the same way.

The kinds of field (decided per type and field name, once per schema):

* *attribute*: strawberry's basic field (its value is the attribute of that name);
* *method*: a synchronous resolver taking nothing but the object (``self`` or
  ``root``: no arguments, no ``info``), e.g. a connection's ``edges``;
* *batched*: a relation with a batch resolver (:func:`batched`): given the objects of
  the list and the field's arguments, it returns each object's value, through the
  same loaders (and so the same statements and visibility filter) as the field's own
  resolver, which calls it with one object;
* ``__typename``.

A field with a permission class, a field extension, a guard added to the built schema
(payload scopes, provisional passwords) or a ``resolve`` hook of a schema extension is
none of these: a list reaching one is completed the general way. So is a list where a
value cannot be shown as it is (a null on a non-null field, an error raised by a
resolver): its values are then completed again the general way, which reports the
error at its path exactly as before; the loaders have cached what was read, so this
costs no statement. The actual cost is counted alike (the fields of each object).
Whether a list's selection qualifies is decided once per document and values of the
variables its directives read, then remembered across requests.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from graphql import (
    DirectiveNode,
    GraphQLAbstractType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.language import SelectionSetNode, VariableNode
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.nodes import SelectedField

from gateway.db.built_once import BuiltOnce
from gateway.db.json_values import JsonShape, JsonValue, literal_text
from gateway.schema.attribute_fields import (
    GENERAL,
    AttributeFieldsExecutionContext,
    leaf_serialiser,
)
from gateway.schema.json_lists import JsonPlan, JsonResolver, json_form, stored_value

BatchResolver = Callable[..., Awaitable[Sequence[Any]]]
F = TypeVar("F", bound=BatchResolver)
Info = GraphQLResolveInfo[Any]

#: (GraphQL type or interface name, field name) → batch resolver.
_BATCHED: dict[tuple[str, str], BatchResolver] = {}


#: Batch resolvers that also receive ``selected``: the names of the fields selected in
#: their values (a resolver that reads less when some are not).
_WANTS_SELECTION: set[BatchResolver] = set()


def batched(type_name: str, field_name: str, *, selection: bool = False) -> Callable[[F], F]:
    """Declare ``resolver(context, objects, **arguments) -> values`` (one per object,
    in order) as the batch form of ``type_name.field_name``; on an interface it serves
    every type implementing the field. ``selection``: it also receives ``selected``,
    the names of the fields selected in its values."""

    def register(resolver: F) -> F:
        _BATCHED[(type_name, field_name)] = resolver
        if selection:
            _WANTS_SELECTION.add(resolver)
        return resolver

    return register


def selected_names(info: Any) -> frozenset[str]:
    """The names of the fields selected in a field's value, from its strawberry ``Info``
    (fragments included): the ``selected`` a batch form receives, for its own resolver."""
    names: set[str] = set()
    pending = list(info.selected_fields[0].selections)
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            pending.extend(selection.selections)
    return frozenset(names)


class Fallback(Exception):
    """A value the column-wise completion does not show: the general one reports it."""


@dataclass(frozen=True, slots=True)
class FieldKind:
    """How a field is answered for a whole list (see the module's docstring)."""

    value_of: Callable[[Any], Any] | None = None  # attribute or method
    batch: BatchResolver | None = None
    json: JsonResolver | None = None  # the batch's JSON form (``gateway.schema.json_lists``)


def _is_strawberry_resolver(field: Any) -> bool:
    """Strawberry's own resolver, not one wrapped once the schema was built."""
    return hasattr(field.resolve, "_is_default")


def _same_resolver(owner: Any, name: str, function: Any) -> bool:
    """The field of ``owner`` (a type or one of its interfaces) has this resolver: a
    type that overrides an interface's field does not take the interface's batch form."""
    definition = owner.fields[name].extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    base = None if definition is None else definition.base_resolver
    return base is not None and base.wrapped_func is function


def field_kind(parent: GraphQLObjectType, name: str) -> FieldKind | None:
    field = parent.fields.get(name)
    if field is None or not _is_strawberry_resolver(field):
        return None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.permission_classes or definition.extensions:
        return None
    if field.resolve._is_default:
        read, attribute = definition.default_resolver, definition.python_name
        return FieldKind(value_of=lambda source: read(source, attribute))
    resolver = definition.base_resolver
    function = resolver.wrapped_func
    for owner in (parent, *parent.interfaces):
        batch = _BATCHED.get((owner.name, name))
        if batch is not None and _same_resolver(owner, name, function):
            return FieldKind(batch=batch, json=json_form(owner.name, name))
    if (
        not resolver.is_async
        and not definition.arguments
        and list(inspect.signature(function).parameters) in (["self"], ["root"])
    ):
        return FieldKind(value_of=function)
    return None


class BatchedListsExecutionContext(AttributeFieldsExecutionContext):
    """The attribute-field execution, with lists of objects completed column-wise."""

    #: (type, field name) → kind or None; one per schema (``for_one_schema``).
    _kinds: dict[tuple[GraphQLObjectType, str], FieldKind | None]
    #: leaf type → its serialiser (``leaf_serialiser``); one per schema.
    _serialisers: dict[Any, Callable[[Any], Any]]
    #: Whether a list qualifies, across requests (``_plannable_list``); one per schema.
    _qualifying: BuiltOnce[tuple[bool, tuple[Any, ...]]]
    #: An operation's variables its directives read (``directive_variables``), likewise.
    _directive_names: BuiltOnce[tuple[frozenset[str], Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plannable_memo: dict[tuple[Any, int], bool] = {}
        self._json_plans: dict[tuple[int, int], JsonPlan | None] = {}
        # Lists of JSON texts go into the answer as they are: only for one sent as JSON.
        self._splices_json = bool(getattr(self.context_value, "splices_json", False))
        self._converted: dict[tuple[int, int], dict[str, Any]] = {}
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        self._converter = None if strawberry_schema is None else strawberry_schema.schema_converter

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Info,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        general = super().complete_list_value
        if (
            self._direct
            and self._converter is not None
            and isinstance(result, list)
            and len(result) > 1
            and self._plannable_list(get_named_type(return_type), field_details_list)
        ):
            return self._column_wise(
                general, return_type, field_details_list, info, path, result, position_context
            )
        return general(return_type, field_details_list, info, path, result, position_context)

    async def _column_wise(
        self,
        general: Callable[..., Any],
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Info,
        path: Path,
        result: list[Any],
        position_context: Any,
    ) -> Any:
        counted = self._counter.fields_answered if self._counter is not None else 0
        try:
            return await self._complete(return_type.of_type, field_details_list, info, result)
        except Exception:  # the general completion reports it, at its path
            if self._counter is not None:
                self._counter.fields_answered = counted
            completed = general(
                return_type, field_details_list, info, path, result, position_context
            )
            return await completed if self.is_awaitable(completed) else completed

    # -- which lists qualify (decided before anything runs) ---------------------------

    def _kind(self, parent: GraphQLObjectType, name: str) -> FieldKind | None:
        key = (parent, name)
        try:
            return self._kinds[key]
        except KeyError:
            found = self._kinds[key] = field_kind(parent, name)
            return found

    def _serialiser(self, leaf: Any) -> Callable[[Any], Any]:
        found = self._serialisers.get(leaf)
        if found is None:
            found = self._serialisers[leaf] = leaf_serialiser(leaf)
        return found

    def _plannable_list(self, named: Any, field_details_list: FieldDetailsList) -> bool:
        """:meth:`_plannable`, remembered across requests of the same document: the
        answer depends only on the fields' nodes and the values of the variables the
        operation's directives read (``@skip``, ``@include``, ``@defer``); the entry
        keeps the nodes, so their ids in its key are never reused while it is kept."""
        if is_leaf_type(named):
            return True
        nodes = tuple(details.node for details in field_details_list)
        operation = self.operation
        names, _ = self._directive_names.get(
            id(operation),
            lambda: (directive_variables(operation, self.fragment_definitions), operation),
        )
        given = self.variable_values.coerced
        values = tuple(sorted((name, given.get(name)) for name in names))
        key = (named.name, tuple(map(id, nodes)), values)
        found, _nodes = self._qualifying.get(
            key, lambda: (self._plannable(named, field_details_list), nodes)
        )
        return found

    def _plannable(self, named: Any, field_details_list: FieldDetailsList) -> bool:
        if is_leaf_type(named):
            return True
        key = (named, id(field_details_list))
        found = self._plannable_memo.get(key)
        if found is None:
            self._kept.append(field_details_list)
            found = self._plannable_memo[key] = self._check(named, field_details_list)
        return found

    def _check(self, named: Any, field_details_list: FieldDetailsList) -> bool:
        if any(details.defer_usage is not None for details in field_details_list):
            return False
        if is_abstract_type(named):
            possible: Sequence[GraphQLObjectType] = self.schema.get_possible_types(named)
        elif is_object_type(named):
            possible = [named]
        else:
            return False
        for runtime in possible:
            grouped, defers, _ = self.collect_subfields(runtime, field_details_list)
            if defers:
                return False
            for details in grouped.values():
                name = details[0].node.name.value
                if name == "__typename":
                    continue
                if self._kind(runtime, name) is None:
                    return False
                if not self._plannable(get_named_type(runtime.fields[name].type), details):
                    return False
        return True

    # -- completion of a column of values ---------------------------------------------

    async def _complete(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: Info,
        values: Sequence[Any],
    ) -> list[Any]:
        if is_non_null_type(return_type):
            completed = await self._complete(return_type.of_type, field_details_list, info, values)
            if any(value is None for value in completed):
                raise Fallback
            return completed
        shown = [i for i, value in enumerate(values) if value is not None]
        if len(shown) < len(values):
            answers: list[Any] = [None] * len(values)
            done = await self._complete(
                return_type, field_details_list, info, [values[i] for i in shown]
            )
            for i, answer in zip(shown, done, strict=True):
                answers[i] = answer
            return answers
        if is_list_type(return_type):
            if not all(isinstance(value, list | tuple) for value in values):
                raise Fallback
            flat = [item for value in values for item in value]
            done = await self._complete(return_type.of_type, field_details_list, info, flat)
            lists, start = [], 0
            for value in values:
                lists.append(done[start : start + len(value)])
                start += len(value)
            return lists
        if is_leaf_type(return_type):
            serialise = self._serialiser(return_type)
            leaves = [serialise(value) for value in values]
            if any(leaf is None or leaf is Undefined for leaf in leaves):
                raise Fallback
            return leaves
        if is_abstract_type(return_type):
            return await self._complete_abstract(return_type, field_details_list, info, values)
        return await self._complete_objects(
            cast("GraphQLObjectType", return_type), field_details_list, info, values
        )

    async def _complete_abstract(
        self,
        return_type: GraphQLAbstractType,
        field_details_list: FieldDetailsList,
        info: Info,
        values: Sequence[Any],
    ) -> list[Any]:
        resolve_type = return_type.resolve_type or self.type_resolver
        groups: dict[str, list[int]] = {}
        for i, value in enumerate(values):
            name = resolve_type(value, info, return_type)
            if not isinstance(name, str):
                raise Fallback
            groups.setdefault(name, []).append(i)
        runtimes: list[GraphQLObjectType] = []
        for name in groups:
            runtime = self.schema.get_type(name)
            if not isinstance(runtime, GraphQLObjectType):
                raise Fallback
            if not self.schema.is_sub_type(return_type, runtime):
                raise Fallback
            runtimes.append(runtime)
        # Together, so that a relation the types share is read in one batch for all.
        completed = await gather_with_cancel(
            *(
                self._complete_objects(
                    runtime, field_details_list, info, [values[i] for i in indices]
                )
                for runtime, indices in zip(runtimes, groups.values(), strict=True)
            )
        )
        answers: list[Any] = [None] * len(values)
        for indices, done in zip(groups.values(), completed, strict=True):
            for i, answer in zip(indices, done, strict=True):
                answers[i] = answer
        return answers

    async def _complete_objects(
        self,
        parent: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Info,
        sources: Sequence[Any],
    ) -> list[dict[str, Any]]:
        if parent.is_type_of is not None and not all(
            parent.is_type_of(source, info) is True for source in sources
        ):
            raise Fallback
        grouped, _, _ = self.collect_subfields(parent, field_details_list)
        readers, answered = self._plan_of(parent, grouped)
        if self._counter is not None:
            self._counter.fields_answered += answered * len(sources)
        if readers is not None:  # every field a stored leaf: one dict per object
            objects = [{key: read(source) for key, read in readers} for source in sources]
            if any(GENERAL in answer.values() for answer in objects):
                raise Fallback
            return objects
        # The fields together, as the general execution starts them: the relations of
        # every type of a list then reach their loaders in the same batch.
        columns = await gather_with_cancel(
            *(self._column(parent, details, info, sources) for details in grouped.values())
        )
        keys = list(grouped)
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]

    async def _column(
        self,
        parent: GraphQLObjectType,
        details: FieldDetailsList,
        info: Info,
        sources: Sequence[Any],
    ) -> list[Any]:
        """One field answered for every object of the list."""
        name = details[0].node.name.value
        if name == "__typename":
            return [parent.name] * len(sources)
        read = self._reader(parent, name)
        if read is not None:
            column = [read(source) for source in sources]
            if GENERAL in column:
                raise Fallback
            return column
        kind = self._kind(parent, name)
        field = parent.fields[name]
        if kind is None:
            raise Fallback
        if kind.value_of is not None:
            values: Sequence[Any] = [kind.value_of(source) for source in sources]
        else:
            assert kind.batch is not None
            plan = self._json_plan(field, kind, details)
            texts = None
            if plan is not None:
                texts = await plan.resolver(
                    self.context_value,
                    sources,
                    plan.shape,
                    **self._python_arguments(field, details),
                )
            if plan is not None and texts is not None:  # None: the batch form answers
                if len(texts) != len(sources):
                    raise Fallback
                answers, counted = plan.answers(texts)
                if self._counter is not None:
                    self._counter.fields_answered += counted
                return answers
            arguments = self._python_arguments(field, details)
            if kind.batch in _WANTS_SELECTION:
                arguments = {**arguments, "selected": self._selected_names(field.type, details)}
            values = await kind.batch(self.context_value, sources, **arguments)
            if len(values) != len(sources):
                raise Fallback
        return await self._complete(field.type, details, info, values)

    # -- relations answered with the JSON the database writes -------------------------

    def _json_plan(self, field: Any, kind: FieldKind, details: FieldDetailsList) -> JsonPlan | None:
        if kind.json is None or not self._splices_json:
            return None
        key = (id(field), id(details))
        if key not in self._json_plans:
            self._kept.append((field, details))
            self._json_plans[key] = self._new_json_plan(field.type, kind.json, details)
        return self._json_plans[key]

    def _new_json_plan(
        self, field_type: Any, resolver: JsonResolver, details: FieldDetailsList
    ) -> JsonPlan | None:
        """The plan when the selection reaches only stored fields of the items (and a
        connection's ``nodes``, ``totalCount``, ``__typename``), else None."""
        target = field_type.of_type if is_non_null_type(field_type) else field_type
        connection: list[tuple[str, str]] | None = None
        if is_list_type(target):
            items, item_details = get_named_type(target), details
        elif is_object_type(target) and "nodes" in target.fields:
            grouped, defers, _ = self.collect_subfields(target, details)
            found = [(key, d[0].node.name.value, d) for key, d in grouped.items()]
            nodes = [d for _, name, d in found if name == "nodes"]
            if defers or len(nodes) != 1:
                return None
            if any(name not in ("nodes", "totalCount", "__typename") for _, name, _ in found):
                return None
            connection = [(key, name) for key, name, _ in found]
            items, item_details = get_named_type(target.fields["nodes"].type), nodes[0]
        else:
            return None
        if not is_object_type(items):
            return None
        grouped, defers, _ = self.collect_subfields(items, item_details)
        if defers:
            return None
        fields: list[tuple[str, JsonValue]] = []
        for key, d in grouped.items():
            name = d[0].node.name.value
            if name == "__typename":
                value: JsonValue | None = literal_text(items.name)
            elif self._kind(items, name) is None:  # a guard, a permission: the usual way
                return None
            else:
                value = stored_value(items.name, name)
            if value is None:
                return None
            fields.append((key, value))
        names = ",".join(f"{key}:{d[0].node.name.value}" for key, d in grouped.items())
        total = any(name == "totalCount" for _, name in connection or ())
        return JsonPlan(
            resolver=resolver,
            shape=JsonShape(
                f"{items.name}{{{names}}}{' with total' if total else ''}", tuple(fields), total
            ),
            connection=None if connection is None else tuple(connection),
            connection_type=target.name if connection is not None else "",
            per_parent=sum(1 for _, name in connection or () if not name.startswith("__")),
            per_item=sum(1 for d in grouped.values() if d[0].node.name.value != "__typename"),
        )

    def _selected_names(self, field_type: Any, details: FieldDetailsList) -> frozenset[str]:
        grouped, _, _ = self.collect_subfields(get_named_type(field_type), details)
        return frozenset(d[0].node.name.value for d in grouped.values())

    def _python_arguments(self, field: Any, details: FieldDetailsList) -> dict[str, Any]:
        """The field node's arguments as its resolver receives them (Python names and
        types), converted once per node."""
        key = (id(field), id(details[0].node))
        found = self._converted.get(key)
        if found is None:
            definition = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
            assert self._converter is not None
            found = convert_arguments(
                self._arguments(field, details[0]),
                definition.arguments,
                scalar_registry=self._converter.scalar_registry,
                config=self._converter.config,
            )
            self._converted[key] = found
            self._kept.append((field, details))
        return found


def directive_variables(operation: Any, fragments: Any) -> frozenset[str]:
    """The variables the directives of an operation and of the fragments it may spread
    read (``@skip(if: $x)``...): what decides, besides the document, which fields are
    collected."""
    names: set[str] = set()
    pending: list[Any] = [operation, *fragments.values()]
    while pending:
        node = pending.pop()
        for directive in getattr(node, "directives", None) or ():
            assert isinstance(directive, DirectiveNode)
            for argument in directive.arguments or ():
                if isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            pending.extend(selection_set.selections)
    return frozenset(names)


def for_one_schema() -> type[BatchedListsExecutionContext]:
    """The execution context class of one schema, with its own caches of field readers
    and kinds (freed with the schema: tests build many)."""
    return type(
        "BatchedListsExecutionContext",
        (BatchedListsExecutionContext,),
        {
            "_readers": {},
            "_kinds": {},
            "_serialisers": {},
            "_qualifying": BuiltOnce(1024),
            "_directive_names": BuiltOnce(),
        },
    )
