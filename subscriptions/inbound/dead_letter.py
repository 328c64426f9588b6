"""What a dead-lettered record carries, so someone can see why and replay it.

The record goes to `<topic>.dlq` with its key, value and headers unchanged (a replay is
a re-publish of the same bytes to the original topic), plus `dlq-*` headers:

- `dlq-reason`: `malformed` (not JSON, an unknown event type, a missing field),
  `no-handler` (a valid event nobody applies) or `handler-failed` (retries exhausted);
- `dlq-error-code`: a stable code (`MALFORMED_EVENT`, `NO_HANDLER`, a domain error's
  code such as `INVALID_FINANCIAL_PERIOD`, else `UNEXPECTED_ERROR`);
- `dlq-error`: the error's type and message; `dlq-attempts`: handler runs (0 if none);
- `dlq-original-topic`, `dlq-original-partition`, `dlq-original-offset`;
- `dlq-failed-at` (ISO 8601 UTC) and `dlq-consumer` (the consumer group).

`dlq-*` headers from an earlier dead-lettering are dropped, so a replayed record that
fails again says why it failed this time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.instants import utc_text
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.headers import Headers

PREFIX = "dlq-"
MAX_ERROR_CHARS = 2000


class Reason(StrEnum):
    MALFORMED = "malformed"
    NO_HANDLER = "no-handler"
    HANDLER_FAILED = "handler-failed"


class NoHandler(LookupError):
    """A well-formed event whose type no handler is registered for."""

    def __init__(self, event_type: str):
        super().__init__(f"no handler is registered for {event_type}")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the record was read: what a replay needs to find it again."""

    topic: str
    partition: int
    offset: int
    headers: Headers


def error_code(error: BaseException) -> str:
    if isinstance(error, MalformedEvent):
        return "MALFORMED_EVENT"
    if isinstance(error, NoHandler):
        return "NO_HANDLER"
    if isinstance(error, DomainError):
        return error.code
    return "UNEXPECTED_ERROR"


def dead_letter_headers(
    origin: Origin,
    reason: Reason,
    error: BaseException,
    *,
    attempts: int,
    consumer: str,
    failed_at: datetime,
) -> list[tuple[str, bytes]]:
    """The original headers (minus old `dlq-*` ones) followed by why this record failed."""
    kept = [(k, v) for k, v in origin.headers if v is not None and not k.startswith(PREFIX)]
    added = {
        "reason": str(reason),
        "error-code": error_code(error),
        "error": f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS],
        "attempts": str(attempts),
        "original-topic": origin.topic,
        "original-partition": str(origin.partition),
        "original-offset": str(origin.offset),
        "failed-at": utc_text(failed_at),
        "consumer": consumer,
    }
    return kept + [(PREFIX + name, value.encode()) for name, value in added.items()]
