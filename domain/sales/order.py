"""The sales order: a customer's parts, each from a location at the customer's price,
held by a reservation of that stock from the moment the order is taken.

The order decides its own moves (domain/sales/status.py) and records their events; the
stock side (reserving, consuming, releasing) is the stock items' own rule
(`StockItem.reserve` / `consume` / `release`), changed in the same unit of work by the
use case, so there is one stock rule. The order only knows which reservation holds
each line (`reservation_of_line`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, NotFound, collect
from domain.events import DomainEvent
from domain.money import DEFAULT_CURRENCY, to_cents
from domain.sales.events import (
    LineReservedAgain,
    LineStillShort,
    OrderedLine,
    SalesOrderCancelled,
    SalesOrderDelivered,
    SalesOrderFulfilled,
    SalesOrderFulfillmentStarted,
    SalesOrderInventoryAllocated,
    SalesOrderShipped,
    SalesOrderSynced,
)
from domain.sales.status import (
    FulfillmentStatus,
    InvalidTransition,
    OrderAlreadyShipped,
    OrderStatus,
)

ORDER_HOLD = timedelta(days=7)
"""How long an order's reservations hold its stock: a week to start fulfilment, after
which the stock goes back to other buyers (the sweeper expires the reservations)."""
MOST_LINES = 100
TEXT_LENGTH = 200


class SalesOrderNotFound(NotFound):
    code = "SALES_ORDER_NOT_FOUND"

    def __init__(self, order_id: str, field: str = "orderId"):
        super().__init__("Sales order", order_id)
        self.field = field


class FulfillmentNotFound(NotFound):
    code = "FULFILLMENT_NOT_FOUND"

    def __init__(self, fulfillment_id: str):
        super().__init__("Fulfillment", fulfillment_id)
        self.field = "fulfillmentId"


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    region: str | None = None

    def problems(self) -> list[DomainError]:
        where = "shippingAddress."
        found = [
            check_text(self.line1, f"{where}line1", "Enter the street address.", TEXT_LENGTH),
            check_text(self.city, f"{where}city", "Enter the city.", TEXT_LENGTH),
            check_text(self.postal_code, f"{where}postalCode", "Enter the postal code.", 20),
            check_text(self.country, f"{where}country", "Enter the country.", 60),
        ]
        for name, value in (("line2", self.line2), ("region", self.region)):
            if value is not None and len(value) > TEXT_LENGTH:
                found.append(
                    InvalidInput(
                        f"{name} is at most {TEXT_LENGTH} characters.", field=f"{where}{name}"
                    )
                )
        return [p for p in found if p is not None]


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A line once its part and price are known; `reservation_id` holds its stock."""

    line_number: int
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    unit_price: Decimal
    reservation_id: str

    @property
    def line_total(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)

    @property
    def pair(self) -> tuple[str, str]:
        """The stock item it draws on, (product, location): the order locks them sorted."""
        return self.product_id, self.location_id

    def fact(self) -> OrderedLine:
        return OrderedLine(
            line_number=self.line_number,
            product_id=self.product_id,
            sku=self.sku,
            location_id=self.location_id,
            quantity=self.quantity,
            unit_price=self.unit_price,
            line_total=self.line_total,
            reservation_id=self.reservation_id,
        )


def line_reference(order_id: str, line_number: int) -> str:
    """What a line's reservation is for (its `referenceId`, type ORDER_LINE): `SO-001/2`."""
    return f"{order_id}/{line_number}"


def reservation_of_line(order_id: str, line_number: int) -> str:
    """The id of the reservation holding a line's stock, `SO-001-L2`: named after the line
    rather than taken from the RES series, so an order of ten lines takes one number."""
    return f"{order_id}-L{line_number}"


def reservation_of_line_again(order_id: str, line_number: int, version: int) -> str:
    """The id of a line's next reservation when a sync holds it again: `SO-001-L2-V3`,
    after the order's version at that sync (each sync that changes the order moves it)."""
    return f"{reservation_of_line(order_id, line_number)}-V{version}"


def fulfillment_of_order(order_id: str) -> str:
    """The id of an order's fulfilment, `SO-001-F1` (an order has one: its lines are
    reserved together and so fulfilled together)."""
    return f"{order_id}-F1"


