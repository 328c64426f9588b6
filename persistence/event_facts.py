"""How the outbox keeps a typed event: its class name and its facts as a JSON document.

This is the gateway's own storage format, not a contract: the seeds' documents are made
from the facts by `subscriptions/wire/` when the relay publishes. Facts are written by
their dataclass fields and read back by their type hints, so an area adds an event
without touching this module: `Decimal` as an exact string, instants and dates in ISO
8601, enums by value, nested dataclasses as objects, tuples as lists.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
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
    return {
        f.name: _plain(getattr(event, f.name))
        for f in dataclasses.fields(event)
        if f.name not in BASE_FIELDS
    }


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
    common = {
        "aggregate_id": aggregate_id,
        "tenant_id": tenant_id,
        "occurred_at": occurred_at,
        "event_id": event_id,
    }
    if found is None:
        raise ValueError(f"no event type is named {name!r} (a {kind} event {event_id})")
    hints = _hints(found)
    return found(
        **common,
        **{
            f.name: _typed(document[f.name], hints[f.name])
            for f in dataclasses.fields(found)
            if f.name not in BASE_FIELDS
        },
    )


def _plain(value: Any) -> Any:
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


@cache
def _hints(owner: type) -> dict[str, Any]:
    return typing.get_type_hints(owner)


def _typed(value: Any, hint: Any) -> Any:
    """`value` read back from JSON as the type `hint` names."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _typed(value, inner[0]) if len(inner) == 1 else value
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_typed(entry, item) for entry in value)
    if origin is list:
        item = typing.get_args(hint)[0]
        return [_typed(entry, item) for entry in value]
    if origin is not None:
        return value
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(value)
        if hint is Decimal:
            return Decimal(value)
        if hint is datetime:
            return datetime.fromisoformat(value)
        if hint is date:
            return date.fromisoformat(value)
        if dataclasses.is_dataclass(hint):
            nested = _hints(hint)
            return hint(
                **{f.name: _typed(value[f.name], nested[f.name]) for f in dataclasses.fields(hint)}
            )
    return value
