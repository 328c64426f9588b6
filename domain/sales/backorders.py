"""Backorders: a customer's demand for a part at a location that stock could not meet,
waiting, with a priority (seed 004's BackorderPriority), until stock arrives.

A backorder is one part at one location (seed 004's holds a list of items; one per
part keeps "fill the pending backorders of this SKU and location" a plain query, and an
order short on two parts gets two). When stock arrives, the pending backorders of that
item are filled strictly by priority (URGENT first), then age (oldest first), each
reserving all it needs, as far as stock goes: the first one that does not fit stops the
round, so a smaller, lower-priority backorder never takes stock ahead of a higher one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError, InvalidInput, NotFound
from domain.events import DomainEvent
from domain.money import to_cents

BACKORDER = "backorder"


class BackorderPriority(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    URGENT = "URGENT"


RANK = {
    BackorderPriority.URGENT: 0,
    BackorderPriority.HIGH: 1,
    BackorderPriority.MEDIUM: 2,
    BackorderPriority.LOW: 3,
}
"""The order backorders are filled in: URGENT first."""


class BackorderStatus(StrEnum):
    PENDING = "PENDING"
    FULFILLED = "FULFILLED"


class BackorderNotFound(NotFound):
    code = "BACKORDER_NOT_FOUND"

    def __init__(self, backorder_id: str):
        super().__init__("Backorder", backorder_id)
        self.field = "backorderId"


class BackorderNotPending(DomainError):
    code = "INVALID_TRANSITION"

    def __init__(self, backorder: Backorder):
        super().__init__(
            f"Backorder {backorder.id} is {backorder.status}; only pending backorders can be "
            "fulfilled.",
            field="status",
        )


@dataclass(frozen=True, kw_only=True)
class BackorderCreated(DomainEvent):
    aggregate_type = BACKORDER

    customer_id: str
    order_id: str | None
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    priority: BackorderPriority
    expected_fulfillment_date: date | None
    created_by: str


@dataclass(frozen=True, kw_only=True)
class BackorderFulfilled(DomainEvent):
    """Stock arrived and was reserved for the backorder (`reservation_id`)."""

    aggregate_type = BACKORDER

    customer_id: str
    order_id: str | None
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    priority: BackorderPriority
    reservation_id: str


EVENTS = (BackorderCreated, BackorderFulfilled)


@dataclass(frozen=True, slots=True)
class BackorderFilter:
    """Which backorders a reader asks for; None matches any."""

    customer_id: str | None = None
    product_id: str | None = None
    location_id: str | None = None
    status: BackorderStatus | None = None
    order_id: str | None = None


def check_expected_date(expected: date | None, now: datetime) -> InvalidInput | None:
    """When the stock is expected: none, or today or later."""
    if expected is not None and expected < now.date():
        return InvalidInput(
            f"The expected fulfillment date {expected} is in the past.",
            field="expectedFulfillmentDate",
        )
    return None


def reservation_of_backorder(backorder_id: str) -> str:
    """The reservation holding a filled backorder's stock: `BO-001-R`."""
    return f"{backorder_id}-R"


@dataclass(eq=False)
class Backorder:
    id: str
    tenant_id: str
    customer_id: str
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    unit_price: Decimal
    """The customer's price of the part when the backorder was recorded."""
    priority: BackorderPriority
    requested_by: str
    requested_at: datetime
    order_id: str | None = None
    expected_fulfillment_date: date | None = None
    status: BackorderStatus = BackorderStatus.PENDING
    reservation_id: str | None = None
    fulfilled_at: datetime | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    @property
    def value(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)

    @property
    def queue_key(self) -> tuple[int, datetime, str]:
        """Its place in the queue of its stock item: priority, then age."""
        return RANK[self.priority], self.requested_at, self.id

    @classmethod
    def create(
        cls,
        backorder_id: str,
        tenant_id: str,
        customer_id: str,
        product_id: str,
        sku: str,
        location_id: str,
        quantity: Decimal,
        unit_price: Decimal,
        priority: BackorderPriority,
        expected: date | None,
        order_id: str | None,
        by: str,
        now: datetime,
    ) -> Backorder:
        problem = check_expected_date(expected, now)
        if problem:
            raise problem
        created = cls(
            id=backorder_id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            product_id=product_id,
            sku=sku,
            location_id=location_id,
            quantity=quantity,
            unit_price=unit_price,
            priority=priority,
            requested_by=by,
            requested_at=now,
            order_id=order_id,
            expected_fulfillment_date=expected,
        )
        created.events.append(
            BackorderCreated(
                aggregate_id=backorder_id,
                tenant_id=tenant_id,
                occurred_at=now,
                customer_id=customer_id,
                order_id=order_id,
                product_id=product_id,
                sku=sku,
                location_id=location_id,
                quantity=quantity,
                priority=priority,
                expected_fulfillment_date=expected,
                created_by=by,
            )
        )
        return created

    def fulfill(self, now: datetime) -> str:
        """Its stock is reserved (by the caller, on the stock item): FULFILLED. The id of
        that reservation."""
        if self.status is not BackorderStatus.PENDING:
            raise BackorderNotPending(self)
        self.status = BackorderStatus.FULFILLED
        self.reservation_id = reservation_of_backorder(self.id)
        self.fulfilled_at = now
        self.events.append(
            BackorderFulfilled(
                aggregate_id=self.id,
                tenant_id=self.tenant_id,
                occurred_at=now,
                customer_id=self.customer_id,
                order_id=self.order_id,
                product_id=self.product_id,
                sku=self.sku,
                location_id=self.location_id,
                quantity=self.quantity,
                priority=self.priority,
                reservation_id=self.reservation_id,
            )
        )
        return self.reservation_id
