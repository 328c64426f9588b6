"""The correlation id of what is being handled: stored with every event it causes.

Seed 001 gives each event a `correlationId` (`corr-{uuid}`): the id of the request that
caused it, which an operator greps for across systems (its consumers log it with every
failure). It is the caller's own `X-Correlation-Id` when it sent a usable one, else made
here; an inbound event's id is carried into what its handler causes, so a chain of
events across systems keeps one id. It lives in the running task's context, as the trace
context does, so the outbox writer reads it without every use case passing it along.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

MAX_LENGTH = 128
"""The longest id accepted from a caller (and the outbox column's width)."""

_CURRENT: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The id of the request or inbound event being handled; None outside any."""
    return _CURRENT.get()


def new_correlation_id(trace_id: int = 0) -> str:
    """A correlation id in the seed's form: the trace's id when there is one (so the id
    and the trace name each other), else a random one."""
    return f"corr-{uuid.UUID(int=trace_id) if trace_id else uuid.uuid4()}"


def usable(candidate: str | None) -> str | None:
    """`candidate` if it can be stored and sent on as it is (1 to 128 visible ASCII
    characters), else None: a caller's malformed id is replaced, never refused."""
    if (
        candidate
        and len(candidate) <= MAX_LENGTH
        and all("!" <= character <= "~" for character in candidate)
    ):
        return candidate
    return None


@contextmanager
def correlated(correlation_id: str) -> Iterator[None]:
    """Handle what runs inside under `correlation_id`."""
    token = _CURRENT.set(correlation_id)
    try:
        yield
    finally:
        _CURRENT.reset(token)
