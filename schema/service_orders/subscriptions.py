"""`serviceOrderStatusChanged`: an order's (or a location's orders') status moves, live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from domain.events import PublishedEvent
from domain.identity import Permission
from domain.service_orders.events import ServiceOrderStatusChanged
from resolvers.events.streams import status_changes
from schema.context import Info
from schema.permissions import event_reader, requires
from schema.service_orders.types import ServiceOrderStatus


@strawberry.type(description="A service order moved from one status to another (status_changed).")
class ServiceOrderStatusChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    service_order_id: strawberry.ID
    location_id: strawberry.ID
    customer_id: strawberry.ID
    technician_id: strawberry.ID | None
    previous_status: ServiceOrderStatus
    new_status: ServiceOrderStatus
    status_changed_at: datetime
    reason: str | None

    @classmethod
    def from_published(cls, published: PublishedEvent) -> ServiceOrderStatusChange:
        change = published.event
        assert isinstance(change, ServiceOrderStatusChanged)
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(change.event_id),
            service_order_id=strawberry.ID(change.aggregate_id),
            location_id=strawberry.ID(change.location_id),
            customer_id=strawberry.ID(change.customer_id),
            technician_id=strawberry.ID(change.technician_id) if change.technician_id else None,
            previous_status=change.previous_status,
            new_status=change.new_status,
            status_changed_at=change.occurred_at,
            reason=change.reason,
        )


@strawberry.type
class ServiceOrderSubscriptions:
    @strawberry.subscription(
        description="Status changes of your tenant's service orders as they happen: of one "
        "`serviceOrderId`, of one `locationId`, or all.",
        permission_classes=[requires(Permission.SERVICE_ORDER_READ)],
    )
    async def service_order_status_changed(
        self,
        info: Info,
        service_order_id: strawberry.ID | None = None,
        location_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[ServiceOrderStatusChange, None]:
        context = info.context
        principal = context.require(Permission.SERVICE_ORDER_READ)

        may_see = event_reader(principal, context.clock, Permission.SERVICE_ORDER_READ)

        stream = status_changes(
            context.hub,
            context.uow,
            principal.tenant_id,
            may_see,
            ServiceOrderStatusChanged.__name__,
            service_order_id,
            location_id,
        )
        async for published in stream:
            yield ServiceOrderStatusChange.from_published(published)
