"""`salesOrderStatusChanged` and `backorderFilled`, live through the hub like every
stream (docs/events.md): the order's moves and the backorders stock arrived for."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.catalog import normalize_sku
from domain.events import DomainEvent, PublishedEvent
from domain.identity import Permission
from domain.sales.backorders import BackorderFulfilled
from domain.sales.events import STATUS_AFTER
from resolvers.events.streams import domain_events
from schema.context import Info
from schema.permissions import event_reader, requires
from schema.sales.backorders import BackorderPriority
from schema.sales.types import FulfillmentStatus, OrderStatus

READ = [requires(Permission.SALES_ORDER_READ)]


@strawberry.type(description="A sales order moved: where it (and its fulfilment) stand now.")
class SalesOrderStatusChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    order_id: strawberry.ID
    customer_id: strawberry.ID
    status: OrderStatus  # type: ignore[valid-type]
    fulfillment_status: FulfillmentStatus | None  # type: ignore[valid-type]
    changed_at: datetime

    @classmethod
    def from_published(cls, published: PublishedEvent) -> SalesOrderStatusChange:
        event = published.event
        status, fulfillment = STATUS_AFTER[type(event)]
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(event.event_id),
            order_id=strawberry.ID(event.aggregate_id),
            customer_id=strawberry.ID(event.customer_id),  # type: ignore[attr-defined]
            status=status,
            fulfillment_status=fulfillment,
            changed_at=event.occurred_at,
        )


@strawberry.type(description="Stock arrived for a backorder and was reserved for it.")
class BackorderFill:
    cursor: str
    backorder_id: strawberry.ID
    customer_id: strawberry.ID
    order_id: strawberry.ID | None
    sku: str
    location_id: strawberry.ID
    quantity: Decimal
    priority: BackorderPriority  # type: ignore[valid-type]
    reservation_id: strawberry.ID
    filled_at: datetime

    @classmethod
    def from_published(cls, published: PublishedEvent) -> BackorderFill:
        filled = published.event
        assert isinstance(filled, BackorderFulfilled)
        return cls(
            cursor=str(published.sequence),
            backorder_id=strawberry.ID(filled.aggregate_id),
            customer_id=strawberry.ID(filled.customer_id),
            order_id=None if filled.order_id is None else strawberry.ID(filled.order_id),
            sku=filled.sku,
            location_id=strawberry.ID(filled.location_id),
            quantity=filled.quantity,
            priority=filled.priority,
            reservation_id=strawberry.ID(filled.reservation_id),
            filled_at=filled.occurred_at,
        )


def _matching(
    may_see: Callable[[DomainEvent], bool], **wanted: str | None
) -> Callable[[DomainEvent], bool]:
    """`may_see`, and each fact named in `wanted` equal to its value where one is given."""

    def accepts(event: DomainEvent) -> bool:
        return all(
            value is None or getattr(event, name) == value for name, value in wanted.items()
        ) and may_see(event)

    return accepts


@strawberry.type
class SalesSubscriptions:
    @strawberry.subscription(
        description="Every move of one order (`orderId`), of one customer's orders, or of "
        "all the tenant's.",
        permission_classes=READ,
    )
    async def sales_order_status_changed(
        self,
        info: Info,
        order_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[SalesOrderStatusChange, None]:
        context = info.context
        principal = context.require(Permission.SALES_ORDER_READ)
        may_see = event_reader(principal, context.clock, Permission.SALES_ORDER_READ)
        stream = domain_events(
            context.hub,
            context.uow,
            principal.tenant_id,
            _matching(may_see, customer_id=customer_id),
            [event_class.__name__ for event_class in STATUS_AFTER],
            order_id,
            since=None,
        )
        async for published in stream:
            yield SalesOrderStatusChange.from_published(published)

    @strawberry.subscription(
        description="Backorders filled as stock arrives: of one location, one SKU, or all.",
        permission_classes=READ,
    )
    async def backorder_filled(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        sku: str | None = None,
    ) -> AsyncGenerator[BackorderFill, None]:
        context = info.context
        principal = context.require(Permission.SALES_ORDER_READ)
        may_see = event_reader(principal, context.clock, Permission.SALES_ORDER_READ)
        stream = domain_events(
            context.hub,
            context.uow,
            principal.tenant_id,
            _matching(
                may_see,
                location_id=location_id,
                sku=None if sku is None else normalize_sku(sku),
            ),
            [BackorderFulfilled.__name__],
            None,
            since=None,
        )
        async for published in stream:
            yield BackorderFill.from_published(published)
