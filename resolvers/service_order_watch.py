"""Watching service orders change status, for one order or one location's dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from domain.events import DomainEvent, PublishedEvent
from domain.service_orders.events import STATUS_CHANGED
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.events import domain_events
from subscriptions.hub import EventHub


async def status_changes(
    hub: EventHub,
    uow: UnitOfWorkFactory,
    tenant_id: str,
    may_see: Callable[[DomainEvent], bool],
    order_id: str | None,
    location_id: str | None,
) -> AsyncIterator[PublishedEvent]:
    """Live status_changed events of the tenant; the location is in each event's payload."""
    stream = domain_events(hub, uow, tenant_id, may_see, [STATUS_CHANGED], order_id, None)
    async for published in stream:
        if location_id is None or published.event.payload.get("locationId") == location_id:
            yield published
