"""The executor Strawberry runs each operation with, without a reference cycle.

graphql-core's executor keeps two of its own bound methods in `async_helpers`, so it
refers to itself, and through its context to the request, the response and the whole
operation's state: some seventy objects per request that reference counting could not
free. Under load they outlived the young collections and were freed only by full ones,
which then stopped every request in flight for 50-100 ms (the p99 of bench.estimates,
measured with gc callbacks). The helpers here reach the executor through a weak
reference, so a finished request is freed the moment its last reference goes.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import ExecutionResult, GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.planning.planner import ReadPlanner


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        executor = weakref.ref(self)

        def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
            return _alive(executor).gather_async_work(values)

        def track(values: Sequence[Any]) -> None:
            _alive(executor).track_async_work(values)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=gather, track=track)

    def execute_operation(self, serially: bool | None = None) -> Any:
        """A query the context's planner answers (docs/decisions.md, "Compiled reads")
        is read from SQL; every other operation, and a planned one the planner hands
        back, is executed field by field as always."""
        planner: ReadPlanner | None = getattr(self.context_value, "read_plans", None)
        if planner is None or not planner.plannable(self):
            return super().execute_operation(serially)
        return self._planned(planner, serially)

    async def _planned(self, planner: ReadPlanner, serially: bool | None) -> ExecutionResult:
        data = await planner.read(self)
        if data is not None:
            return ExecutionResult(data, None)
        executed = super().execute_operation(serially)
        return await executed if self.is_awaitable(executed) else executed  # type: ignore[return-value]


def _alive(executor: weakref.ref[AcyclicExecutionContext]) -> AcyclicExecutionContext:
    """The executor outlives every resolver it calls; a helper used later is a bug."""
    alive = executor()
    if alive is None:
        raise RuntimeError("a GraphQL resolver helper was used after its operation finished")
    return alive
