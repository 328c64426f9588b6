"""The Kafka headers every gateway publisher sets on a record, and how to read them.

They let a consumer route, filter and resume without parsing the value: `event-id`,
`event-type`, `tenant-id`, `aggregate-type`, `gateway-sequence` (the PublishedEvent
sequence as ASCII digits) and `content-type` (the CloudEvents Kafka binding requires
`application/cloudevents+json` for structured-mode records; the other formats say
`application/json`), `traceparent` (W3C Trace Context) on an event caused inside a
trace, so a consumer continues it whatever the record's format, and `correlation-id`
(seed 001's `correlationId` of the request or event that caused it), which only the
CloudEvents format also has a place for in the value.
"""

from __future__ import annotations

from collections.abc import Sequence

from subscriptions.wire.errors import MalformedEvent

EVENT_ID = "event-id"
EVENT_TYPE = "event-type"
TENANT_ID = "tenant-id"
AGGREGATE_TYPE = "aggregate-type"
GATEWAY_SEQUENCE = "gateway-sequence"
CONTENT_TYPE = "content-type"
TRACEPARENT = "traceparent"
CORRELATION_ID = "correlation-id"

Headers = Sequence[tuple[str, bytes | None]]


def header(headers: Headers, name: str) -> str | None:
    """The last value of header `name` as text, or None when the record has none."""
    found = [value for key, value in headers if key == name and value is not None]
    if not found:
        return None
    try:
        return found[-1].decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedEvent(f"the {name!r} header is not UTF-8 text") from error
