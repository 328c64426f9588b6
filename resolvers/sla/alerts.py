"""Watching SLA alerts: the breaches and at-risk warnings of the caller's tenant, live.

Built on `resolvers.events.streams.domain_events` (the hub, fed by Kafka, with its permission
check on every event), narrowed to the two SLA event types and then to one location
and one priority, which every alert's payload carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from domain.events import DomainEvent, PublishedEvent
from domain.service_orders.events import SLA_AT_RISK, SLA_BREACHED
from domain.service_orders.status import Priority
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.events.streams import domain_events
from subscriptions.hub import EventHub

SLA_EVENT_TYPES = (SLA_BREACHED, SLA_AT_RISK)


def concerns(event: DomainEvent, location_id: str | None, priority: Priority | None) -> bool:
    """Whether an SLA alert is about an order of `location_id` with `priority` (None: any)."""
    payload = event.payload
    return (location_id is None or payload.get("locationId") == location_id) and (
        priority is None or payload.get("priority") == priority.value
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
