"""Structured logs (structlog over the standard library), readable in dev, JSON in production.

Repeated warnings and errors are rate-limited: while the broker is down, the Kafka client
and the relay report the same failure over and over (160-175 lines a second were seen),
which buries everything else and fills disks. Each kind of message (logger, level and
message template) passes `burst` times per `window` seconds; the next one to pass says
how many were held back.

A line logged inside a trace names it (`trace_id`, `span_id`), so an operator can go
from a log line to the request's or event's spans, and from a trace to its log lines.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import structlog
from opentelemetry.trace import format_span_id, format_trace_id, get_current_span
from structlog.typing import EventDict, WrappedLogger


class RepeatLimit(logging.Filter):
    """Lets each kind of warning or error through `burst` times per `window` seconds."""

    def __init__(
        self, burst: int = 5, window: float = 10.0, now: Callable[[], float] = time.monotonic
    ):
        super().__init__()
        self._burst = burst
        self._window = window
        self._now = now
        self._seen: dict[tuple[str, int, object], tuple[float, int, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, record.msg)
        now = self._now()
        started, passed, held = self._seen.get(key, (now, 0, 0))
        if now - started >= self._window:
            started, passed = now, 0
        if passed >= self._burst:
            self._seen[key] = (started, passed, held + 1)
            return False
        if held:
            record.msg = f"{record.msg} ({held} more like it held back)"
        self._seen[key] = (started, passed + 1, 0)
        return True


def add_trace_ids(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    """The current span's trace and span ids, on lines logged inside a trace."""
    span = get_current_span().get_span_context()
    if span.is_valid:
        event["trace_id"] = format_trace_id(span.trace_id)
        event["span_id"] = format_span_id(span.span_id)
    return event


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.addFilter(RepeatLimit())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