def check_line_count(count: int) -> None:
    if not 1 <= count <= MOST_LINES:
        raise InvalidInput(f"An order has 1 to {MOST_LINES} lines; got {count}.", field="lines")


@dataclass(eq=False)
class Fulfillment:
    """The picking, packing and shipping of the order (one per order: every line is
    reserved together, so it is fulfilled together)."""

    id: str
    status: FulfillmentStatus
    started_by: str
    started_at: datetime
    completed_at: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(eq=False)
class SalesOrder:
    id: str
    tenant_id: str
    customer_id: str
    lines: list[OrderLine]
    shipping_address: ShippingAddress
    ordered_by: str
    ordered_at: datetime
    reserved_until: datetime
    status: OrderStatus = OrderStatus.PENDING
    currency: str = DEFAULT_CURRENCY
    fulfillment: Fulfillment | None = None
    cancel_reason: str | None = None
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    def lines_by_stock(self) -> list[OrderLine]:
        """The lines in the order their stock items are locked: sorted by (product,
        location), the same for every use case, so two of them never deadlock."""
        return sorted(self.lines, key=lambda line: (line.pair, line.line_number))

    @classmethod
    def taken(
        cls,
        order_id: str,
        tenant_id: str,
        customer_id: str,
        lines: Sequence[OrderLine],
        shipping_address: ShippingAddress,
        by: str,
        now: datetime,
        reserved_until: datetime | None = None,
    ) -> SalesOrder:
        """A new order, PENDING until `allocate_inventory` records its reservations
        (held `ORDER_HOLD` from now, unless they were made earlier: `reserved_until`)."""
        check_line_count(len(lines))
        collect(*shipping_address.problems())
        return cls(
            id=order_id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            lines=list(lines),
            shipping_address=shipping_address,
            ordered_by=by,
            ordered_at=now,
            reserved_until=reserved_until or now + ORDER_HOLD,
            version=1,
        )

    def allocate_inventory(self, now: datetime) -> None:
        """Every line's stock is reserved (by the use case, on the stock items)."""
        self._require("allocate inventory", "PENDING", self.status is OrderStatus.PENDING)
        self.status = OrderStatus.INVENTORY_ALLOCATED
        self.events.append(
            SalesOrderInventoryAllocated(
                **self._facts(now),
                lines=tuple(line.fact() for line in self.lines),
                total_amount=self.total_amount,
                currency=self.currency,
                reserved_until=self.reserved_until,
                ordered_by=self.ordered_by,
            )
        )

    def start_fulfillment(self, fulfillment_id: str, by: str, now: datetime) -> None:
        """Picking begins; the use case consumes every line's reservation with it."""
        self._require(
            "start fulfillment",
            "INVENTORY_ALLOCATED",
            self.status is OrderStatus.INVENTORY_ALLOCATED,
        )
        self.status = OrderStatus.FULFILLMENT_IN_PROGRESS
        self.fulfillment = Fulfillment(fulfillment_id, FulfillmentStatus.IN_PROGRESS, by, now)
        self.events.append(
            SalesOrderFulfillmentStarted(
                **self._facts(now), fulfillment_id=fulfillment_id, started_by=by
            )
        )

    def complete_fulfillment(self, by: str, now: datetime) -> None:
        """Picked and packed: the order is fulfilled, and accounts receivable invoices it."""
        fulfillment = self._fulfillment_in(
            FulfillmentStatus.IN_PROGRESS, "complete its fulfillment"
        )
        fulfillment.status = FulfillmentStatus.COMPLETED
        fulfillment.completed_at = now
        self.events.append(
            SalesOrderFulfilled(
                **self._facts(now),
                fulfillment_id=fulfillment.id,
                lines=tuple(line.fact() for line in self.lines),
                total_amount=self.total_amount,
                currency=self.currency,
                fulfilled_by=by,
            )
        )

    def ship(self, carrier: str, tracking_number: str, by: str, now: datetime) -> None:
        collect(
            check_text(carrier, "carrier", "Name the carrier.", TEXT_LENGTH),
            check_text(tracking_number, "trackingNumber", "Enter the tracking number.", 100),
        )
        fulfillment = self._fulfillment_in(FulfillmentStatus.COMPLETED, "be shipped")
        fulfillment.status = FulfillmentStatus.SHIPPED
        fulfillment.carrier, fulfillment.tracking_number = carrier.strip(), tracking_number.strip()
        fulfillment.shipped_at = now
        self.status = OrderStatus.SHIPPED
        self.events.append(
            SalesOrderShipped(
                **self._facts(now),
                fulfillment_id=fulfillment.id,
                carrier=fulfillment.carrier,
                tracking_number=fulfillment.tracking_number,
                shipped_by=by,
            )
        )

    def deliver(self, by: str, now: datetime) -> None:
        self._require("be delivered", "SHIPPED", self.status is OrderStatus.SHIPPED)
        assert self.fulfillment is not None, "a shipped order has its fulfillment"
        self.fulfillment.status = FulfillmentStatus.DELIVERED
        self.fulfillment.delivered_at = now
        self.status = OrderStatus.DELIVERED
        self.events.append(
            SalesOrderDelivered(
                **self._facts(now), fulfillment_id=self.fulfillment.id, delivered_by=by
            )
        )

    def cancel(self, reason: str, by: str, now: datetime) -> None:
        """Cancelled while it holds its reservations; the use case releases them."""
        problem = check_text(reason, "reason", "Say why the order is cancelled.", TEXT_LENGTH)
        if problem:
            raise problem
        if self.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            raise OrderAlreadyShipped(self.id, self.status)
        self._require(
            "be cancelled",
            "PENDING or INVENTORY_ALLOCATED (before fulfillment starts)",
            self.status in (OrderStatus.PENDING, OrderStatus.INVENTORY_ALLOCATED),
        )
        previous, self.status = self.status, OrderStatus.CANCELLED
        self.cancel_reason, self.cancelled_by, self.cancelled_at = reason.strip(), by, now
        self.events.append(
            SalesOrderCancelled(
                **self._facts(now),
                previous_status=previous,
                reason=self.cancel_reason,
                reservation_ids=tuple(line.reservation_id for line in self.lines),
                cancelled_by=by,
            )
        )

    def reserve_line_again(self, line_number: int, reservation_id: str) -> OrderLine:
        """The line is held by a new reservation (its earlier one had ended)."""
        self._require(
            "have its lines reserved again",
            "INVENTORY_ALLOCATED",
            self.status is OrderStatus.INVENTORY_ALLOCATED,
        )
        index = next(i for i, line in enumerate(self.lines) if line.line_number == line_number)
        self.lines[index] = replace(self.lines[index], reservation_id=reservation_id)
        return self.lines[index]

    def record_sync(
        self,
        reserved_again: Sequence[LineReservedAgain],
        still_short: Sequence[LineStillShort],
        by: str,
        now: datetime,
    ) -> None:
        """What a sync with the stock found and did; nothing is recorded if every line's
        reservation was still held."""
        if not reserved_again and not still_short:
            return
        self.events.append(
            SalesOrderSynced(
                **self._facts(now),
                reserved_again=tuple(reserved_again),
                still_short=tuple(still_short),
                synced_by=by,
            )
        )

    def _fulfillment_in(self, wanted: FulfillmentStatus, action: str) -> Fulfillment:
        fulfillment = self.fulfillment
        if self.status is not OrderStatus.FULFILLMENT_IN_PROGRESS or fulfillment is None:
            raise InvalidTransition(
                self.id, self.status, action, f"FULFILLMENT_IN_PROGRESS with fulfillment {wanted}"
            )
        if fulfillment.status is not wanted:
            raise InvalidTransition(
                self.id,
                f"{self.status} with fulfillment {fulfillment.status}",
                action,
                f"fulfillment {wanted}",
            )
        return fulfillment

    def _require(self, action: str, needed: str, allowed: bool) -> None:
        if not allowed:
            raise InvalidTransition(self.id, self.status, action, needed)

    def _facts(self, now: datetime) -> dict[str, object]:
        return {
            "aggregate_id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": now,
            "customer_id": self.customer_id,
        }


@dataclass(frozen=True, slots=True)
class SalesOrderFilter:
    """Which orders a reader asks for; None matches any."""

    customer_id: str | None = None
    status: OrderStatus | None = None
