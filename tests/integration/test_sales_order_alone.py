"""An order written alone on PostgreSQL: its terms, catalog and items read by one
statement, then one statement outside any transaction that writes the order, its items
and its events, or nothing at all when the customer's standing or an item changed after
they were read; the transaction then decides again, under the number already taken."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.customers import Customer
from domain.identity import Principal
from domain.inventory.tiers import CustomerTier
from domain.receivables.credit_control import BlockedCustomer
from domain.sales.order import ShippingAddress
from persistence.repositories.sales.terms import OrderTerms
from persistence.unit_of_work import UnitOfWork
from resolvers.catalog.use_cases import create_part
from resolvers.customers.use_cases import create_customer
from resolvers.inventory.ledger import receive_stock
from resolvers.inventory.pricing import set_customer_tier
from resolvers.locations.use_cases import create_location
from resolvers.receivables.credit_control import block_customer
from resolvers.sales import orders
from resolvers.sales.orders import OrderProcessing, OrderProcessingStatus, RequestedLine

D = Decimal
ADDRESS = ShippingAddress("1 Main St", "Springfield", "12345", "US")
SUCCESS, SHORT = OrderProcessingStatus.SUCCESS, OrderProcessingStatus.INSUFFICIENT_INVENTORY


async def stocked(
    uow: Callable[[], UnitOfWork], clock: ManualClock, on_hand: str
) -> tuple[Customer, Customer]:
    """Two customers, and `on_hand` units of OIL-1 at LOC-001."""
    await create_location(uow, {"id": "LOC-001", "name": "Shop"})
    await create_part(uow, {"sku": "OIL-1", "name": "Oil", "unit_price": D("5.00")})
    await receive_stock(uow, clock, "clerk", "OIL-1", "LOC-001", D(on_hand), D("2.00"))
    return (
        await create_customer(uow, clock, {"name": "Fleet Co"}),
        await create_customer(uow, clock, {"name": "Other Co"}),
    )


async def order(
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    customer: Customer,
    quantity: str,
) -> OrderProcessing:
    lines = [RequestedLine("LOC-001", D(quantity), sku="OIL-1")]
    return await orders.process_order(uow, clock, "clerk", customer.id, lines, ADDRESS, alone=alone)


def between_the_statements(
    monkeypatch: pytest.MonkeyPatch, act: Callable[[], Awaitable[Any]]
) -> list[Any]:
    """Run `act` once, after the next order written alone has read what it decides on
    and before it writes; what it gave, once it ran."""
    read = OrderTerms.terms_with_items
    started: list[bool] = []
    acted: list[Any] = []

    async def interleaved(self: OrderTerms, *args: Any) -> Any:
        found = await read(self, *args)
        if not started:
            started.append(True)
            acted.append(await act())
        return found

    monkeypatch.setattr(OrderTerms, "terms_with_items", interleaved)
    return acted


async def stored(engine: AsyncEngine, tenant: str) -> dict[str, Any]:
    """The orders, the reservations, the level's figures and the events of orders and
    reservations, as the tables hold them."""
    queries = {
        "orders": "SELECT count(*) FROM sales_orders WHERE tenant_id = :t",
        "lines": "SELECT count(*) FROM sales_order_lines WHERE tenant_id = :t",
        "reservations": "SELECT count(*) FROM stock_reservations WHERE tenant_id = :t "
        "AND status = 'ACTIVE'",
        "held": "SELECT coalesce(sum(quantity), 0) FROM stock_reservations WHERE tenant_id = :t "
        "AND status = 'ACTIVE'",
        "level": "SELECT on_hand || '/' || reserved FROM stock_levels WHERE tenant_id = :t",
        "events": "SELECT string_agg(event_type, ',' ORDER BY sequence) FROM outbox "
        "WHERE tenant_id = :t AND (aggregate_type = 'sales_order' "
        "OR event_type = 'StockReserved')",
    }
    async with engine.connect() as connection:
        return {
            name: await connection.scalar(text(query), {"t": tenant})
            for name, query in queries.items()
        }


async def test_an_order_alone_writes_the_order_its_item_and_its_events_once(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
) -> None:
    fleet, _ = await stocked(uow, clock, "5")
    taken = await order(uow, alone, clock, fleet, "2")
    assert taken.status is SUCCESS and taken.order is not None
    assert taken.order.version == 1 and not taken.order.events
    now = await stored(engine, tenant)
    assert now["orders"] == now["lines"] == now["reservations"] == 1
    assert (now["held"], now["level"]) == (D("2"), "5.0000/2.0000")
    assert now["events"] == "StockReserved,SalesOrderInventoryAllocated"


async def test_an_item_changed_between_the_statements_sends_the_order_to_the_transaction(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fleet, other = await stocked(uow, clock, "5")
    plain = await order(uow, alone, clock, other, "1")
    assert plain.status is SUCCESS and plain.order is not None
    events_of_one = (await stored(engine, tenant))["events"]
    acted = between_the_statements(
        monkeypatch,
        lambda: receive_stock(uow, clock, "clerk", "OIL-1", "LOC-001", D("3"), D("2.00")),
    )
    taken = await order(uow, alone, clock, fleet, "2")
    assert acted, "the receipt came between the two statements"
    assert taken.status is SUCCESS and taken.order is not None
    assert (plain.order.id, taken.order.id) == ("SO-001", "SO-002"), "no number lost"
    now = await stored(engine, tenant)
    assert now["orders"] == now["lines"] == now["reservations"] == 2
    assert (now["held"], now["level"]) == (D("3"), "8.0000/3.0000")
    assert now["events"] == f"{events_of_one},{events_of_one}", "each event written once"


async def test_a_customer_blocked_between_the_statements_is_refused_and_nothing_is_written(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fleet, _ = await stocked(uow, clock, "5")
    before = await stored(engine, tenant)
    controller = Principal("controller", tenant, frozenset({"*"}))
    acted = between_the_statements(
        monkeypatch, lambda: block_customer(uow, clock, controller, fleet.id, "Cheque bounced")
    )
    with pytest.raises(BlockedCustomer):
        await order(uow, alone, clock, fleet, "2")
    assert acted, "the block came between the two statements"
    assert await stored(engine, tenant) == before


async def test_of_two_customers_ordering_the_last_units_at_once_one_is_served(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fleet, other = await stocked(uow, clock, "3")
    acted = between_the_statements(monkeypatch, lambda: order(uow, alone, clock, other, "3"))
    late = await order(uow, alone, clock, fleet, "3")
    [first] = acted
    assert (first.status, late.status) == (SUCCESS, SHORT)
    assert [(i.required, i.available) for i in late.unavailable_items] == [(D("3"), D("0"))]
    now = await stored(engine, tenant)
    assert now["orders"] == now["reservations"] == 1
    assert (now["held"], now["level"]) == (D("3"), "3.0000/3.0000")
    # The late order's number went back to the block: the next order takes it.
    await receive_stock(uow, clock, "clerk", "OIL-1", "LOC-001", D("1"), D("2.00"))
    next_one = await order(uow, alone, clock, fleet, "1")
    assert first.order is not None and next_one.order is not None
    assert (first.order.id, next_one.order.id) == ("SO-001", "SO-002")


async def test_an_order_is_priced_at_the_tier_its_customer_has_when_it_is_written(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The tier moved between the statements: the transaction prices the order again."""
    fleet, _ = await stocked(uow, clock, "5")
    before = await order(uow, alone, clock, fleet, "1")
    acted = between_the_statements(
        monkeypatch,
        lambda: set_customer_tier(uow, clock, fleet.id, CustomerTier.GOLD, fleet.version),
    )
    moved = await order(uow, alone, clock, fleet, "1")
    assert acted, "the tier moved between the two statements"
    after = await order(uow, alone, clock, fleet, "1")
    prices = [o.order.lines[0].unit_price for o in (before, moved, after) if o.order is not None]
    assert prices[1] == prices[2] < prices[0], prices
