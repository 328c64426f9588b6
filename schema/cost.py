"""What a query costs, and a limit on it, checked before anything runs.

Every field costs 1 (`__typename` nothing); a field that takes a page size (`pageSize`,
`first`, `last`, `limit`) multiplies what it selects by that size (the size the schema
defaults to when the document gives none: a `Customer.estimates` connection left at its
20), so thirty aliases of
`searchParts(pageSize: 100) { items { sku name } }` cost about 9,000 while a page of 20
estimates with their lines costs a few hundred. A document over `MAX_QUERY_COST` is refused
with COST_LIMIT_EXCEEDED, and every response reports `extensions.cost {requested,
maximum}`, as Apollo's demand control and Saleor do, so clients see how close they are.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

PAGE_ARGUMENTS = frozenset({"pageSize", "first", "last", "limit"})
DEFAULT_PAGE = 20
"""The size a paged field answers when the document gives none (the house's default)."""


class CostCache:
    """Costs of documents already seen, for those whose page sizes are written in the
    document (a page size from a variable is counted per request). Parsed documents are
    shared by the parser cache, so the same object comes back for the same text; it is
    kept here with its costs, bounded like that cache."""

    def __init__(self, size: int):
        self._size = size
        self._known: OrderedDict[int, tuple[Any, dict[str | None, int]]] = OrderedDict()

    def cost(
        self,
        schema: GraphQLSchema,
        document: Any,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        entry = self._known.get(id(document))
        if entry is not None and entry[0] is document and operation_name in entry[1]:
            self._known.move_to_end(id(document))
            return entry[1][operation_name]
        requested = query_cost(schema, document, operation_name, variables)
        if not _pages_from_variables(document):
            if entry is None or entry[0] is not document:
                entry = (document, {})
                self._known[id(document)] = entry
                if len(self._known) > self._size:
                    self._known.popitem(last=False)
            entry[1][operation_name] = requested
        return requested


def _pages_from_variables(document: Any) -> bool:
    return any(
        isinstance(argument.value, VariableNode) and argument.name.value in PAGE_ARGUMENTS
        for argument in _arguments(document)
    )


def _arguments(node: Any) -> Iterator[Any]:
    for key in node.keys:
        value = getattr(node, key, None)
        for child in value if isinstance(value, tuple | list) else (value,):
            if isinstance(child, ArgumentNode):
                yield child
            elif isinstance(child, Node):
                yield from _arguments(child)


def query_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of the operation `operation_name` (or the document's only one)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if not chosen:
        return 0
    walk = _Walk(schema, fragments, variables or {})
    root = schema.get_root_type(chosen[0].operation)
    return walk.cost(chosen[0].selection_set, root, frozenset())


class _Walk:
    """The document's fields with the schema's type of each, so a page size the document
    leaves out counts at the size the field defaults to."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ):
        self._schema = schema
        self._fragments = fragments
        self._variables = variables

    def cost(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        visiting: frozenset[str],
    ) -> int:
        return sum(
            self._field_cost(field, on, seen)
            for field, on, seen in self._fields(selections, parent, visiting)
        )

    def _fields(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        visiting: frozenset[str],
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType | None, frozenset[str]]]:
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                yield selection, parent, visiting
            elif isinstance(selection, InlineFragmentNode):
                on = self._condition(selection.type_condition, parent)
                yield from self._fields(selection.selection_set, on, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in self._fragments and name not in visiting:
                    fragment = self._fragments[name]
                    on = self._condition(fragment.type_condition, parent)
                    yield from self._fields(fragment.selection_set, on, visiting | {name})

    def _condition(self, condition: Any, parent: GraphQLNamedType | None) -> Any:
        return parent if condition is None else self._schema.get_type(condition.name.value)

    def _field_cost(
        self, field: FieldNode, parent: GraphQLNamedType | None, visiting: frozenset[str]
    ) -> int:
        if field.name.value == "__typename":
            return 0
        definition = getattr(parent, "fields", {}).get(field.name.value)
        child = None if definition is None else get_named_type(definition.type)
        children = self.cost(field.selection_set, child, visiting)
        return 1 + children * _page_size(field, definition, self._variables)


def _page_size(
    field: FieldNode, definition: GraphQLField | None, variables: Mapping[str, Any]
) -> int:
    for argument in field.arguments or ():
        if argument.name.value not in PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, int(value.value))
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return max(1, given) if isinstance(given, int) else DEFAULT_PAGE
        return DEFAULT_PAGE
    for name, argument in (definition.args if definition else {}).items():
        if name in PAGE_ARGUMENTS and isinstance(argument.default_value, int):
            return max(1, argument.default_value)
    return 1


class CostLimit(SchemaExtension):
    """Refuses an operation over `maximum` before it runs; reports the cost of every one."""

    def __init__(self, maximum: int, costs: CostCache):
        super().__init__()
        self._maximum = maximum
        self._costs = costs
        self._requested: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            self._requested = self._costs.cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            if self._requested > self._maximum:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"This query would cost {self._requested}, over this gateway's "
                            f"{self._maximum}: ask for smaller pages or fewer aliases.",
                            extensions={"code": "COST_LIMIT_EXCEEDED"},
                        )
                    ],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        if self._requested is None:
            return {}
        return {"cost": {"requested": self._requested, "maximum": self._maximum}}
