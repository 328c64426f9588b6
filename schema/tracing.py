"""One OpenTelemetry span per GraphQL operation, the parent of its SQL statements' spans.

Named as OpenTelemetry's GraphQL conventions say (`mutation ApproveEstimate`), with the
operation's type and name and the codes of the errors its caller saw. There are no
per-field spans: a page of fifty rows resolves hundreds of fields, and a span for each
would cost more than the resolvers (Strawberry's `OpenTelemetryExtension` makes one per
resolver and records the whole query text, which may carry customers' data, so the
gateway does not use it).

An operation over HTTP gets its span from the schema's `execute` (`OperationSpans`), not
from a Strawberry extension: an extension's hooks run on every operation, the sampler's
left-out ones included, and cost about 10 µs each time (docs/operations.md, "What
tracing costs"). The span is the current one while Strawberry parses, validates and
executes the document, so its statements and events belong to it; the type and name
are read from the document only for a span that records, from a cache of parsed
documents. A streamed (websocket) operation keeps the extension (`OperationTracing`):
a subscription's span covers only its start (parsing, validation, the subscribe
itself), and only the extension's `on_execute` sees where that start ends before the
first event arrives. Its lifetime, subscribe to complete, is the websocket operation's
span around it (gateway/websocket_spans.py).

Inside a trace the sampler left out there is no operation span at all: the request's
span already carries the trace (for the logs and the events' `traceparent`), and a
child of an unsampled parent would be another non-recording span, made and ended for
nothing on most requests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import lru_cache

from graphql import GraphQLError, parse
from graphql.utilities import get_operation_ast
from opentelemetry import context, trace
from opentelemetry.trace import Span, Status, StatusCode, Tracer
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.metrics import SERVER_FAULTS, error_code


class OperationSpans:
    """The span of each operation `GatewaySchema.execute` runs."""

    def __init__(self, tracer: Tracer):
        self._tracer = tracer

    async def traced(
        self,
        query: str | None,
        operation_name: str | None,
        execute: Callable[[], Awaitable[ExecutionResult]],
    ) -> ExecutionResult:
        """`execute()`'s result, run with the operation's span current."""
        if _left_out():
            return await execute()
        span = self._tracer.start_span("graphql operation")
        token = context.attach(trace.set_span_in_context(span))
        try:
            result = await execute()
        except BaseException:
            context.detach(token)
            span.end()
            raise
        context.detach(token)
        if span.is_recording():
            operation_type, name = _operation(query or "", operation_name)
            _describe(span, operation_type, name or operation_name, result.errors)
        span.end()
        return result


class OperationTracing(SchemaExtension):
    """The span of a streamed operation, ended when a subscription's start is done."""

    def __init__(self, tracer: Tracer):
        super().__init__()
        self._tracer = tracer
        self._span: Span | None = None

    def on_operation(self) -> Iterator[None]:
        if not _left_out():
            self._span = self._tracer.start_span("graphql operation")
        yield
        self._finish()

    def on_execute(self) -> Iterator[None]:
        if self._span is None:
            yield
            return
        token = context.attach(trace.set_span_in_context(self._span))
        try:
            yield
        finally:
            context.detach(token)
        if self._operation_type() is OperationType.SUBSCRIPTION:
            self._finish()

    def _operation_type(self) -> OperationType | None:
        try:
            return self.execution_context.operation_type
        except RuntimeError:  # the document did not parse
            return None

    def _finish(self) -> None:
        span, self._span = self._span, None
        if span is None:
            return
        if span.is_recording():
            result = self.execution_context.result
            _describe(
                span,
                self._operation_type(),
                self.execution_context.operation_name,
                result.errors if result is not None else None,
            )
        span.end()


def _describe(
    span: Span,
    operation_type: OperationType | None,
    name: str | None,
    errors: Sequence[GraphQLError] | None,
) -> None:
    """Name a recording span after its operation and note the errors its caller saw."""
    if operation_type is not None:
        span.set_attribute("graphql.operation.type", operation_type.value)
        span.update_name(f"{operation_type.value} {name}" if name else operation_type.value)
    if name:
        span.set_attribute("graphql.operation.name", name)
    if errors:
        codes = sorted({error_code(error) for error in errors})
        span.set_attribute("graphql.error.codes", codes)
        if SERVER_FAULTS.intersection(codes):
            span.set_status(Status(StatusCode.ERROR, ", ".join(codes)))


@lru_cache(maxsize=256)
def _operation(query: str, operation_name: str | None) -> tuple[OperationType | None, str | None]:
    """The type and name of the operation `query` runs; (None, None) when it does not parse
    or names no single operation (the span then keeps its generic name)."""
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return None, None
    if operation is None:
        return None, None
    return (
        OperationType(operation.operation.value),
        operation.name.value if operation.name else None,
    )


def _left_out() -> bool:
    """True inside a trace the sampler did not keep."""
    found = trace.get_current_span().get_span_context()
    return found.is_valid and not found.trace_flags.sampled
