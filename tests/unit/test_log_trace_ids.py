"""A log line written while a request or event is traced names its trace, so an operator
can go from the line to the spans."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import format_span_id, format_trace_id

from gateway.logging import configure_logging


@pytest.fixture
def json_line() -> Iterator[Callable[[str], dict[str, object]]]:
    """The JSON line the configured handler writes for a warning; the root logger as it
    was afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", json=True)
    handler = root.handlers[0]

    def line(message: str) -> dict[str, object]:
        record = logging.LogRecord("gateway.test", logging.WARNING, __file__, 1, message, (), None)
        return json.loads(handler.format(record))

    yield line
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_line_logged_inside_a_span_carries_its_trace_and_span_ids(
    json_line: Callable[[str], dict[str, object]],
) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("operation") as span:
        line = json_line("something worth a look")
    assert line["trace_id"] == format_trace_id(span.get_span_context().trace_id)
    assert line["span_id"] == format_span_id(span.get_span_context().span_id)


def test_a_line_logged_outside_any_trace_has_no_trace_id(
    json_line: Callable[[str], dict[str, object]],
) -> None:
    line = json_line("something else")
    assert line["event"] == "something else"
    assert "trace_id" not in line
