"""Parts used on service orders and the stock ledger, on the in-memory unit of work: a usage
issues the part from the order's location (the order's reservations first), a short part
is recorded and alerted rather than refused, what the ledger does not keep moves nothing,
a declined part gives its stock back, and Inventory's PartsConsumed issues each part once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.inventory.events import ReservationConsumed, StockMoved, StockShortageDetected
from domain.inventory.movements import MovementKind
from domain.inventory.reservations import ReferenceType, ReservationStatus
from domain.inventory.stock import StockItem
from domain.paging import PageRequest
from domain.sales.backorders import BackorderFilter, BackorderPriority, BackorderStatus
from domain.service_orders.inbound import ConsumedPart, PartsConsumed
from domain.service_orders.order import ServiceOrder
from resolvers.catalog.use_cases import create_part
from resolvers.inventory import ledger, levels, reservations
from resolvers.sales import backorders
from resolvers.service_orders import work_sessions
from tests.use_cases import test_service_orders
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal
from tests.use_cases.test_service_orders import (
    LOCATION,
    PADS,
    Shop,
    about,
    applied,
    in_progress,
    stored,
)

Units = Callable[[], FakeUnitOfWork]
shop = test_service_orders.shop
"""The service-order tests' shop: a customer, a vehicle, LOC-001, a technician."""
TECH = "tech-1"
OIL = {"product_id": "PART-OIL", "sku": "OIL-5W30", "unit_price": Decimal("9.50"), "tax_code": None}


@pytest.fixture
async def order(uow: Units, clock: ManualClock, shop: Shop, database: Database) -> ServiceOrder:
    """An order in progress at LOC-001, which holds 10 litres of oil."""
    await create_part(
        uow, {"id": "PART-OIL", "sku": "OIL-5W30", "name": "Oil", "unit_price": Decimal("9.50")}
    )
    await ledger.receive_stock(uow, clock, "clerk", "OIL-5W30", LOCATION, Decimal(10), Decimal(4))
    started = await in_progress(uow, clock, shop)
    database.outbox.clear()
    return started


async def level(uow: Units) -> StockItem:
    return (await levels.stock_levels(uow, "OIL-5W30", LOCATION))[0]


async def use(
    uow: Units, clock: ManualClock, order: ServiceOrder, *parts: dict[str, Any]
) -> ServiceOrder:
    current = await stored(uow, order.id)
    return await work_sessions.record_parts_usage(
        uow, clock, TECH, order.id, current.version, list(parts)
    )


def oil(quantity: str, **fields: Any) -> dict[str, Any]:
    return {**OIL, "quantity": Decimal(quantity), **fields}


def stock_events(database: Database) -> list[Any]:
    return [
        e
        for e in database.outbox
        if isinstance(e, StockMoved | StockShortageDetected | ReservationConsumed)
    ]


