"""Watching SLA alerts: the breaches and at-risk warnings of the caller's tenant, live.

Built on `resolvers.events.streams.domain_events` (the hub, fed by Kafka, with its permission
check on every event), narrowed to the two SLA facts and then to one location and one
priority, which every alert carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from domain.events import DomainEvent, PublishedEvent
from domain.service_orders.sla_alerts import EVENTS, SlaAlertFacts
from domain.service_orders.status import Priority
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.events.streams import domain_events
from subscriptions.hub import EventHub

SLA_EVENT_TYPES = tuple(event.__name__ for event in EVENTS)
"""The names the alerts are recorded under (their classes' names)."""


def concerns(event: DomainEvent, location_id: str | None, priority: Priority | None) -> bool:
    """Whether `event` is an SLA alert about an order of `location_id` with `priority`
    (None: any)."""
    return (
        isinstance(event, SlaAlertFacts)
        and (location_id is None or event.location_id == location_id)
        and (priority is None or event.priority is priority)
    )


async def sla_alerts(
    hub: EventHub,
    uow: UnitOfWorkFactory,
    tenant_id: str,
    may_see: Callable[[DomainEvent], bool],
    location_id: str | None,
    priority: Priority | None,
) -> AsyncIterator[PublishedEvent]:
    """Breaches and at-risk warnings as the monitor publishes them, filtered."""
    stream = domain_events(hub, uow, tenant_id, may_see, SLA_EVENT_TYPES, None, None)
    async with aclosing(stream) as events:
        async for published in events:
            if concerns(published.event, location_id, priority):
                yield published
