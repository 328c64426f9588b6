"""What applies an inbound event: a use case taking the event's unit of work.

A handler runs inside a unit of work for the event's tenant, after the inbox has
claimed the event id in the same transaction; it changes state through repositories
and may raise. The consumer commits, so a handler never calls `commit()` itself.
Handlers are keyed by the type of the event they take (`DomainEvent.event_type`): the
class name of the fact the wire parses the seed's event into, such as
`TechnicianAssigned` for `TechnicianAssignedEvent`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from persistence.unit_of_work import UnitOfWork
from subscriptions.wire.registry import Route, recorded_name

Handler = Callable[[UnitOfWork, Any], Awaitable[None]]
"""Takes the fact its event type is parsed into (a `DomainEvent` subclass)."""


def handled_routes(
    handlers: Mapping[str, Handler], routes: Mapping[str, Route]
) -> dict[str, Route]:
    """The routes (by the seed's event type) of the handled events; ValueError for a
    handler of a type no inbound topic carries."""
    handled = {
        seed_name: route
        for seed_name, route in routes.items()
        if recorded_name(seed_name) in handlers
    }
    unknown = sorted(set(handlers) - {recorded_name(seed_name) for seed_name in handled})
    if unknown:
        raise ValueError(f"handlers for event types no inbound topic carries: {unknown}")
    return handled
