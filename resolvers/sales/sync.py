"""Order-inventory sync (seed 004, 3.2): an allocated order's lines compared with their
reservations, and what drifted repaired where the stock allows.

A line's reservation may have ended without the order moving: it expired (the order
waited past its hold) or someone released it by hand. Sync holds the line again with a
new reservation if the stock is there, or reports it still short; the order's own state
does not change. Like the stock commands it takes no version: it decides on the latest
figures, under the order's row lock and then its stock items' (sorted), as every sales
use case locks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import Clock
from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import stock_id
from domain.paging import PageRequest
from domain.sales.events import LineReservedAgain, LineStillShort
from domain.sales.order import (
    ORDER_HOLD,
    SalesOrder,
    SalesOrderFilter,
    line_reference,
    reservation_of_line_again,
)
from domain.sales.status import OrderStatus
from resolvers.changes import changing, existing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

SYNC_PAGE = 100


@dataclass(frozen=True, slots=True)
class OrderSync:
    order: SalesOrder
    reserved_again: list[LineReservedAgain]
    still_short: list[LineStillShort]

    @property
    def drifted(self) -> bool:
        return bool(self.reserved_again or self.still_short)


async def _sync(work: UnitOfWork, order: SalesOrder, by: str, now: datetime) -> OrderSync:
    again: list[LineReservedAgain] = []
    short: list[LineStillShort] = []
    if order.status is not OrderStatus.INVENTORY_ALLOCATED:
        return OrderSync(order, again, short)
    for line in order.lines_by_stock():
        item = await existing(work.stock, stock_id(*line.pair), lock=True)
        item.expire_due(now)
        if item.reservation(line.reservation_id) is not None:
            continue
        if line.quantity > item.available:
            short.append(
                LineStillShort(
                    line.line_number, line.sku, line.location_id, line.quantity, item.available
                )
            )
            continue
        held = reservation_of_line_again(order.id, line.line_number, order.version + 1)
        item.reserve(
            held,
            line.quantity,
            ReferenceType.ORDER_LINE,
            line_reference(order.id, line.line_number),
            now + ORDER_HOLD,
            by,
            now,
        )
        order.reserve_line_again(line.line_number, held)
        again.append(LineReservedAgain(line.line_number, line.sku, line.reservation_id, held))
    order.record_sync(again, short, by, now)
    return OrderSync(order, sorted(again, key=_line), sorted(short, key=_line))


def _line(found: LineReservedAgain | LineStillShort) -> int:
    return found.line_number


async def sync_order_with_inventory(
    uow: UnitOfWorkFactory, clock: Clock, by: str, order_id: str
) -> OrderSync:
    async with uow() as work:
        async with changing(work.sales_orders, order_id, None, lock=True) as order:
            synced = await _sync(work, order, by, clock.now())
        await work.commit()
        return synced


async def sync_all_pending_orders(uow: UnitOfWorkFactory, clock: Clock, by: str) -> list[OrderSync]:
    """Every INVENTORY_ALLOCATED order synced, each in a unit of work of its own (one
    order's trouble does not hold the others back); the ones that had drifted."""
    allocated = SalesOrderFilter(status=OrderStatus.INVENTORY_ALLOCATED)
    order_ids: list[str] = []
    page = 0
    while True:
        async with uow() as work:
            found = await work.sales_orders.orders(allocated, PageRequest(page, SYNC_PAGE))
        order_ids += [order.id for order in found[:SYNC_PAGE]]
        if len(found) <= SYNC_PAGE:
            break
        page += 1
    synced = [await sync_order_with_inventory(uow, clock, by, i) for i in order_ids]
    return [s for s in synced if s.drifted]
