"""How the outbox keeps a typed event: its class name and its facts as a JSON document.

This is the gateway's own storage format, not a contract: the seeds' documents are made
from the facts by `subscriptions/wire/` when the relay publishes. Facts are written by
their dataclass fields and read back by their type hints, so an area adds an event
without touching this module: `Decimal` as an exact string, instants and dates in ISO
8601, enums by value, nested dataclasses as objects, tuples as lists. A fact added to an
event (or to a value nested in one) later takes a default, which rows stored before it
read back as (a fact missing with no default is an error naming it).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from domain.event_types import event_class
from domain.events import DomainEvent

BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(DomainEvent))
"""Kept in columns of their own (aggregate, tenant, instant, id), not in the document."""


def facts_of(event: DomainEvent) -> dict[str, Any]:
    """The document the outbox stores for `event`."""
    return {name: _plain(getattr(event, name)) for name in _facts(type(event))}


@cache
def _facts(owner: type) -> tuple[str, ...]:
    """The names of the facts an event class stores, worked out once per class: a
    receipt filling 10,000 backorders stores 20,000 events."""
    return tuple(f.name for f in dataclasses.fields(owner) if f.name not in BASE_FIELDS)


def event_from(
    name: str,
    kind: str,
    aggregate_id: str,
    tenant_id: str,
    occurred_at: datetime,
    event_id: str,
    document: Mapping[str, Any],
) -> DomainEvent:
    """The event the outbox row describes (ValueError for a name no area registered)."""
    found = event_class(name)
    if found is None:
        raise ValueError(f"no event type is named {name!r} (a {kind} event {event_id})")
    return found(
        aggregate_id=aggregate_id,
        tenant_id=tenant_id,
        occurred_at=occurred_at,
        event_id=event_id,
        **_read(_readers(found), document),
    )


_AS_THEY_ARE = frozenset({str, int, bool, float, type(None)})
"""Types JSON holds as they are: most facts are, so they are told apart first."""


def _plain(value: Any) -> Any:
    if type(value) in _AS_THEY_ARE:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


Reader = Callable[[Any], Any] | None
"""How to read a JSON value (never None) back as its type; None where JSON holds it as it
is (a string, a number, a flag: most facts), which is then taken without a call."""


@cache
def _readers(owner: type) -> tuple[tuple[str, Reader], ...]:
    """How to read back each field of `owner` (a fact, or a value nested in one) from JSON,
    worked out once per class: the relay reads every event it publishes."""
    hints = typing.get_type_hints(owner)
    stored = [
        f
        for f in dataclasses.fields(owner)
        if not issubclass(owner, DomainEvent) or f.name not in BASE_FIELDS
    ]
    return tuple((f.name, _reader(hints[f.name])) for f in stored)


def _read(readers: tuple[tuple[str, Reader], ...], document: Mapping[str, Any]) -> dict[str, Any]:
    """The fields `readers` name that `document` holds, read back (None stays None)."""
    values = {}
    for name, read in readers:
        if name in document:
            value = document[name]
            values[name] = value if read is None or value is None else read(value)
    return values


def _reader(hint: Any) -> Reader:
    """The reader of a JSON value of the type `hint` names."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _reader(inner[0]) if len(inner) == 1 else None
    if origin in (tuple, list):
        item = _reader(typing.get_args(hint)[0])
        if item is None:
            return origin
        return lambda value: origin(None if entry is None else item(entry) for entry in value)
    if origin is None and isinstance(hint, type):
        if issubclass(hint, Enum) or hint is Decimal:
            return hint
        if hint is datetime:
            return datetime.fromisoformat
        if hint is date:
            return date.fromisoformat
        if dataclasses.is_dataclass(hint):
            nested = _readers(hint)
            return lambda value: hint(**_read(nested, value))
    return None
