"""The sales order's own rules: its moves (seed 004's `startFulfillment` only from
INVENTORY_ALLOCATED, ...), what each records, shortfalls and the credit check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.sales.availability import unavailable_items
from domain.sales.credit import check_credit
from domain.sales.events import (
    SalesOrderCancelled,
    SalesOrderDelivered,
    SalesOrderFulfilled,
    SalesOrderFulfillmentStarted,
    SalesOrderInventoryAllocated,
    SalesOrderShipped,
)
from domain.sales.order import OrderLine, SalesOrder, ShippingAddress
from domain.sales.status import FulfillmentStatus, OrderStatus

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ADDRESS = ShippingAddress("1 Main St", "Springfield", "12345", "US")


def line(n: int, quantity: str, price: str = "9.99", product: str = "P1") -> OrderLine:
    return OrderLine(
        n, product, f"SKU-{product}", "LOC-A", Decimal(quantity), Decimal(price), f"R{n}"
    )


def allocated() -> SalesOrder:
    order = SalesOrder.taken(
        "SO-001", "t1", "CUST-1", [line(1, "3"), line(2, "1", "0.50", "P2")], ADDRESS, "u", NOW
    )
    order.allocate_inventory(NOW)
    return order


def refused(action) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value.code, caught.value.message


def test_an_order_is_allocated_with_its_lines_total_and_hold() -> None:
    order = allocated()
    assert order.status is OrderStatus.INVENTORY_ALLOCATED
    [event] = order.events
    assert isinstance(event, SalesOrderInventoryAllocated)
    assert event.total_amount == Decimal("30.47")
    assert [(li.line_number, li.line_total) for li in event.lines] == [
        (1, Decimal("29.97")),
        (2, Decimal("0.50")),
    ]
    assert event.reserved_until == NOW + timedelta(days=7)


def test_the_whole_life_records_one_event_per_move() -> None:
    order = allocated()
    order.start_fulfillment("FUL-001", "picker", NOW)
    order.complete_fulfillment("picker", NOW)
    assert order.status is OrderStatus.FULFILLMENT_IN_PROGRESS
    order.ship("UPS", " 1Z999 ", "clerk", NOW)
    order.deliver("driver", NOW)
    assert order.status is OrderStatus.DELIVERED
    assert order.fulfillment is not None
    assert order.fulfillment.status is FulfillmentStatus.DELIVERED
    assert order.fulfillment.tracking_number == "1Z999"
    assert [type(e) for e in order.events] == [
        SalesOrderInventoryAllocated,
        SalesOrderFulfillmentStarted,
        SalesOrderFulfilled,
        SalesOrderShipped,
        SalesOrderDelivered,
    ]
    fulfilled = order.events[2]
    assert isinstance(fulfilled, SalesOrderFulfilled)
    assert (fulfilled.fulfillment_id, fulfilled.total_amount) == ("FUL-001", Decimal("30.47"))


def test_moves_out_of_order_are_invalid_transitions_naming_the_state() -> None:
    order = allocated()
    code, message = refused(lambda: order.ship("UPS", "1Z", "u", NOW))
    assert code == "INVALID_TRANSITION" and "is INVENTORY_ALLOCATED" in message
    assert refused(lambda: order.complete_fulfillment("u", NOW))[0] == "INVALID_TRANSITION"
    assert refused(lambda: order.deliver("u", NOW))[0] == "INVALID_TRANSITION"
    order.start_fulfillment("FUL-001", "u", NOW)
    code, message = refused(lambda: order.start_fulfillment("FUL-002", "u", NOW))
    assert code == "INVALID_TRANSITION" and "is FULFILLMENT_IN_PROGRESS" in message
    code, message = refused(lambda: order.ship("UPS", "1Z", "u", NOW))
    assert code == "INVALID_TRANSITION" and "with fulfillment IN_PROGRESS" in message


def test_cancelling_is_possible_until_fulfillment_and_never_after_shipping() -> None:
    order = allocated()
    order.cancel("Customer changed their mind", "clerk", NOW)
    event = order.events[-1]
    assert isinstance(event, SalesOrderCancelled)
    assert event.reservation_ids == ("R1", "R2")
    assert event.previous_status is OrderStatus.INVENTORY_ALLOCATED
    assert refused(lambda: order.cancel("again", "clerk", NOW))[0] == "INVALID_TRANSITION"
    assert refused(lambda: order.start_fulfillment("F", "u", NOW))[0] == "INVALID_TRANSITION"

    shipped = allocated()
    shipped.start_fulfillment("FUL-1", "u", NOW)
    assert refused(lambda: shipped.cancel("late", "u", NOW))[0] == "INVALID_TRANSITION"
    shipped.complete_fulfillment("u", NOW)
    shipped.ship("UPS", "1Z", "u", NOW)
    assert refused(lambda: shipped.cancel("late", "u", NOW))[0] == "ORDER_ALREADY_SHIPPED"
    assert refused(lambda: allocated().cancel(" ", "u", NOW))[0] == "BAD_USER_INPUT"


def test_lines_on_one_stock_item_are_added_up_before_they_are_compared() -> None:
    lines = [line(1, "3"), line(2, "3"), line(3, "1", product="P2")]
    short = unavailable_items(lines, {("P1", "LOC-A"): Decimal(5), ("P2", "LOC-A"): Decimal(1)})
    assert [(u.sku, u.required, u.available, u.shortfall) for u in short] == [
        ("SKU-P1", Decimal(6), Decimal(5), Decimal(1))
    ]


def test_the_credit_check_is_seed_004s_can_process_order() -> None:
    check_credit("C", Decimal("100.00"), None, Decimal("5000"))
    check_credit("C", Decimal("100.00"), Decimal("150.00"), Decimal("50.00"))
    with pytest.raises(DomainError) as caught:
        check_credit("C", Decimal("100.01"), Decimal("150.00"), Decimal("50.00"))
    assert caught.value.code == "CREDIT_LIMIT_EXCEEDED"
    assert caught.value.details["availableCredit"] == "100.00"
