"""One OpenTelemetry span per GraphQL operation, the parent of its SQL statements' spans.

Named as OpenTelemetry's GraphQL conventions say (`mutation ApproveEstimate`), with the
operation's type and name and the codes of the errors its caller saw. There are no
per-field spans: a page of fifty rows resolves hundreds of fields, and a span for each
would cost more than the resolvers (Strawberry's `OpenTelemetryExtension` makes one per
resolver and records the whole query text, which may carry customers' data, so the
gateway does not use it). The span is the current one only while the operation
executes, the part whose statements and events belong to it.

A subscription's span covers its start (parsing, validation, the subscribe itself); its
lifetime, subscribe to complete, is the websocket operation's span around it
(gateway/websocket_spans.py).

Inside a trace the sampler left out there is no operation span at all: the request's
span already carries the trace (for the logs and the events' `traceparent`), and a
child of an unsampled parent would be another non-recording span, made and ended for
nothing on most requests.
"""

from __future__ import annotations

from collections.abc import Iterator

from opentelemetry import context, trace
from opentelemetry.trace import Span, Status, StatusCode, Tracer
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.metrics import SERVER_FAULTS, error_code


class OperationTracing(SchemaExtension):
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
        if not span.is_recording():
            span.end()
            return
        operation_type = self._operation_type()
        name = self.execution_context.operation_name
        if operation_type is not None:
            span.set_attribute("graphql.operation.type", operation_type.value)
            span.update_name(f"{operation_type.value} {name}" if name else operation_type.value)
        if name:
            span.set_attribute("graphql.operation.name", name)
        result = self.execution_context.result
        errors = (result.errors if result is not None else None) or []
        if errors:
            codes = sorted({error_code(error) for error in errors})
            span.set_attribute("graphql.error.codes", codes)
            if SERVER_FAULTS.intersection(codes):
                span.set_status(Status(StatusCode.ERROR, ", ".join(codes)))
        span.end()


def _left_out() -> bool:
    """True inside a trace the sampler did not keep."""
    found = trace.get_current_span().get_span_context()
    return found.is_valid and not found.trace_flags.sampled
