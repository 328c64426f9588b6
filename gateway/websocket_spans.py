"""A server span per websocket operation, from its subscribe (or start) to its end.

An HTTP request's span ends with its answer; a subscription's answer is every event it
delivers, for as long as the client stays subscribed. So each operation on a socket
gets a span of its own covering its whole life, named `websocket subscription Board`
(the type and name of the operation), with how it ended in
`gateway.websocket.outcome`:

- `complete`: the gateway completed it (the stream ended, or a query or mutation answered);
- `error`: the gateway sent its errors (their codes in `graphql.error.codes`);
- `cancelled`: the client completed it, or went away;
- `failed`: the gateway failed while running it (error status, with the exception).

Its parent is the trace context the client sent: a `traceparent` in the operation's
`extensions` (the subscribe payload's, as GraphQL over HTTP has them), else the one
the upgrade request carried; without either the operation starts a trace. The
operation's own span (schema/tracing.py, its start) and whatever it runs are its
children. It is also the operation's correlation id: the upgrade request's usable
`X-Correlation-Id`, else one from the span's trace (persistence/correlation.py), so a
mutation sent over a socket stores its events with one too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from graphql import OperationType
from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from gateway.correlation import HEADER as CORRELATION_HEADER
from gateway.operations import operation_of
from gateway.request_spans import CONTEXT_HEADERS
from persistence.correlation import correlated, new_correlation_id, usable

OUTCOME = "gateway.websocket.outcome"
_CONTEXT_KEYS = frozenset(name.decode() for name in CONTEXT_HEADERS)


class OperationSpans:
    """The spans of one socket's running operations, by operation id."""

    def __init__(self, tracer: Tracer, headers: Iterable[tuple[bytes, bytes]], protocol: str):
        self._tracer = tracer
        self._protocol = protocol
        self._handshake: dict[str, str] = {}
        self._correlation_id: str | None = None
        for name, value in headers:
            if name in CONTEXT_HEADERS:
                self._handshake[name.decode("latin-1")] = value.decode("latin-1")
            elif name == CORRELATION_HEADER:
                self._correlation_id = usable(value.decode("latin-1"))
        self._extensions: dict[str, Mapping[str, Any]] = {}
        self._running: dict[str, _Running] = {}

    def subscribed(self, operation_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the trace context in a subscribe (or start) payload's `extensions`."""
        extensions = payload.get("extensions")
        if isinstance(extensions, Mapping):
            self._extensions[operation_id] = extensions

    @contextmanager
    def running(self, operation_id: str, query: str, operation_name: str | None) -> Iterator[None]:
        """The operation's span, current (with its correlation id) while it runs."""
        sent = self._extensions.pop(operation_id, {})
        carrier = {
            **self._handshake,
            **{k: v for k, v in sent.items() if k in _CONTEXT_KEYS and isinstance(v, str)},
        }
        found = operation_of(query, operation_name)
        kind = found[1].operation if found else OperationType.SUBSCRIPTION
        name = operation_name or (found[1].name.value if found and found[1].name else None)
        with self._tracer.start_as_current_span(
            f"websocket {kind.value} {name}" if name else f"websocket {kind.value}",
            context=propagate.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            if span.is_recording():
                span.set_attributes(
                    {
                        "network.protocol.name": "websocket",
                        "gateway.websocket.subprotocol": self._protocol,
                        "graphql.operation.type": kind.value,
                        **({"graphql.operation.name": name} if name else {}),
                    }
                )
            running = self._running[operation_id] = _Running(span)
            correlation_id = self._correlation_id or new_correlation_id(
                span.get_span_context().trace_id
            )
            try:
                with correlated(correlation_id):
                    yield
            except asyncio.CancelledError:
                running.outcome = "cancelled"  # even if a `complete` went out as it stopped
                raise
            except Exception as error:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                running.outcome = "failed"
                raise
            finally:
                # A legacy client may reuse the id of an operation it restarts: the
                # entry is this run's only if no later run took the id.
                if self._running.get(operation_id) is running:
                    del self._running[operation_id]
                span.set_attribute(OUTCOME, running.outcome or "closed")

    def sent(self, message: Mapping[str, Any]) -> None:
        """Note how an operation ended, from the `complete` or `error` message sent for it."""
        operation_id = message.get("id")
        running = self._running.get(operation_id) if isinstance(operation_id, str) else None
        if running is None or running.outcome is not None:
            return
        match message.get("type"):
            case "complete":
                running.outcome = "complete"
            case "error":
                running.outcome = "error"
                payload = message.get("payload")
                errors = payload if isinstance(payload, list) else [payload]
                codes = sorted({_code(error) for error in errors})
                running.span.set_attribute("graphql.error.codes", codes)


@dataclass
class _Running:
    span: Span
    outcome: str | None = None


def _code(error: object) -> str:
    extensions = error.get("extensions") if isinstance(error, Mapping) else None
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return code if isinstance(code, str) else "GRAPHQL_ERROR"
