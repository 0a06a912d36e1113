"""Query limits (SPEC §9 "Query limits"; issue 4 "Limits").

Four limits protect the server, checked before anything executes:
- depth, aliases, tokens: strawberry's ``QueryDepthLimiter``, ``MaxAliasesLimiter`` and
  ``MaxTokensLimiter`` (≥ 0.315.7, where fragment spreads no longer bypass them), their
  errors given a French message and an ``extensions.code``;
- a cost budget, Shopify-style: every field costs 1; a connection costs 1, plus its
  page size (`first`, or the argument's default) times the cost of one item selected
  under ``nodes``/``edges``, plus its other fields once (``totalCount``, ``pageInfo``);
  ``nodes(ids:)`` costs the number of ids times its selection; an interface or union
  costs its most expensive possible type; ``__typename`` and introspection are free.
  Named and inline fragments are expanded where they apply, so they cannot hide cost.

Every response reports ``extensions.cost``: ``requestedQueryCost`` (computed from the
query), ``actualQueryCost`` (the fields actually returned: pages are often shorter than
`first`, while lists without pagination count every item) and ``budget``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_list_type,
    is_object_type,
)
from graphql.pyutils import Undefined
from graphql.utilities import value_from_ast_untyped
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gateway.db.repositories.portfolio import visible_clients
from gateway.schema.document_cache import entry_of
from gateway.schema.input_limits import InputLimits

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
COST_BUDGET = 400_000
# Page size assumed for a connection whose `first` has no default.
DEFAULT_PAGE_SIZE = 20
# Page size of a connection whose `first` (and `last`) are omitted, when not 20.
PAGE_DEFAULTS: dict[tuple[str, str], int] = {
    ("Query", "portfolio"): 50,
    ("Collaborateur", "clients"): 50,
    ("Query", "calendrierCabinet"): 100,
}
# Items assumed for a list without pagination (établissements, revenus, lines of a
# computation, userErrors…), unless declared in LIST_MAXIMA: requested ≥ actual.
DEFAULT_LIST_MAXIMUM = 10
LIST_MAXIMA: dict[tuple[str, str], int] = {
    # Batch mutations: one result per item, at most 500 items.
    ("SetPrelevementPeriodicitesPayload", "results"): 500,
    ("EstimateRevenuesPayload", "results"): 500,
    ("GenerateAttestationsPayload", "results"): 500,
    # A payment plan covers at most 24 instalments.
    ("DelaiPaiement", "echeancesCouvertes"): 24,
}
# Fields whose work may read the principal's whole visible portfolio, with the number of
# passes over it (the portfolio's totals, then its page filtered and sorted on the
# indicators): each pass costs PORTFOLIO_ROW_COST per visible client, whatever `first`.
# A pass reads one stored, indexed situation row per client (not the client's account):
# the cost of a field, where a page's client costs ~95.
PORTFOLIO_WIDE: dict[tuple[str, str], int] = {
    ("Query", "portfolio"): 2,
    # Counts, then pages, the window's instalments and deadlines of every visible
    # client: two passes over about ten rows per client.
    ("Query", "calendrierCabinet"): 20,
}
PORTFOLIO_ROW_COST = 1
# The portfolio reads only its page (and costs what the page holds) unless one of these
# fields is selected or one of these arguments given: its totals, its indicator sorts
# and its filters read every visible client.
WHOLE_PORTFOLIO_WHEN: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = {
    ("Query", "portfolio"): (frozenset({"totalCount", "resume"}), frozenset({"tri", "filtre"})),
}
# Fields replaying one worker's whole account (instalments, payments, plans): each
# costs as much as this many fields.
ACCOUNT_REPLAY_COST = 20
ACCOUNT_REPLAY_FIELDS = frozenset({"compte"})

Grouped = dict[str, list[FieldNode]]


def operation_of(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operation = get_operation_ast(document, operation_name)
    if operation is None:  # validation has already refused such documents
        raise GraphQLError("Opération introuvable dans le document.")
    return operation


def variables_with_defaults(
    operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> dict[str, Any]:
    values = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    values.update(variables or {})
    return values


class DocumentFields:
    """Fields of a document as execution would collect them: fragments expanded where
    their type condition applies, ``@skip``/``@include`` honoured, merged by response key."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def collect(
        self, runtime_type: GraphQLObjectType | None, selection_sets: Iterable[SelectionSetNode]
    ) -> Grouped:
        """``runtime_type`` None: every fragment applies (for walking a result)."""
        grouped: Grouped = {}
        visited: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    grouped.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if self._applies(selection.type_condition, runtime_type):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if name in visited or fragment is None:
                        continue
                    visited.add(name)
                    if self._applies(fragment.type_condition, runtime_type):
                        visit(fragment.selection_set)

        for selection_set in selection_sets:
            visit(selection_set)
        return grouped

    def _applies(self, condition: NamedTypeNode | None, runtime: GraphQLObjectType | None) -> bool:
        if condition is None or runtime is None:
            return True
        conditional = self.schema.get_type(condition.name.value)
        if conditional is runtime:
            return True
        return is_abstract_type(conditional) and self.schema.is_sub_type(conditional, runtime)

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value = next(
                (
                    value_from_ast_untyped(a.value, self.variables)
                    for a in directive.arguments or ()
                    if a.name.value == "if"
                ),
                None,
            )
            if (name == "skip" and value is True) or (name == "include" and value is False):
                return False
        return True

    def argument(self, field: GraphQLField, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = value_from_ast_untyped(argument.value, self.variables)
                if value is not Undefined and value is not None:
                    return value
        definition = field.args.get(name)
        return None if definition is None else definition.default_value


def is_connection(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return is_object_type(named) and "pageInfo" in named.fields and "first" in field.args


class QueryCost:
    """The cost of one operation of a document, before and after execution."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        portfolio_size: int = 0,
    ) -> None:
        self.schema = schema
        self.portfolio_size = portfolio_size
        self.operation = operation_of(document, operation_name)
        self.fields = DocumentFields(
            schema, document, variables_with_defaults(self.operation, variables)
        )
        self._memo: dict[tuple[str, tuple[int, ...]], int] = {}
        self._walk_memo: dict[tuple[int, ...], Grouped] = {}
        self._requested: int | None = None

    def requested(self) -> int:
        if self._requested is None:
            root = self.schema.get_root_type(self.operation.operation)
            self._requested = (
                0 if root is None else self._selection(root, [self.operation.selection_set])
            )
        return self._requested

    def _selection(self, parent: Any, selection_sets: list[SelectionSetNode]) -> int:
        key = (parent.name, tuple(id(s) for s in selection_sets))
        if key not in self._memo:
            if is_abstract_type(parent):
                possible = self.schema.get_possible_types(parent)
                costs = (self._object(t, selection_sets) for t in possible)
                self._memo[key] = max(costs, default=0)
            else:
                self._memo[key] = self._object(parent, selection_sets)
        return self._memo[key]

    def _object(
        self, object_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> int:
        total = 0
        for nodes in self.fields.collect(object_type, selection_sets).values():
            name = nodes[0].name.value
            field = object_type.fields.get(name)
            if field is not None and not name.startswith("__"):
                total += self._field(object_type, field, nodes)
        return total

    def _field(self, parent: GraphQLObjectType, field: GraphQLField, nodes: list[FieldNode]) -> int:
        subs = [n.selection_set for n in nodes if n.selection_set is not None]
        named = get_named_type(field.type)
        name = nodes[0].name.value
        passes = PORTFOLIO_WIDE.get((parent.name, name), 0)
        if passes and not self._reads_whole_portfolio(parent, field, nodes, subs):
            passes = 0
        own = 1 + passes * PORTFOLIO_ROW_COST * self.portfolio_size
        if name in ACCOUNT_REPLAY_FIELDS:
            own += ACCOUNT_REPLAY_COST
        if not subs:
            return own
        if is_connection(field):
            return own - 1 + self._connection(parent, field, nodes, subs)
        ids = self.fields.argument(field, nodes[0], "ids")
        if isinstance(ids, list):
            size = len(ids)
        elif is_list_type(get_nullable_type(field.type)):
            size = LIST_MAXIMA.get((parent.name, name), DEFAULT_LIST_MAXIMUM)
        else:
            size = 1
        return own + size * self._selection(named, subs)

    def _reads_whole_portfolio(
        self,
        parent: GraphQLObjectType,
        field: GraphQLField,
        nodes: list[FieldNode],
        subs: list[SelectionSetNode],
    ) -> bool:
        when = WHOLE_PORTFOLIO_WHEN.get((parent.name, nodes[0].name.value))
        if when is None:
            return True
        fields, arguments = when
        if any(a.name.value in arguments for n in nodes for a in n.arguments or ()):
            return True
        connection: GraphQLObjectType = get_named_type(field.type)  # type: ignore[assignment]
        collected = self.fields.collect(connection, subs) if subs else {}
        return any(sub[0].name.value in fields for sub in collected.values())

    def _connection(
        self,
        parent: GraphQLObjectType,
        field: GraphQLField,
        nodes: list[FieldNode],
        subs: list[SelectionSetNode],
    ) -> int:
        first = self.fields.argument(field, nodes[0], "first")
        if "last" in field.args:  # a page from the end costs as much as one from the start
            last = self.fields.argument(field, nodes[0], "last")
            first = last if isinstance(last, int) else first
        default = PAGE_DEFAULTS.get((parent.name, nodes[0].name.value), DEFAULT_PAGE_SIZE)
        size = max(0, first) if isinstance(first, int) else default
        connection: GraphQLObjectType = get_named_type(field.type)  # type: ignore[assignment]
        cost = 1
        for sub_nodes in self.fields.collect(connection, subs).values():
            name = sub_nodes[0].name.value
            sub_field = connection.fields.get(name)
            if sub_field is None or name.startswith("__"):
                continue
            if name in ("nodes", "edges"):
                inner = [n.selection_set for n in sub_nodes if n.selection_set is not None]
                item = get_named_type(sub_field.type)
                cost += 1 + (size * self._selection(item, inner) if inner else 0)
            else:
                cost += self._field(connection, sub_field, sub_nodes)
        return cost

    def actual(self, data: Any) -> int:
        """1 per field present in the result, counted in every item of every list."""
        return self._walk([self.operation.selection_set], data)

    def _walk(self, selection_sets: list[SelectionSetNode], value: Any) -> int:
        if isinstance(value, list):
            return sum(self._walk(selection_sets, item) for item in value)
        if not isinstance(value, dict):
            return 0
        key = tuple(id(s) for s in selection_sets)
        grouped = self._walk_memo.get(key)
        if grouped is None:
            grouped = self._walk_memo[key] = self.fields.collect(None, selection_sets)
        total = 0
        for response_key, nodes in grouped.items():
            if response_key not in value or nodes[0].name.value.startswith("__"):
                continue
            subs = [n.selection_set for n in nodes if n.selection_set is not None]
            total += 1 + (self._walk(subs, value[response_key]) if subs else 0)
        return total


#: Cost computations kept per document (one per distinct variables and portfolio size).
MAX_COSTS_PER_DOCUMENT = 32


def _query_cost(
    derived: dict[Any, Any], schema: GraphQLSchema, document: DocumentNode, context: Any, size: int
) -> QueryCost:
    """The operation's ``QueryCost``, computed once per document, operation, variables
    and portfolio size: its requested cost and field collection depend on nothing else."""
    try:
        key = ("cost", context.operation_name, size, json.dumps(context.variables, sort_keys=True))
    except (TypeError, ValueError):  # variables that JSON cannot key: computed afresh
        key = None
    costs: dict[Any, QueryCost] = derived.setdefault("costs", {})
    cost = costs.get(key) if key is not None else None
    if cost is None:
        cost = QueryCost(schema, document, context.variables, context.operation_name, size)
        cost.requested()  # memoised inside
        if key is not None and len(costs) < MAX_COSTS_PER_DOCUMENT:
            costs[key] = cost
    return cost


def _names_a_portfolio_wide_field(document: DocumentNode) -> bool:
    """Whether the document may read a whole portfolio (then its size is counted): it
    names a portfolio-wide field, and for the portfolio also one of the fields or
    arguments that make it read every client (an over-estimate: the exact rule is
    applied when the cost is computed)."""
    named: set[str] = set()
    with_arguments: set[tuple[str, str]] = set()
    pending = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                named.add(selection.name.value)
                with_arguments.update(
                    (selection.name.value, a.name.value) for a in selection.arguments or ()
                )
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                pending.append(inner)
    for key in PORTFOLIO_WIDE:
        name = key[1]
        if name not in named:
            continue
        when = WHOLE_PORTFOLIO_WHEN.get(key)
        if when is None:
            return True
        fields, arguments = when
        if fields & named or any((name, a) in with_arguments for a in arguments):
            return True
    return False


def too_costly(cost: int, budget: int) -> GraphQLError:
    return GraphQLError(
        f"Requête trop coûteuse : coût estimé {cost} pour un budget de {budget}. "
        "Réduisez `first` ou le nombre de champs demandés, ou paginez.",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": budget},
    )


# strawberry's limit errors, given a code and a French message.
_RELABELS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, str]]], ...] = (
    (
        re.compile(r"exceeds maximum operation depth of (\d+)"),
        lambda m: (
            "QUERY_TOO_DEEP",
            f"Requête trop profonde : au plus {m[1]} niveaux de champs imbriqués.",
        ),
    ),
    (
        re.compile(r"(\d+) aliases found\. Allowed: (\d+)"),
        lambda m: ("TOO_MANY_ALIASES", f"Trop d'alias : {m[1]} pour un maximum de {m[2]}."),
    ),
    (
        re.compile(r"Document contains more than (\d+) tokens"),
        lambda m: (
            "TOO_MANY_TOKENS",
            f"Requête trop longue : plus de {m[1]} jetons (le maximum).",
        ),
    ),
)


def relabel(errors: Iterable[GraphQLError] | None) -> None:
    for error in errors or ():
        for pattern, label in _RELABELS:
            match = pattern.search(error.message)
            if match:
                code, message = label(match)
                error.message = message
                error.extensions = {**(error.extensions or {}), "code": code}


class QueryCostLimiter(SchemaExtension):
    """Refuses over-budget operations before execution; reports the cost of every one."""

    def __init__(self, budget: int = COST_BUDGET) -> None:
        self.budget = budget
        self.requested: int | None = None
        self.actual: int | None = None

    def on_parse(self) -> Iterator[None]:
        yield
        relabel(self.execution_context.pre_execution_errors)

    def on_validate(self) -> Iterator[None]:
        yield
        relabel(self.execution_context.pre_execution_errors)

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            yield
            return
        schema = context.schema._schema
        size = 0
        request = context.context
        kept = entry_of(document)
        derived = kept.derived if kept is not None else {}
        wide = derived.get("portfolio_wide")
        if wide is None:
            wide = derived["portfolio_wide"] = _names_a_portfolio_wide_field(document)
        if wide and getattr(request, "principal", None):
            # One count per request, only when the operation reads the portfolio.
            size = await visible_clients(request.db, request.principal)
        cost = _query_cost(derived, schema, document, context, size)
        self.requested = cost.requested()
        refused = self.requested > self.budget
        if refused and context.result is None:
            context.result = ExecutionResult(None, [too_costly(self.requested, self.budget)])
        yield
        result = context.result
        if refused:
            self.actual = 0
        elif isinstance(result, ExecutionResult):
            counted = getattr(request, "fields_answered", None)
            if result.data is None:
                self.actual = 0
            else:
                self.actual = cost.actual(result.data) if counted is None else counted

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        return {
            "cost": {
                "requestedQueryCost": self.requested,
                "actualQueryCost": self.actual,
                "budget": self.budget,
            }
        }


# strawberry's limiters build a new validation rule class per instance; built once here
# so that every request validates under the same rules and a document validated once
# need not be validated again (``document_cache``). The rules keep no state.
_SHARED_RULES: list[type[ASTValidationRule]] = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """The limit extensions, one instance per request (they keep per-request state)."""
    return [
        lambda: AddValidationRules(_SHARED_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        InputLimits,
        QueryCostLimiter,
    ]
