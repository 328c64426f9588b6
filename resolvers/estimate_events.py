"""Watching estimates move: the event stream filtered to status changes, by estimate or
location.

The hub filters by tenant, event type and aggregate id; the location is in the
payload, so it is filtered here, before an event reaches the subscriber.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from domain.estimates import ESTIMATE_STATUS_CHANGED
from domain.events import DomainEvent, PublishedEvent
from persistence.unit_of_work import UnitOfWorkFactory
from resolvers.events import domain_events
from subscriptions.hub import EventHub


async def estimate_status_changes(
    hub: EventHub,
    uow: UnitOfWorkFactory,
    tenant_id: str,
    may_see: Callable[[DomainEvent], bool],
    estimate_id: str | None,
    location_id: str | None,
) -> AsyncIterator[PublishedEvent]:
    def wanted(event: DomainEvent) -> bool:
        return (location_id is None or event.payload.get("locationId") == location_id) and may_see(
            event
        )

    stream = domain_events(
        hub, uow, tenant_id, wanted, [ESTIMATE_STATUS_CHANGED], estimate_id, since=None
    )
    async for published in stream:
        yield published
