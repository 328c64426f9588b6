"""How a service order comes in: a customer's request, or an estimate they approved.

The order number (SO-...) is chosen per tenant by the caller; the estimate is read by
the caller too and handed over as its status and plain item values, so this package
does not depend on the estimate model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from domain.checks import check_text
from domain.errors import Conflict, DomainError, InvalidInput, collect
from domain.service_orders.events import ServiceOrderCreated, check_instant
from domain.service_orders.items import OrderItem
from domain.service_orders.order import ServiceOrder
from domain.service_orders.status import Priority

ORDER_NUMBER = re.compile(r"^SO-[A-Za-z0-9][A-Za-z0-9-]{0,60}$")
APPROVED = "APPROVED"


class EstimateNotApproved(DomainError):
    code = "ESTIMATE_NOT_APPROVED"


class EstimateAlreadyOrdered(Conflict):
    """One approved estimate becomes one service order."""

    code = "ESTIMATE_ALREADY_ORDERED"

    def __init__(self, estimate_id: str, order_id: str | None = None):
        became = f"service order {order_id}" if order_id else "a service order"
        super().__init__(
            f"Estimate {estimate_id} already became {became}; work on that order.",
            field="estimateId",
        )


def check_order_number(order_id: str) -> InvalidInput | None:
    if not ORDER_NUMBER.match(order_id or ""):
        return InvalidInput(
            f"'{order_id}' is not a service order number: use SO- followed by letters, "
            "digits or dashes, e.g. SO-100.",
            field="serviceOrderId",
        )
    return None


def check_priority(priority: str) -> InvalidInput | None:
    if priority not in Priority.__members__:
        return InvalidInput(
            f"Priority '{priority}' is not one of LOW, MEDIUM, HIGH or CRITICAL.",
            field="priority",
        )
    return None


def open_service_order(
    order_id: str,
    tenant_id: str,
    customer_id: str,
    vehicle_id: str,
    location_id: str,
    priority: str,
    description: str,
    created_at: datetime,
) -> ServiceOrder:
    """A new REQUESTED order, with every faulty field reported at once."""
    collect(
        check_order_number(order_id),
        check_text(customer_id, "customerId", "Choose the customer the work is for.", 64),
        check_text(vehicle_id, "vehicleId", "Choose the vehicle to work on.", 64),
        check_text(location_id, "locationId", "Choose the location doing the work.", 64),
        check_priority(priority),
        check_text(description, "description", "Describe the work requested.", 2000),
        check_instant(created_at, "createdAt"),
    )
    order = ServiceOrder(
        id=order_id,
        tenant_id=tenant_id,
        customer_id=customer_id.strip(),
        vehicle_id=vehicle_id.strip(),
        location_id=location_id.strip(),
        priority=Priority(priority),
        description=description.strip(),
        created_at=created_at,
    )
    order.events.append(
        ServiceOrderCreated(
            aggregate_id=order.id,
            tenant_id=tenant_id,
            occurred_at=created_at,
            customer_id=order.customer_id,
            priority=order.priority,
            status=order.status,
        )
    )
    return order


def open_from_estimate(
    order_id: str,
    tenant_id: str,
    estimate_id: str,
    estimate_status: str,
    items: Sequence[OrderItem],
    customer_id: str,
    vehicle_id: str,
    location_id: str,
    priority: str,
    description: str,
    created_at: datetime,
) -> ServiceOrder:
    """An order for the work an APPROVED estimate lists, carrying its lines."""
    if estimate_status != APPROVED:
        raise EstimateNotApproved(
            f"Estimate {estimate_id} is {estimate_status}; only an APPROVED estimate can "
            "become a service order. Get the customer's approval first.",
            field="estimateId",
        )
    if not items:
        raise InvalidInput(
            f"Estimate {estimate_id} has no lines to carry into a service order.",
            field="items",
        )
    order = open_service_order(
        order_id,
        tenant_id,
        customer_id,
        vehicle_id,
        location_id,
        priority,
        description,
        created_at,
    )
    order.estimate_id, order.items = estimate_id, tuple(items)
    return order
