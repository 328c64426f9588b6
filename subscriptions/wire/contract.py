"""A contract: how one typed event looks in its seed's document, both ways.

Each contract names the seed's event type and gives two functions: `document` turns the
fact into the payload the seed shows (its field names, Decimal amounts, instants as ISO
8601 `Z` strings) and `fact` parses a payload back into the fact, validated. Parsing goes
through `parsed()`, which checks every field against the fact's type hints (pydantic) and
names the payload's field at fault, so a dead-lettered record says what to fix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from domain.events import DomainEvent
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent

E = TypeVar("E", bound=DomainEvent)


@dataclass(frozen=True)
class Contract(Generic[E]):
    event_class: type[E]
    name: str
    """The seed's event type: envelope `eventType`, CloudEvents `type`, quote `event_name`."""
    document: Callable[[E], dict[str, Any]]
    fact: Callable[[WireEvent], E]


@cache
def _adapter(event_class: type) -> TypeAdapter[Any]:
    return TypeAdapter(event_class)


def parsed(
    event_class: type[E], wire: WireEvent, facts: Mapping[str, Any], names: Mapping[str, str]
) -> E:
    """`event_class` from `facts` (its fields, read off `wire.payload`) and the envelope.

    `names` maps each fact field to the payload field it came from, for error messages;
    the fields of nested lines (`parts[].unit_price` -> `unitPrice`) may be named too.
    """
    try:
        fact = _adapter(event_class).validate_python(
            {
                "aggregate_id": wire.aggregate_id,
                "tenant_id": wire.tenant_id,
                "occurred_at": wire.occurred_at,
                "event_id": wire.event_id,
                **facts,
            }
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(names.get(str(part), str(part)) for part in problem['loc'])}: "
            f"{problem['msg']}"
            for problem in error.errors()
        )
        raise MalformedEvent(f"{wire.event_type} payload: {problems}") from None
    naive = _naive_instant(fact)
    if naive is not None:
        raise MalformedEvent(
            f"{wire.event_type} payload: {names.get(naive, naive)}: an instant needs a time "
            "zone (such as Z)"
        )
    return fact


def _naive_instant(value: Any) -> str | None:
    """The name of a field of `value` (or of its lines) holding a datetime with no zone."""
    for field in dataclasses.fields(value):
        held = getattr(value, field.name)
        for item in held if isinstance(held, tuple) else (held,):
            if isinstance(item, datetime) and item.tzinfo is None:
                return field.name
            if dataclasses.is_dataclass(item) and not isinstance(item, type):
                inner = _naive_instant(item)
                if inner is not None:
                    return inner
    return None


def read(payload: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The fact fields `names` maps, read from the payload fields they name (a missing
    field is left out, for `parsed` to report)."""
    return {fact: payload[field] for fact, field in names.items() if field in payload}
