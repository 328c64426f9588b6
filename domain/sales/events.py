"""What a sales order tells other systems, one fact per move of its life.

The order's allocation is one fact with its lines, not one per line as seed 004's
`OrderInventoryAllocatedEvent(orderId, sku, quantity, location)` is raised: a reader
(a warehouse screen, credit control) wants the order whole, and one fact per move keeps
the order's events in the order they happened on one key. `SalesOrderFulfilled` is seed
002's `SalesOrderFulfilledEvent`, which accounts receivable turns into an invoice: it
carries what was fulfilled at the customer's prices, so nobody re-keys the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.events import DomainEvent
from domain.sales.status import FulfillmentStatus, OrderStatus

SALES_ORDER = "sales_order"


@dataclass(frozen=True, slots=True)
class OrderedLine:
    """A line as the events carry it: the part, where it comes from, how many, at what
    price, and the reservation that holds (or held) its stock."""

    line_number: int
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    reservation_id: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderInventoryAllocated(DomainEvent):
    """The order was taken: every line's stock is reserved until `reserved_until`."""

    aggregate_type = SALES_ORDER

    customer_id: str
    lines: tuple[OrderedLine, ...]
    total_amount: Decimal
    currency: str
    reserved_until: datetime
    ordered_by: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderFulfillmentStarted(DomainEvent):
    """Picking began: the reserved stock was consumed (its CONSUMPTION movements are on
    the stock items' topics)."""

    aggregate_type = SALES_ORDER

    customer_id: str
    fulfillment_id: str
    started_by: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderFulfilled(DomainEvent):
    """The fulfilment is complete: what the customer owes for, line by line."""

    aggregate_type = SALES_ORDER

    customer_id: str
    fulfillment_id: str
    lines: tuple[OrderedLine, ...]
    total_amount: Decimal
    currency: str
    fulfilled_by: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderShipped(DomainEvent):
    aggregate_type = SALES_ORDER

    customer_id: str
    fulfillment_id: str
    carrier: str
    tracking_number: str
    shipped_by: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderDelivered(DomainEvent):
    aggregate_type = SALES_ORDER

    customer_id: str
    fulfillment_id: str
    delivered_by: str


@dataclass(frozen=True, kw_only=True)
class SalesOrderCancelled(DomainEvent):
    """The order was cancelled before its fulfilment started."""

    aggregate_type = SALES_ORDER

    customer_id: str
    previous_status: OrderStatus
    reason: str
    reservation_ids: tuple[str, ...]
    """The reservations of its lines; each still ACTIVE was released in the same change."""
    cancelled_by: str


@dataclass(frozen=True, slots=True)
class LineReservedAgain:
    """A line whose reservation had ended (expired, released) and is held again."""

    line_number: int
    sku: str
    previous_reservation_id: str
    reservation_id: str


@dataclass(frozen=True, slots=True)
class LineStillShort:
    """A line whose reservation had ended and whose stock is not there to hold again."""

    line_number: int
    sku: str
    location_id: str
    required: Decimal
    available: Decimal


@dataclass(frozen=True, kw_only=True)
class SalesOrderSynced(DomainEvent):
    """The order's lines were compared with their reservations and what drifted was
    repaired where stock allowed."""

    aggregate_type = SALES_ORDER

    customer_id: str
    reserved_again: tuple[LineReservedAgain, ...]
    still_short: tuple[LineStillShort, ...]
    synced_by: str


EVENTS = (
    SalesOrderInventoryAllocated,
    SalesOrderFulfillmentStarted,
    SalesOrderFulfilled,
    SalesOrderShipped,
    SalesOrderDelivered,
    SalesOrderCancelled,
    SalesOrderSynced,
)


STATUS_AFTER: dict[type[DomainEvent], tuple[OrderStatus, FulfillmentStatus | None]] = {
    SalesOrderInventoryAllocated: (OrderStatus.INVENTORY_ALLOCATED, None),
    SalesOrderFulfillmentStarted: (
        OrderStatus.FULFILLMENT_IN_PROGRESS,
        FulfillmentStatus.IN_PROGRESS,
    ),
    SalesOrderFulfilled: (OrderStatus.FULFILLMENT_IN_PROGRESS, FulfillmentStatus.COMPLETED),
    SalesOrderShipped: (OrderStatus.SHIPPED, FulfillmentStatus.SHIPPED),
    SalesOrderDelivered: (OrderStatus.DELIVERED, FulfillmentStatus.DELIVERED),
    SalesOrderCancelled: (OrderStatus.CANCELLED, None),
}
"""Where each move leaves the order and its fulfilment (`salesOrderStatusChanged`)."""
