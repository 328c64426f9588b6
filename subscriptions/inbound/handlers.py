"""What applies an inbound event: a use case taking the event's unit of work.

A handler runs inside a unit of work for the event's tenant, after the inbox has
claimed the event id in the same transaction; it changes state through repositories
and may raise. The consumer commits, so a handler never calls `commit()` itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from domain.events import DomainEvent
from persistence.unit_of_work import UnitOfWork
from subscriptions.wire.registry import Route

Handler = Callable[[UnitOfWork, DomainEvent], Awaitable[None]]


def handled_routes(
    handlers: Mapping[str, Handler], routes: Mapping[str, Route]
) -> dict[str, Route]:
    """The routes of the handled event types; ValueError for a type no inbound topic carries."""
    unknown = sorted(set(handlers) - set(routes))
    if unknown:
        raise ValueError(f"handlers for event types no inbound topic carries: {unknown}")
    return {event_type: route for event_type, route in routes.items() if event_type in handlers}
