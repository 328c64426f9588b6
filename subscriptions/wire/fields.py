"""Reading and writing the fields every wire format shares: instants and required keys.

Instants go out as `domain.instants.utc_text` writes them (ISO 8601 UTC ending in `Z`).
Readers raise `MalformedEvent` naming the field, so a dead-lettered record says what
was wrong with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from subscriptions.wire.errors import MalformedEvent


def parse_instant(document: dict[str, Any], name: str) -> datetime:
    """The ISO 8601 instant in `document[name]`, as an aware datetime in UTC."""
    text = require_str(document, name)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as error:
        raise MalformedEvent(f"{name!r} is not an ISO 8601 instant: {text!r}") from error
    if instant.tzinfo is None:
        raise MalformedEvent(f"{name!r} has no time zone: {text!r}")
    return instant.astimezone(UTC)


def require_str(document: dict[str, Any], name: str) -> str:
    """`document[name]` if it is a non-empty string."""
    value = _require(document, name)
    if not isinstance(value, str) or not value:
        raise MalformedEvent(f"{name!r} must be a non-empty string, not {value!r}")
    return value


def require_object(document: dict[str, Any], name: str) -> dict[str, Any]:
    """`document[name]` if it is a JSON object."""
    value = _require(document, name)
    if not isinstance(value, dict):
        raise MalformedEvent(f"{name!r} must be a JSON object, not {type(value).__name__}")
    return value


def _require(document: dict[str, Any], name: str) -> Any:
    if name not in document:
        raise MalformedEvent(f"the required field {name!r} is missing")
    return document[name]
