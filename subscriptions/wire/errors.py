"""The two ways a wire operation fails, each with one exception type.

`MalformedEvent` is what every decoder raises for input it cannot trust (not JSON, a
missing or mistyped field, an unknown type), so an inbound consumer needs one `except`
to dead-letter a record. `UnknownEventType` is a bug on the publishing side: an event
type nobody registered a topic for.
"""

from __future__ import annotations


class MalformedEvent(ValueError):
    """A Kafka record that is not a valid event of its topic's contract; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnknownEventType(LookupError):
    """An event type with no registered route (topic, wire format, aggregate type)."""

    def __init__(self, event_type: str):
        super().__init__(
            f"no route registered for event type {event_type!r}: "
            "add it to subscriptions/wire/registry.py"
        )
        self.event_type = event_type
