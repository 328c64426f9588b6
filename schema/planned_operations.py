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
is still made, coded, masked and counted in one place. Step 2's outcome for a document
and operation is kept (schema/known_operations.py), shared with the direct mutations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.values import VariableValues, get_variable_values

from schema.known_operations import UNSEEN, KnownOperations, ValidOperation
from schema.metrics import GraphQLMetrics
from schema.planning.planner import ReadPlanner
from schema.planning.response import response_body

if TYPE_CHECKING:
    from schema.root import GatewaySchema


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
        operations: KnownOperations,
    ):
        self._schema = schema
        self._graphql = schema._schema
        self._planner = planner
        self._metrics = metrics
        self._operations = operations

    async def answer(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        extensions: dict[str, Any] | None,
        context: Any,
    ) -> str | None:
        """The response's JSON, or None to have Strawberry answer the request."""
        seen = self._operations.seen(query, operation_name)
        if seen is not UNSEEN and not _is_query(seen):
            # Known not to be a valid query (a mutation, mostly): whatever the checks
            # would say, the answer is the same, and another way runs them.
            return None
        started = time.perf_counter()
        query, refused = self._schema.checked(query, variables, extensions, context)
        if refused is not None or not query:
            return None
        found = self._operations.operation(query, operation_name)
        if found is None or not _is_query(found):
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


def _is_query(found: ValidOperation | None) -> bool:
    return found is not None and found.operation.operation is OperationType.QUERY
