"""Filling an item's pending backorders from what it has available, in the unit of work
that made the stock available (a receipt, a transfer in, a release, a cancelled order)
or by hand (`processBackorders`).

The item must be locked by the caller: the backorders are read after its row lock is
taken, so two arrivals of one item fill its queue one after the other, each from what
the other left. Strictly by priority then age: the first backorder that does not fit
stops the round (a smaller, lower-priority one never jumps it). Each filled backorder
reserves all it needs (reference type ORDER_LINE, `referenceId` the backorder's id)
for the hold an order's line gets.
"""

from __future__ import annotations

from datetime import datetime

from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import StockItem
from domain.sales.backorders import Backorder
from domain.sales.order import ORDER_HOLD
from resolvers.ports import UnitOfWork


async def fill_backorders(
    work: UnitOfWork, item: StockItem, by: str, now: datetime
) -> list[Backorder]:
    """The backorders of `item` (locked) it could fill now, filled; the rest wait."""
    queue = await work.backorders.queue_of_item(item.product_id, item.location_id)
    if not queue:
        return []
    item.expire_due(now)
    filled: list[Backorder] = []
    for backorder in queue:
        if backorder.quantity > item.available:
            break
        reservation_id = backorder.fulfill(now)
        item.reserve(
            reservation_id,
            backorder.quantity,
            ReferenceType.ORDER_LINE,
            backorder.id,
            now + ORDER_HOLD,
            by,
            now,
        )
        filled.append(backorder)
    return filled
