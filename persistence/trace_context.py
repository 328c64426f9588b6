"""The W3C `traceparent` an event is stored and published with, and the context it names.

Always W3C Trace Context, whatever `OTEL_PROPAGATORS` says: it is part of the event
contract (seed 001's CloudEvents `traceparent` attribute), not a choice of the
deployment's tracing backend.
"""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT = "traceparent"
_W3C = TraceContextTextMapPropagator()


def current_traceparent() -> str | None:
    """The current span's trace context as a `traceparent`, or None outside any trace."""
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_of(traceparent: str | None) -> Context | None:
    """The context `traceparent` continues (None for none, or for one that is malformed,
    which starts a trace of its own rather than failing the event)."""
    if traceparent is None:
        return None
    return _W3C.extract({TRACEPARENT: traceparent})


def sampled(traceparent: str | None) -> bool:
    """True when `traceparent` names a trace its sampler kept (the `sampled` flag):
    spans continuing any other would record nothing, so they are not made."""
    if traceparent is None or len(traceparent) != 55:
        return False
    try:
        return bool(int(traceparent[53:], 16) & 1)
    except ValueError:
        return False
