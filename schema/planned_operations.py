"""A planned query answered without Strawberry's execution: the same checks, kept per document.

Strawberry's execution of a planned read spent more CPU than the read itself: an
execution context and four extensions made per request, each hook wrapped in context
managers, graphql-core's executor built, the result processed and encoded. For a query
the planner answers whole, `PlannedOperations.answer` does what those steps decided,
in the same order, and nothing else:

1. `GatewaySchema.checked`: the persisted document, the length limit, the variables'
   text and the introspection gate, the one function `execute` runs too;
2. the document parsed (within the token limit) and validated with the same rules and
   the limits' rules, from the same caches (`KnownDocuments`), so a document is parsed
   and validated once for both ways;
3. the operation picked as graphql-core picks it, the variables coerced by
   graphql-core's own `get_variable_values`;
4. the cost from the same `CostCache` against the same maximum (reported in
   `extensions.cost` as `CostLimit` reports it);
5. the planner's verdict and read, as `AcyclicExecutionContext` asks for them;
6. the operation counted and timed into the same metrics as `OperationMetrics` does.

Whatever step does not pass (a refusal, a syntax or validation error, a mutation, a
variable graphql-core refuses, a cost over the limit, a field the planner does not
answer or the caller may not read, an id the tenant does not have, a failed read)
returns None, and the caller runs the request through Strawberry unchanged: every error
is still made, coded, masked and counted in one place. Steps 2 and 3's outcome for a
document and operation (its parsed operation, fragments and whether it is a valid
query) is kept, up to `size` of them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    specified_rules,
)
from graphql.execution.values import VariableValues, get_variable_values

from schema.metrics import GraphQLMetrics
from schema.planning.planner import ReadPlanner
from schema.planning.response import response_body

if TYPE_CHECKING:
    from schema.root import GatewaySchema

_UNSEEN: Any = object()
"""A document and operation `PlannedOperations` has not looked at yet."""
RULES = tuple(specified_rules)
"""The rules Strawberry validates with (its `ExecutionContext.validation_rules`), so the
verdict kept for them in `KnownDocuments` is the one both ways share."""


@dataclass(frozen=True, slots=True)
class _Query:
    """A valid query of a document: what graphql-core's executor would be built from."""

    document: DocumentNode
    operation: OperationDefinitionNode
    name: str | None
    """The operation's name as Strawberry reports it (the one asked for, else its own)."""
    fragments: dict[str, FragmentDefinitionNode]
    no_variables: VariableValues | None
    """The coerced (empty) variables of an operation that declares none."""


@dataclass(slots=True)
class PlannedOperation:
    """What the planner reads of graphql-core's executor, for a request that has none."""

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    variable_values: VariableValues
    context_value: Any


class PlannedOperations:
    def __init__(
        self,
        schema: GatewaySchema,
        planner: ReadPlanner,
        metrics: GraphQLMetrics | None,
        size: int = 256,
    ):
        self._schema = schema
        self._graphql = schema._schema
        self._planner = planner
        self._metrics = metrics
        self._size = size
        self._queries: OrderedDict[tuple[str, str | None], _Query | None] = OrderedDict()

    async def answer(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        extensions: dict[str, Any] | None,
        context: Any,
    ) -> str | None:
        """The response's JSON, or None to have Strawberry answer the request."""
        if self._queries.get((query, operation_name), _UNSEEN) is None:
            # Known not to be a valid query (a mutation, mostly): whatever the checks
            # would say, the answer is the same, and Strawberry's way runs them.
            return None
        started = time.perf_counter()
        query, refused = self._schema.checked(query, variables, extensions, context)
        if refused is not None or not query:
            return None
        found = self._query(query, operation_name)
        if found is None:
            return None
        coerced = found.no_variables
        if coerced is None:
            given = get_variable_values(
                self._graphql, found.operation.variable_definitions, variables or {}
            )
            if isinstance(given, list):
                return None
            coerced = given
        requested = self._schema.costs.cost(self._graphql, found.document, found.name, variables)
        if requested > self._schema.max_cost:
            return None
        operation = PlannedOperation(
            self._graphql, found.operation, found.fragments, coerced, context
        )
        if not self._planner.plannable(operation):
            return None
        data = await self._planner.read(operation)
        if data is None:
            return None
        body = response_body(
            {
                "data": data,
                "extensions": {"cost": {"requested": requested, "maximum": self._schema.max_cost}},
            }
        )
        if self._metrics is not None:
            self._metrics.observe(
                OperationType.QUERY.value,
                self._metrics.label_of(found.name),
                (),
                time.perf_counter() - started,
            )
        return body

    def _query(self, query: str, operation_name: str | None) -> _Query | None:
        key = (query, operation_name)
        if key in self._queries:
            self._queries.move_to_end(key)
            return self._queries[key]
        found = self._queries[key] = self._valid_query(query, operation_name)
        if len(self._queries) > self._size:
            self._queries.popitem(last=False)
        return found

    def _valid_query(self, query: str, operation_name: str | None) -> _Query | None:
        """The operation `operation_name` of `query` if the document is valid and it is a
        query, as graphql-core's executor picks it; None for anything else."""
        known = self._schema.known_documents
        try:
            document = known.parsed(query)
        except Exception:  # a syntax error, or nesting past the interpreter's limit
            return None
        if known.errors(self._graphql, document, RULES):
            return None
        operation: OperationDefinitionNode | None = None
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                if definition.variable_definitions:
                    return None
                fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                if operation_name is None:
                    if operation is not None:
                        return None
                    operation = definition
                elif definition.name and definition.name.value == operation_name:
                    operation = definition
        if operation is None or operation.operation != OperationType.QUERY:
            return None
        own = operation.name.value if operation.name else None
        no_variables = None
        if not operation.variable_definitions:
            coerced = get_variable_values(self._graphql, (), {})
            assert not isinstance(coerced, list)
            no_variables = coerced
        return _Query(document, operation, operation_name or own, fragments, no_variables)
