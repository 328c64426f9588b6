"""Backorders on the in-memory unit of work: arriving stock (a receipt, a transfer in, a
cancelled order's release, an expiry by the sweeper) fills the item's pending backorders
strictly by priority then age, each reserving what it takes; processBackorders does the
same by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.reservations import ReferenceType, ReservationStatus
from domain.paging import PageRequest
from domain.sales.backorders import (
    BackorderFilter,
    BackorderFulfilled,
    BackorderPriority,
    BackorderStatus,
)
from domain.sales.order import ORDER_HOLD
from resolvers.inventory import ledger, levels
from resolvers.inventory.reservations import SWEEPER, expire_reservations
from resolvers.sales import backorders, fulfillment, queries
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal
from tests.use_cases.test_sales_orders import (  # noqa: F401 (shop_fixture: the fixture `shop`)
    CLERK,
    figures,
    line,
    order,
    shop_fixture,
)

Units = Callable[[], FakeUnitOfWork]
D = Decimal
P = BackorderPriority


async def backorder(
    uow: Units, clock: ManualClock, customer: str, quantity: str, priority: BackorderPriority
):
    clock.advance(timedelta(minutes=1))
    return await backorders.create_backorder(
        uow, clock, CLERK, customer, None, "OIL", "LOC-A", D(quantity), priority, None, None
    )


async def states(uow: Units) -> dict[str, BackorderStatus]:
    page = await backorders.backorders(uow, BackorderFilter(), PageRequest(0, 100))
    return {b.id: b.status for b in page.items}


async def test_a_receipt_fills_backorders_by_priority_then_age_as_far_as_stock_goes(
    uow: Units, clock: ManualClock, database: Database, shop: str
) -> None:
    await ledger.issue_stock(uow, clock, CLERK, "OIL", "LOC-A", D(10))
    await backorder(uow, clock, shop, "2", P.LOW)  # BO-001, oldest
    await backorder(uow, clock, shop, "3", P.HIGH)  # BO-002
    await backorder(uow, clock, shop, "4", P.URGENT)  # BO-003
    await backorder(uow, clock, shop, "1", P.HIGH)  # BO-004, younger than BO-002
    await backorder(uow, clock, shop, "2", P.MEDIUM)  # BO-005
    database.outbox.clear()

    item, _ = await ledger.receive_stock(uow, clock, CLERK, "OIL", "LOC-A", D(9), D(4))

    # URGENT 4, HIGH 3 (older), HIGH 1: 8 of 9; MEDIUM's 2 does not fit, so LOW waits too.
    assert await states(uow) == {
        "BO-001": BackorderStatus.PENDING,
        "BO-002": BackorderStatus.FULFILLED,
        "BO-003": BackorderStatus.FULFILLED,
        "BO-004": BackorderStatus.FULFILLED,
        "BO-005": BackorderStatus.PENDING,
    }
    assert (item.on_hand, item.reserved) == (9, 8)
    filled = [e for e in database.outbox if isinstance(e, BackorderFulfilled)]
    assert [(e.aggregate_id, e.reservation_id) for e in filled] == [
        ("BO-003", "BO-003-R"),
        ("BO-002", "BO-002-R"),
        ("BO-004", "BO-004-R"),
    ]
    [held] = await queries.reservations_by_id(uow, ["BO-003-R"])
    assert held is not None
    assert (held.quantity, held.reference_type, held.reference_id, held.status) == (
        4,
        ReferenceType.ORDER_LINE,
        "BO-003",
        ReservationStatus.ACTIVE,
    )

    await ledger.receive_stock(uow, clock, CLERK, "OIL", "LOC-A", D(3), D(4))
    assert set((await states(uow)).values()) == {BackorderStatus.FULFILLED}
    assert await figures(uow, "OIL") == (12, 12)


async def test_a_cancelled_orders_stock_fills_waiting_backorders(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "10"))).order
    assert placed is not None
    await backorder(uow, clock, shop, "6", P.MEDIUM)

    await fulfillment.cancel_order(uow, clock, CLERK, placed.id, 1, "Changed their mind")

    assert await states(uow) == {"BO-001": BackorderStatus.FULFILLED}
    assert await figures(uow, "OIL") == (10, 6)


async def test_an_expiry_by_the_sweeper_fills_waiting_backorders_with_the_stock_it_frees(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    placed = (await order(uow, clock, shop, line("OIL", "8"))).order
    assert placed is not None
    await backorder(uow, clock, shop, "5", P.HIGH)
    await backorder(uow, clock, shop, "6", P.LOW)
    assert await expire_reservations(uow, clock, "PART-OIL@LOC-A") == 0
    assert await states(uow) == {
        "BO-001": BackorderStatus.PENDING,
        "BO-002": BackorderStatus.PENDING,
    }

    clock.advance(ORDER_HOLD)
    assert await expire_reservations(uow, clock, "PART-OIL@LOC-A") == 1

    assert await states(uow) == {
        "BO-001": BackorderStatus.FULFILLED,
        "BO-002": BackorderStatus.PENDING,
    }
    assert await figures(uow, "OIL") == (10, 5)
    [held] = await queries.reservations_by_id(uow, ["BO-001-R"])
    assert held is not None and held.reserved_by == SWEEPER


async def test_process_backorders_fills_by_hand_and_reports_what_still_waits(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    await backorder(uow, clock, shop, "6", P.LOW)
    await backorder(uow, clock, shop, "5", P.LOW)
    assert set((await states(uow)).values()) == {BackorderStatus.PENDING}

    result = await backorders.process_backorders(uow, clock, CLERK, sku="oil")

    assert [b.id for b in result.fulfilled] == ["BO-001"]
    assert [b.id for b in result.still_pending] == ["BO-002"]
    assert await figures(uow, "OIL") == (10, 6)
    again = await backorders.process_backorders(uow, clock, CLERK)
    assert (again.fulfilled, [b.id for b in again.still_pending]) == ([], ["BO-002"])
    [level] = await levels.stock_levels(uow, "OIL", "LOC-A")
    assert level.available == 4


async def test_a_backorder_names_existing_parties_and_a_future_date(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    def create(**given: object):
        fields: dict = {
            "customer_id": shop,
            "product_id": None,
            "sku": "OIL",
            "location_id": "LOC-A",
            "quantity": D(1),
            "priority": P.HIGH,
            "expected": None,
            "order_id": None,
        } | given
        return backorders.create_backorder(uow, clock, CLERK, **fields)

    for given, expected in (
        ({"customer_id": "CUST-404"}, ("CUSTOMER_NOT_FOUND", "customerId")),
        ({"order_id": "SO-404"}, ("SALES_ORDER_NOT_FOUND", "orderId")),
        ({"sku": "NOPE"}, ("PART_NOT_FOUND", "sku")),
        ({"location_id": "LOC-X"}, ("LOCATION_NOT_FOUND", "locationId")),
        ({"quantity": D(0)}, ("BAD_USER_INPUT", "quantity")),
        ({"expected": date(2026, 3, 1)}, ("BAD_USER_INPUT", "expectedFulfillmentDate")),
    ):
        with pytest.raises(DomainError) as refused:
            await create(**given)
        assert refusal(refused) == [expected], given
    created = await create(expected=date(2026, 3, 20))
    assert (created.id, created.status, created.expected_fulfillment_date) == (
        "BO-001",
        BackorderStatus.PENDING,
        date(2026, 3, 20),
    )


async def test_the_backorder_report_totals_by_priority_and_status_and_times_the_fills(
    uow: Units, clock: ManualClock, shop: str
) -> None:
    await ledger.issue_stock(uow, clock, CLERK, "OIL", "LOC-A", D(10))
    await backorder(uow, clock, shop, "2", P.URGENT)  # 2 x 9.99, at 09:31
    await backorder(uow, clock, shop, "1", P.LOW)  # at 09:32
    await backorder(uow, clock, shop, "5", P.LOW)  # at 09:33
    clock.advance(timedelta(hours=3, minutes=27))  # 13:00
    await ledger.receive_stock(uow, clock, CLERK, "OIL", "LOC-A", D(3), D(4))

    report = await backorders.backorder_report_of(uow)

    assert (report.total_backorders, report.total_value) == (3, D("79.92"))
    assert [(p.value, t.count, t.value) for p, t in report.by_priority.items()] == [
        ("URGENT", 1, D("19.98")),
        ("HIGH", 0, D("0.00")),
        ("MEDIUM", 0, D("0.00")),
        ("LOW", 2, D("59.94")),
    ]
    assert {s.value: (t.count, t.value) for s, t in report.by_status.items()} == {
        "PENDING": (1, D("49.95")),
        "FULFILLED": (2, D("29.97")),
    }
    assert report.average_fulfillment_hours == D("3.48")  # 3h29m and 3h28m: 3.475
