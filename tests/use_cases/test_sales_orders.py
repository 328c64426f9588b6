"""Sales orders on the in-memory unit of work: taking an order (all lines reserved or
none, prices from the customer's terms, the credit check), fulfilment consuming the
reservations, shipment and delivery, cancellation releasing them, and the refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.movements import MovementKind
from domain.inventory.reservations import ReferenceType, ReservationStatus
from domain.inventory.tiers import CustomerTier
from domain.paging import PageRequest
from domain.sales.backorders import BackorderPriority
from domain.sales.events import (
    SalesOrderCancelled,
    SalesOrderFulfilled,
    SalesOrderInventoryAllocated,
)
from domain.sales.order import ORDER_HOLD, SalesOrderFilter, ShippingAddress
from domain.sales.status import FulfillmentStatus, OrderStatus
from resolvers.catalog.use_cases import create_part
from resolvers.customers import use_cases as customers
from resolvers.inventory import ledger, levels, pricing
from resolvers.inventory.pricing import RequestedPrice
from resolvers.inventory.reservations import expire_reservations
from resolvers.locations.use_cases import create_location
from resolvers.sales import fulfillment, queries, sync
from resolvers.sales.orders import (
    OrderProcessingStatus,
    RequestedLine,
    ShortfallBackorder,
    process_order,
)
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal

Units = Callable[[], FakeUnitOfWork]
D = Decimal
CLERK = "clerk-1"
ADDRESS = ShippingAddress("1 Main St", "Springfield", "12345", "US")
PAGE = PageRequest(page_index=0, page_size=20)


@pytest.fixture(name="shop")
async def shop_fixture(uow: Units, clock: ManualClock, database: Database) -> str:
    """CUST-001 (BRONZE); oil at 9.99 (10 at LOC-A) and pads at 89.99 (2 at LOC-A)."""
    for product, sku, price in (("PART-OIL", "OIL", "9.99"), ("PART-PAD", "PAD", "89.99")):
        await create_part(uow, {"id": product, "sku": sku, "name": sku, "unit_price": D(price)})
    await create_location(uow, {"id": "LOC-A", "name": "Main"})
    await ledger.receive_stock(uow, clock, CLERK, "OIL", "LOC-A", D(10), D(4))
    await ledger.receive_stock(uow, clock, CLERK, "PAD", "LOC-A", D(2), D(40))
    customer = await customers.create_customer(uow, clock, {"name": "Fleet Co"})
    database.outbox.clear()
    return customer.id


def line(sku: str, quantity: str, location: str = "LOC-A") -> RequestedLine:
    return RequestedLine(location_id=location, quantity=D(quantity), sku=sku)


async def order(uow: Units, clock: ManualClock, customer: str, *lines: RequestedLine):
    return await process_order(uow, clock, CLERK, customer, list(lines), ADDRESS)


async def figures(uow: Units, sku: str) -> tuple[Decimal, Decimal]:
    [item] = await levels.stock_levels(uow, sku, "LOC-A")
    return item.on_hand, item.reserved


async def test_an_order_reserves_every_line_at_the_customers_price(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    await pricing.set_customer_tier(uow, clock, shop, CustomerTier.GOLD, 1)
    await pricing.update_customer_pricing(
        uow, clock, shop, 0, [RequestedPrice(sku="PAD", customer_price=D("80.00"))]
    )
    database.outbox.clear()

    taken = await order(uow, clock, shop, line("oil", "3"), line("PAD", "2"))

    assert taken.status is OrderProcessingStatus.SUCCESS and taken.unavailable_items == []
    placed = taken.order
    assert placed is not None and placed.id == "SO-001"
    assert placed.status is OrderStatus.INVENTORY_ALLOCATED
    assert [(li.sku, li.unit_price, li.line_total, li.reservation_id) for li in placed.lines] == [
        ("OIL", D("8.99"), D("26.97"), "SO-001-L1"),  # GOLD: 10% off 9.99
        ("PAD", D("80.00"), D("160.00"), "SO-001-L2"),  # the specific price
    ]
    assert placed.total_amount == D("186.97")
    assert await figures(uow, "OIL") == (10, 3)
    assert await figures(uow, "PAD") == (2, 2)
    [held] = await queries.reservations_by_id(uow, ["SO-001-L1"])
    assert held is not None
    assert (held.reference_type, held.reference_id, held.status) == (
        ReferenceType.ORDER_LINE,
        "SO-001/1",
        ReservationStatus.ACTIVE,
    )
    assert held.expires_at == clock.now() + ORDER_HOLD
    [allocated] = [e for e in database.outbox if isinstance(e, SalesOrderInventoryAllocated)]
    assert (allocated.aggregate_id, allocated.total_amount, len(allocated.lines)) == (
        "SO-001",
        D("186.97"),
        2,
    )
    assert (await queries.sales_order(uow, "SO-001")).lines == placed.lines


async def test_a_short_order_reserves_nothing_and_names_every_unavailable_item(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    answer = await order(
        uow, clock, shop, line("OIL", "6"), line("PAD", "3"), line("OIL", "5"), line("PAD", "0.5")
    )

    assert (answer.status, answer.order) == (OrderProcessingStatus.INSUFFICIENT_INVENTORY, None)
    assert [(u.sku, u.required, u.available, u.shortfall) for u in answer.unavailable_items] == [
        ("OIL", D(11), D(10), D(1)),
        ("PAD", D("3.5"), D(2), D("1.5")),
    ]
    assert await figures(uow, "OIL") == (10, 0)
    assert database.outbox == []
    assert (await queries.sales_orders(uow, SalesOrderFilter(), PAGE)).items == []
    assert (await order(uow, clock, shop, line("OIL", "1"))).order.id == "SO-001"  # type: ignore[union-attr]


async def test_an_order_over_the_credit_left_is_refused_with_the_figures(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    await customers.update_customer(uow, clock, shop, 1, {"credit_limit": D("100.00")})
    await order(uow, clock, shop, line("OIL", "5"))  # 49.95 in use now

    with pytest.raises(DomainError) as refused:
        await order(uow, clock, shop, line("PAD", "1"))  # 89.99 > 50.05 left

    assert refusal(refused) == [("CREDIT_LIMIT_EXCEEDED", "customerId")]
    assert refused.value.details == {
        "creditLimit": "100.00",
        "currentCreditUsed": "49.95",
        "availableCredit": "50.05",
        "orderValue": "89.99",
    }
    assert await figures(uow, "OIL") == (10, 5)
    assert (await order(uow, clock, shop, line("OIL", "5"))).status is OrderProcessingStatus.SUCCESS


async def test_unknown_parties_and_bad_lines_are_refused_by_field(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await order(uow, clock, shop, line("NOPE", "1"), line("OIL", "1", "LOC-X"))
    assert refusal(refused) == [
        ("PART_NOT_FOUND", "lines[0].sku"),
        ("LOCATION_NOT_FOUND", "lines[1].locationId"),
    ]
    with pytest.raises(DomainError) as refused:
        await order(uow, clock, shop, line("OIL", "0"))
    assert refusal(refused) == [("BAD_USER_INPUT", "lines[0].quantity")]
    with pytest.raises(DomainError) as refused:
        await order(uow, clock, "CUST-404", line("OIL", "1"))
    assert refusal(refused) == [("CUSTOMER_NOT_FOUND", "customerId")]
    with pytest.raises(DomainError) as refused:
        await order(uow, clock, shop)
    assert refusal(refused) == [("BAD_USER_INPUT", "lines")]


async def test_fulfilment_consumes_the_reservations_and_the_order_ships_and_arrives(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "3"), line("PAD", "1"))).order
    assert placed is not None

    started = await fulfillment.start_order_fulfillment(uow, clock, "picker", placed.id, 1)
    assert started.status is OrderStatus.FULFILLMENT_IN_PROGRESS
    assert await figures(uow, "OIL") == (7, 0)
    assert await figures(uow, "PAD") == (1, 0)
    consumed = await levels.stock_movements(uow, PAGE, reference="SO-001/1")
    assert [(m.kind, m.quantity) for m in consumed.items] == [(MovementKind.CONSUMPTION, -3)]

    done = await fulfillment.complete_fulfillment(uow, clock, "picker", placed.id, 2)
    [fulfilled] = [e for e in database.outbox if isinstance(e, SalesOrderFulfilled)]
    assert (fulfilled.fulfillment_id, fulfilled.total_amount) == ("SO-001-F1", D("119.96"))
    shipped = await fulfillment.ship_order(uow, clock, "clerk", placed.id, 3, "UPS", "1Z99")
    assert shipped.status is OrderStatus.SHIPPED
    tracked = await fulfillment.fulfillment_tracking(uow, "SO-001-F1")
    assert tracked.fulfillment is not None
    assert (tracked.fulfillment.status, tracked.fulfillment.tracking_number) == (
        FulfillmentStatus.SHIPPED,
        "1Z99",
    )
    with pytest.raises(DomainError) as refused:
        await fulfillment.cancel_order(uow, clock, "clerk", placed.id, 4, "too late")
    assert refusal(refused) == [("ORDER_ALREADY_SHIPPED", "orderId")]
    delivered = await fulfillment.deliver_order(uow, clock, "driver", placed.id, 4)
    assert (delivered.status, done.id) == (OrderStatus.DELIVERED, "SO-001")


async def test_cancelling_releases_every_reservation_and_stale_or_invalid_moves_are_refused(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "3"), line("PAD", "2"))).order
    assert placed is not None
    with pytest.raises(DomainError) as refused:
        await fulfillment.ship_order(uow, clock, "clerk", placed.id, 1, "UPS", "1Z")
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    assert "is INVENTORY_ALLOCATED" in refused.value.message

    cancelled = await fulfillment.cancel_order(uow, clock, "clerk", placed.id, 1, "Duplicate")
    assert cancelled.status is OrderStatus.CANCELLED
    assert await figures(uow, "OIL") == (10, 0)
    assert await figures(uow, "PAD") == (2, 0)
    [event] = [e for e in database.outbox if isinstance(e, SalesOrderCancelled)]
    assert event.reservation_ids == ("SO-001-L1", "SO-001-L2")
    with pytest.raises(DomainError) as refused:
        await fulfillment.start_order_fulfillment(uow, clock, "picker", placed.id, 1)
    assert refusal(refused) == [("VERSION_CONFLICT", "version")]
    with pytest.raises(DomainError) as refused:
        await fulfillment.start_order_fulfillment(uow, clock, "picker", placed.id, 2)
    assert refusal(refused) == [("INVALID_TRANSITION", "status")]
    assert "is CANCELLED" in refused.value.message


async def test_an_expired_reservation_stops_fulfilment_and_consumes_nothing(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "3"), line("PAD", "1"))).order
    assert placed is not None
    clock.advance(ORDER_HOLD)
    await ledger.receive_stock(uow, clock, CLERK, "PAD", "LOC-A", D(1), D(40))  # no expiry
    await ledger.issue_stock(uow, clock, CLERK, "OIL", "LOC-A", D(1))
    await expire_reservations(uow, clock, "PART-OIL@LOC-A")

    with pytest.raises(DomainError) as refused:
        await fulfillment.start_order_fulfillment(uow, clock, "picker", placed.id, 1)

    assert refusal(refused) == [("RESERVATION_NOT_ACTIVE", "reservationId")]
    assert "EXPIRED" in refused.value.message
    assert await figures(uow, "PAD") == (3, 1)
    assert (await queries.sales_order(uow, placed.id)).status is OrderStatus.INVENTORY_ALLOCATED


async def test_sync_holds_again_the_lines_whose_reservations_ended_as_far_as_stock_goes(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "3"), line("PAD", "2"))).order
    assert placed is not None
    clock.advance(ORDER_HOLD)
    await expire_reservations(uow, clock, "PART-OIL@LOC-A")
    await expire_reservations(uow, clock, "PART-PAD@LOC-A")
    await ledger.issue_stock(uow, clock, CLERK, "PAD", "LOC-A", D(1))  # only 1 pad left
    database.outbox.clear()

    [synced] = await sync.sync_all_pending_orders(uow, clock, CLERK)

    assert [
        (a.line_number, a.previous_reservation_id, a.reservation_id) for a in synced.reserved_again
    ] == [(1, "SO-001-L1", "SO-001-L1-V2")]
    assert [(s.line_number, s.required, s.available) for s in synced.still_short] == [(2, 2, 1)]
    assert await figures(uow, "OIL") == (10, 3)
    stored = await queries.sales_order(uow, "SO-001")
    assert [li.reservation_id for li in stored.lines] == ["SO-001-L1-V2", "SO-001-L2"]
    assert stored.status is OrderStatus.INVENTORY_ALLOCATED
    assert {type(e).__name__ for e in database.outbox} == {"SalesOrderSynced", "StockReserved"}

    await ledger.receive_stock(uow, clock, CLERK, "PAD", "LOC-A", D(1), D(40))
    again = await sync.sync_order_with_inventory(uow, clock, CLERK, "SO-001")
    assert [a.reservation_id for a in again.reserved_again] == ["SO-001-L2-V3"]
    assert not (await sync.sync_order_with_inventory(uow, clock, CLERK, "SO-001")).drifted
    started = await fulfillment.start_order_fulfillment(uow, clock, "picker", "SO-001", 3)
    assert started.status is OrderStatus.FULFILLMENT_IN_PROGRESS
    assert await figures(uow, "OIL") == (7, 0)
    assert await figures(uow, "PAD") == (0, 0)


async def test_asked_to_the_order_takes_what_stock_serves_and_backorders_the_shortfall(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    wish = ShortfallBackorder(BackorderPriority.HIGH, clock.now().date())
    taken = await process_order(
        uow,
        clock,
        CLERK,
        shop,
        [line("OIL", "4"), line("PAD", "1"), line("OIL", "8"), line("PAD", "3")],
        ADDRESS,
        wish,
    )

    assert taken.status is OrderProcessingStatus.SUCCESS
    assert taken.message == "Order processed for the stock available; the shortfall is backordered"
    placed = taken.order
    assert placed is not None
    assert [(li.line_number, li.sku, li.quantity) for li in placed.lines] == [
        (1, "OIL", D(4)),
        (2, "PAD", D(1)),
        (3, "OIL", D(6)),
        (4, "PAD", D(1)),
    ]
    assert [(u.sku, u.required, u.available, u.shortfall) for u in taken.unavailable_items] == [
        ("OIL", D(12), D(10), D(2)),
        ("PAD", D(4), D(2), D(2)),
    ]
    assert [
        (b.id, b.sku, b.quantity, b.priority, b.order_id, b.unit_price) for b in taken.backorders
    ] == [
        ("BO-001", "OIL", D(2), BackorderPriority.HIGH, placed.id, D("9.99")),
        ("BO-002", "PAD", D(2), BackorderPriority.HIGH, placed.id, D("89.99")),
    ]
    assert await figures(uow, "OIL") == (10, 10)
    assert await figures(uow, "PAD") == (2, 2)
    assert [type(e).__name__ for e in database.outbox].count("BackorderCreated") == 2


async def test_asked_to_with_nothing_in_stock_there_is_no_order_only_backorders(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    await order(uow, clock, shop, line("PAD", "2"))
    wish = ShortfallBackorder(BackorderPriority.LOW)

    short = await process_order(uow, clock, CLERK, shop, [line("PAD", "3")], ADDRESS, wish)

    assert (short.status, short.order) == (OrderProcessingStatus.INSUFFICIENT_INVENTORY, None)
    assert short.message == (
        "Insufficient inventory for order fulfillment; the shortfall is backordered"
    )
    assert [(b.quantity, b.order_id) for b in short.backorders] == [(D(3), None)]
    with pytest.raises(DomainError) as past:
        await process_order(
            uow,
            clock,
            CLERK,
            shop,
            [line("PAD", "3")],
            ADDRESS,
            ShortfallBackorder(BackorderPriority.LOW, date(2000, 1, 1)),
        )
    assert refusal(past) == [("BAD_USER_INPUT", "expectedFulfillmentDate")]


async def test_an_order_taken_alone_reserves_and_records_what_the_transaction_does(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    """Given units that open no transaction, the order is decided on what they read and
    written at once (`taken_alone`): the same order, reservations and events."""
    recorded = []
    for alone in (None, uow):
        database.outbox.clear()
        taken = await process_order(
            uow, clock, CLERK, shop, [line("OIL", "3"), line("PAD", "1")], ADDRESS, alone=alone
        )
        assert taken.status is OrderProcessingStatus.SUCCESS and taken.order is not None
        held = await queries.reservations_by_id(uow, [n.reservation_id for n in taken.order.lines])
        assert [r.quantity for r in held if r is not None] == [D(3), D(1)]
        recorded.append([type(e).__name__ for e in database.outbox])
    assert recorded[0] == recorded[1]
    assert await figures(uow, "OIL") == (D(10), D(6))
    assert await figures(uow, "PAD") == (D(2), D(2))
