"""A mutation executed by graphql-core's executor without Strawberry's operation around it.

Strawberry's `Schema.execute` makes, for every request, an execution context, four
extensions, their hooks for four stages, a middleware manager and the result's
extensions, around graphql-core's executor; for a reservation that was about as much
CPU as the executor and every field's resolution together. `DirectMutations.execute`
does for a plain HTTP mutation what those steps decide, in the same order, and nothing
else:

1. `GatewaySchema.checked`: the persisted document, the length limit, the variables'
   text and the introspection gate;
2. the document parsed and validated from the same caches, the operation picked
   (schema/known_operations.py), as `DocumentChecks` and graphql-core do;
3. the cost from the same `CostCache` against the same maximum, as `CostLimit` does
   before execution, reported in `extensions.cost`;
4. graphql-core's executor built and run as Strawberry's `execute` builds and runs it
   (`AcyclicExecutionContext`, the variables coerced by graphql-core, no field
   middleware since none of those extensions resolves fields), so every field's resolver,
   permission and input conversion are Strawberry's own;
5. the errors, if any, through Strawberry's `_process_errors`, the one `ErrorContract`
   and the schema's final mapping, in that order, as on Strawberry's way;
6. the operation counted and timed into the same metrics as `OperationMetrics` does.

Any step before execution that does not pass (a refusal, a document that does not parse
or validate, a query or a subscription, a cost over the limit, a variable graphql-core
refuses) returns None with nothing run, and the caller hands the request to Strawberry,
which makes that error exactly as before. Only a request outside a trace that records
comes here (its spans stay Strawberry's), and only while the schema's extensions are
the four whose work this does (`STOOD_FOR`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, MiddlewareManager, OperationType
from strawberry.execution import optimized_is_awaitable
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.utils.await_maybe import await_maybe

from schema.cost import CostLimit
from schema.documents import DocumentChecks
from schema.errors import ErrorContract
from schema.execution import AcyclicExecutionContext
from schema.known_operations import UNSEEN, KnownOperations, ValidOperation
from schema.metrics import GraphQLMetrics, OperationMetrics

if TYPE_CHECKING:
    from schema.root import GatewaySchema

STOOD_FOR = frozenset({OperationMetrics, ErrorContract, DocumentChecks, CostLimit})
"""The extensions whose work `DirectMutations.execute` does (steps 2, 3, 5 and 6)."""
ALLOWED = frozenset(OperationType)
"""What a POST may run (Strawberry's `OperationType.from_http`), for the errors' context."""


class DirectMutations:
    def __init__(
        self,
        schema: GatewaySchema,
        operations: KnownOperations,
        metrics: GraphQLMetrics | None,
    ):
        self._schema = schema
        self._graphql = schema._schema
        self._operations = operations
        self._metrics = metrics
        self._open = all(type(extension) in STOOD_FOR for extension in schema.get_extensions())
        """Whether the schema's extensions are all ones this way does the work of; with any
        other (a directive's, one that resolves fields), every mutation takes Strawberry's."""

    async def execute(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        extensions: dict[str, Any] | None,
        context: Any,
    ) -> ExecutionResult | None:
        """The mutation's result as Strawberry's `execute` returns it, or None (nothing
        run) to have Strawberry execute the request."""
        seen = self._operations.seen(query, operation_name)
        if not self._open or (seen is not UNSEEN and not _is_mutation(seen)):
            # Known not to be a valid mutation: Strawberry's way runs the checks.
            return None
        query, refused = self._schema.checked(query, variables, extensions, context)
        if refused is not None or not query:
            return None
        started = time.perf_counter()  # where `OperationMetrics` starts, after the checks
        found = self._operations.operation(query, operation_name)
        if found is None or not _is_mutation(found):
            return None
        requested = self._schema.costs.cost(self._graphql, found.document, found.name, variables)
        maximum = self._schema.max_cost
        if requested > maximum:
            return None
        executor = AcyclicExecutionContext.build(
            self._graphql,
            found.document,
            None,
            context,
            variables,
            found.name,
            middleware=MiddlewareManager(),
            is_awaitable=optimized_is_awaitable,
            operation_extensions=extensions,
        )
        if isinstance(executor, list):  # a variable graphql-core refuses
            return None
        cost = {"cost": {"requested": requested, "maximum": maximum}}
        try:
            executed = await await_maybe(executor.execute_operation())
        except Exception as error:
            # As Strawberry's `execute`: raised past the operation's hooks, so neither
            # masked nor counted, only mapped.
            failed = (
                error
                if isinstance(error, GraphQLError)
                else GraphQLError(str(error), original_error=error)
            )
            self._schema._process_errors(
                [failed], self._execution(query, variables, found, context, extensions)
            )
            return ExecutionResult(data=None, errors=self._schema.coded([failed]), extensions=cost)
        result = ExecutionResult(data=executed.data, errors=executed.errors, extensions=cost)
        if result.errors:
            execution = self._execution(query, variables, found, context, extensions)
            self._schema._process_errors(result.errors, execution)
            self._contract(execution)._process_result(result)
        if self._metrics is not None:
            self._metrics.observe(
                OperationType.MUTATION.value,
                self._metrics.label_of(found.name),
                result.errors or (),
                time.perf_counter() - started,
            )
        if result.errors:
            result.errors = self._schema.coded(result.errors)
        return result

    def _execution(
        self,
        query: str,
        variables: dict[str, Any] | None,
        found: ValidOperation,
        context: Any,
        extensions: dict[str, Any] | None,
    ) -> ExecutionContext:
        """Strawberry's execution context of the request, made only when errors need it."""
        return ExecutionContext(
            query=query,
            schema=self._schema,
            allowed_operations=ALLOWED,
            context=context,
            variables=variables,
            provided_operation_name=found.name,
            graphql_document=found.document,
            operation_extensions=extensions,
        )

    def _contract(self, execution: ExecutionContext) -> ErrorContract:
        """The schema's `ErrorContract`, made as Strawberry makes it for a request."""
        contract = next(
            extension
            for extension in self._schema.get_extensions()
            if isinstance(extension, ErrorContract)
        )
        contract.execution_context = execution
        return contract


def _is_mutation(found: ValidOperation | None) -> bool:
    return found is not None and found.operation.operation is OperationType.MUTATION
