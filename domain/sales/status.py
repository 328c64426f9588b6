"""Where a sales order and its fulfilment are in their lives (seed 004's enums), and the
moves the business allows.

    PENDING -> INVENTORY_ALLOCATED -> FULFILLMENT_IN_PROGRESS -> SHIPPED -> DELIVERED
    PENDING, INVENTORY_ALLOCATED -> CANCELLED

An order is created and allocated in one step (`processOrder`), so PENDING is only ever
seen inside it. Its fulfilment starts IN_PROGRESS (the reserved stock is consumed),
is COMPLETED (picked and packed: the order is fulfilled and invoiced), then SHIPPED and
DELIVERED with the order. Cancelling gives the reservations back, so it is possible
while the order holds them; once fulfilment started the stock has left the shelf, and a
shipped order has left the building (ORDER_ALREADY_SHIPPED). Any other move is
INVALID_TRANSITION, naming the state the order is in.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    INVENTORY_ALLOCATED = "INVENTORY_ALLOCATED"
    FULFILLMENT_IN_PROGRESS = "FULFILLMENT_IN_PROGRESS"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class FulfillmentStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"


OPEN = frozenset(
    {OrderStatus.PENDING, OrderStatus.INVENTORY_ALLOCATED, OrderStatus.FULFILLMENT_IN_PROGRESS}
)
"""Orders not yet fulfilled and invoiced: their value is credit the customer has in use."""


class InvalidTransition(DomainError):
    """The order's state does not allow what was asked; the message names the state."""

    code = "INVALID_TRANSITION"

    def __init__(self, order_id: str, current: str, action: str, needed: str):
        super().__init__(
            f"Sales order {order_id} is {current}, so it cannot {action}; that needs "
            f"{needed}. Refresh the order to see what it allows now.",
            field="status",
        )
        self.current = current


class OrderAlreadyShipped(DomainError):
    code = "ORDER_ALREADY_SHIPPED"

    def __init__(self, order_id: str, current: OrderStatus):
        super().__init__(
            f"Sales order {order_id} is {current}: it has left the warehouse and cannot be "
            "cancelled. Record a return instead.",
            field="orderId",
        )