async def test_a_stocked_part_used_leaves_the_orders_location_as_a_consumption(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    used = await use(uow, clock, order, oil("2.5"))

    [part] = (await stored(uow, order.id)).parts
    assert (part.issued_quantity, part.shortfall) == (Decimal("2.5"), Decimal(0))
    assert part == used.parts[0]
    assert ((await level(uow)).on_hand, (await level(uow)).reserved) == (Decimal("7.5"), 0)
    [moved] = stock_events(database)
    assert (moved.kind, moved.quantity, moved.reference, moved.recorded_by) == (
        MovementKind.CONSUMPTION,
        Decimal("-2.5"),
        order.id,
        TECH,
    )
    assert moved.movement_id == part.movement_id


async def test_what_was_reserved_for_the_order_is_consumed_first_and_no_one_elses(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    until = clock.now() + timedelta(days=1)

    async def reserve(quantity: str, reference_id: str) -> str:
        _, held = await reservations.reserve_stock(
            uow,
            clock,
            "clerk",
            "PART-OIL",
            None,
            LOCATION,
            Decimal(quantity),
            ReferenceType.SERVICE_ORDER,
            reference_id,
            until,
        )
        return held.id

    ours = await reserve("3", order.id)
    theirs = await reserve("5", "SO-OTHER")
    database.outbox.clear()

    await use(uow, clock, order, oil("2"))
    stock = await level(uow)
    assert (stock.on_hand, stock.reserved) == (Decimal(8), Decimal(5)), "ours ended, 1 given back"
    [moved, consumed] = stock_events(database)
    assert (consumed.reservation_id, consumed.consumed_quantity, consumed.released_quantity) == (
        ours,
        Decimal(2),
        Decimal(1),
    )
    assert consumed.movement_id == moved.movement_id

    database.outbox.clear()
    used = await use(uow, clock, order, oil("4"))
    assert (used.parts[-1].issued_quantity, used.parts[-1].shortfall) == (Decimal(3), Decimal(1))
    stock = await level(uow)
    assert (stock.on_hand, stock.reserved) == (Decimal(5), Decimal(5)), "SO-OTHER's 5 still held"
    [held] = stock.reservations
    assert (held.id, held.status) == (theirs, ReservationStatus.ACTIVE)


async def test_a_part_short_of_stock_is_recorded_and_alerted_never_taking_stock_below_zero(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    used = await use(uow, clock, order, oil("12"), oil("1"))

    assert [(p.issued_quantity, p.shortfall) for p in used.parts] == [
        (Decimal(10), Decimal(2)),
        (Decimal(0), Decimal(1)),
    ]
    assert (await level(uow)).on_hand == 0
    moved, *alerts = stock_events(database)
    assert (moved.kind, moved.quantity) == (MovementKind.CONSUMPTION, Decimal(-10))
    assert [(a.shortfall, a.reference, a.on_hand) for a in alerts] == [
        (None, None, Decimal(0)),  # the fall to the reorder point (0)
        (Decimal(2), order.id, Decimal(0)),
        (Decimal(1), order.id, Decimal(0)),
    ]
    assert used.parts[1].movement_id is None


async def test_services_unknown_parts_and_parts_declined_before_use_move_no_stock(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    used = await use(uow, clock, order, PADS, oil("1", declined=True))

    assert [(p.issued_quantity, p.shortfall, p.movement_id) for p in used.parts] == [
        (None, None, None),
        (None, None, None),
    ]
    assert (await level(uow)).on_hand == 10
    assert stock_events(database) == []


async def test_a_declined_part_gives_back_what_it_took(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    used = await use(uow, clock, order, oil("3"), PADS)
    oil_id, pads_id = (p.workorder_part_id for p in used.parts)
    database.outbox.clear()

    declined = await work_sessions.decline_part_usage(
        uow, clock, TECH, order.id, oil_id, used.version
    )

    part = (await stored(uow, order.id)).parts[0]
    assert part == declined.parts[0]
    assert (part.declined, part.billable_total, part.issued_quantity) == (
        True,
        Decimal("0.00"),
        Decimal(3),
    )
    assert (await level(uow)).on_hand == 10
    [returned] = stock_events(database)
    assert (returned.kind, returned.quantity, returned.reference, returned.movement_id) == (
        MovementKind.RETURN,
        Decimal(3),
        order.id,
        part.return_movement_id,
    )

    version = declined.version
    declined = await work_sessions.decline_part_usage(uow, clock, TECH, order.id, pads_id, version)
    assert declined.parts[1].declined and declined.parts[1].return_movement_id is None
    assert len(stock_events(database)) == 1, "pads move no stock"
    for part_id, code in ((oil_id, "PART_ALREADY_DECLINED"), ("WOP-404", "PART_USAGE_NOT_FOUND")):
        with pytest.raises(DomainError) as refused:
            await work_sessions.decline_part_usage(
                uow, clock, TECH, order.id, part_id, declined.version
            )
        assert refusal(refused) == [(code, "workorderPartId")]
    assert (await level(uow)).on_hand == 10


async def test_a_refused_usage_issues_nothing(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    with pytest.raises(DomainError) as refused:
        await use(uow, clock, order, oil("1"), oil("0"))
    assert refusal(refused) == [("BAD_USER_INPUT", "quantity")]
    with pytest.raises(DomainError) as refused:
        await use(
            uow, clock, order, oil("1", workorder_part_id="X"), oil("1", workorder_part_id="X")
        )
    assert refusal(refused) == [("DUPLICATE_ID", "workorderPartId")]
    assert ((await level(uow)).on_hand, (await stored(uow, order.id)).parts) == (10, [])
    assert stock_events(database) == []


async def test_inventorys_parts_consumed_issues_each_part_once(
    uow: Units, clock: ManualClock, database: Database, order: ServiceOrder
) -> None:
    line = ConsumedPart("WOP-INV-1", "PART-OIL", "OIL-5W30", Decimal(2), Decimal("9.50"))
    told = clock.now() - timedelta(minutes=5)

    def consumed(*parts: ConsumedPart) -> PartsConsumed:
        return PartsConsumed(**about(order.id, told), service_order_id=order.id, parts=parts)

    await applied(uow, consumed(line))
    await applied(uow, consumed(line))
    await applied(uow, consumed(line, replace(line, workorder_part_id="WOP-INV-2")))

    assert (await level(uow)).on_hand == 6
    moves = [e for e in stock_events(database) if isinstance(e, StockMoved)]
    assert [(m.quantity, m.recorded_by, m.occurred_at) for m in moves] == [
        (Decimal(-2), "inventory", told),
        (Decimal(-2), "inventory", told),
    ]
    parts = (await stored(uow, order.id)).parts
    assert [p.movement_id for p in parts] == [m.movement_id for m in moves]


async def test_stock_a_declined_part_gives_back_fills_a_waiting_backorder(
    uow: Units, clock: ManualClock, shop: Shop, order: ServiceOrder
) -> None:
    used = await use(uow, clock, order, oil("10"))
    backorder = await backorders.create_backorder(
        uow,
        clock,
        "clerk",
        shop.customer,
        None,
        "OIL-5W30",
        LOCATION,
        Decimal(4),
        BackorderPriority.HIGH,
        None,
        None,
    )
    assert backorder.status is BackorderStatus.PENDING

    await work_sessions.decline_part_usage(
        uow, clock, TECH, order.id, used.parts[0].workorder_part_id, used.version
    )

    page = await backorders.backorders(uow, BackorderFilter(), PageRequest(0, 20))
    [filled] = page.items
    assert (filled.id, filled.status) == (backorder.id, BackorderStatus.FULFILLED)
    assert ((await level(uow)).on_hand, (await level(uow)).reserved) == (10, 4)
