"""The server span of a GraphQL request over HTTP, continuing the caller's trace context.

The caller's `traceparent` (and `tracestate`, `baggage`: whatever `OTEL_PROPAGATORS`
reads, W3C Trace Context by default) names the parent; without one the request starts
a trace. Attributes are set only on a span that records, so a request the sampler
leaves out costs a header lookup and a non-recording span. The answer names the span
in W3C Trace Context's `traceresponse` header, so a caller that sent no trace context
can still find the request's trace.

opentelemetry-instrumentation-asgi does this too, and was used first: timed side by side
on this machine it cost three to four times as much per request (it reads and
normalizes every header and computes its attributes whether or not the span records):
about 450 µs against 150 µs for a recorded span while the machine was busy, 160 µs alone,
some 7% of a mutation's CPU; 310 µs against 65 µs for one the sampler leaves out. The
span is made current by hand rather than with `start_as_current_span`, whose two nested
generator context managers every request, sampled or not, paid for.
"""

from __future__ import annotations

from opentelemetry import context, propagate, trace
from opentelemetry.trace import (
    SpanKind,
    Status,
    StatusCode,
    Tracer,
    format_span_id,
    format_trace_id,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTEXT_HEADERS = frozenset({b"traceparent", b"tracestate", b"baggage"})
TRACE_RESPONSE = b"traceresponse"


class RequestSpans:
    def __init__(self, app: ASGIApp, tracer: Tracer):
        self._app = app
        self._tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in CONTEXT_HEADERS
        }
        method = scope["method"]
        span = self._tracer.start_span(
            f"{method} {scope['path']}",
            context=propagate.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
        )
        ids = span.get_span_context()
        response_id = (
            f"00-{format_trace_id(ids.trace_id)}-{format_span_id(ids.span_id)}"
            f"-{ids.trace_flags:02x}"
        ).encode()
        recording = span.is_recording()
        if recording:
            client = scope.get("client")
            span.set_attributes(
                {
                    "http.request.method": method,
                    "http.route": scope["path"],
                    "url.path": scope["path"],
                    "url.scheme": scope.get("scheme", "http"),
                    "network.protocol.version": scope.get("http_version", "1.1"),
                    **({"client.address": client[0]} if client else {}),
                }
            )

        async def answered(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", ()), (TRACE_RESPONSE, response_id)],
                }
                if recording:
                    status = message["status"]
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
            await send(message)

        token = context.attach(trace.set_span_in_context(span))
        try:
            await self._app(scope, receive, answered)
        except BaseException as error:
            if recording:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
            raise
        finally:
            context.detach(token)
            span.end()
