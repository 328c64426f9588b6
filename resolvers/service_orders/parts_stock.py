"""Parts used on a service order leave the stock of the order's location.

Issued when the usage is recorded, in its unit of work (docs/inventory.md, "Parts used
on service orders"): a CONSUMPTION movement per part, taking first what was reserved
for the order (`SERVICE_ORDER` reservations with the order's id) and then what is
available. Usage is fail-open as seed 001 has it: a part the technician used is
recorded even when the ledger has too few, and the shortfall is published as a
`stock_shortage_alert` instead of refusing the work. Parts the catalog does not stock
(services, sublet work, parts keyed by hand) move no stock; nor does a part declined
before it was used. Declining a part later gives back what it took (a RETURN), which
fills waiting backorders of that part and location as a receipt does.

Locks are always taken in one order: the service order's row first (the mutations lock
it as Inventory's inbound handler does, still checking the client's version), then the
stock items in id order, as transfers lock theirs; so a usage, an inbound event of the
same order and a transfer of the same parts queue behind each other, never deadlock.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import StockItem, plain, stock_id
from domain.service_orders.order import ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from resolvers.ports import UnitOfWork
from resolvers.sales.backorder_filling import fill_backorders

log = logging.getLogger("gateway.service_orders")
FOR_ORDER = ReferenceType.SERVICE_ORDER


async def _stock_of(
    work: UnitOfWork, location_id: str, product_ids: set[str]
) -> dict[str, StockItem]:
    """The locked stock items of those parts the catalog stocks, locked in id order so
    two usages of the same parts queue instead of deadlocking."""
    stocked = sorted(
        [
            stock_id(product_id, location_id)
            for product_id in product_ids
            if await work.parts.exists(product_id)
        ]
    )
    items: dict[str, StockItem] = {}
    for item_id in stocked:
        item = await work.stock.get(item_id, lock=True)
        assert item is not None, "the part exists"
        items[item.product_id] = item
    return items


async def issue_parts(
    work: UnitOfWork, order: ServiceOrder, parts: Sequence[PartUsage], by: str, now: datetime
) -> None:
    """Issue the parts just recorded on `order` from its location's stock."""
    used = [p for p in parts if not p.declined]
    items = await _stock_of(work, order.location_id, {p.product_id for p in used})
    for part in used:
        item = items.get(part.product_id)
        if item is None:
            continue
        movement, shortfall = item.consume_for_work(FOR_ORDER, order.id, part.quantity, by, now)
        order.record_stock_issue(
            part.workorder_part_id,
            part.quantity - shortfall,
            None if movement is None else movement.id,
        )
        if shortfall:
            log.warning(
                "%s used %s of %s at %s beyond its stock; shortage alerted",
                order.id,
                plain(shortfall),
                item.sku,
                item.location_id,
            )


async def return_part(
    work: UnitOfWork, order: ServiceOrder, part: PartUsage, by: str, now: datetime
) -> None:
    """Give back what a declined part took from stock (nothing if it took none)."""
    if not part.issued_quantity:
        return
    items = await _stock_of(work, order.location_id, {part.product_id})
    item = items.get(part.product_id)
    if item is None:
        return
    movement = item.take_back(part.issued_quantity, order.id, by, now)
    order.record_stock_return(part.workorder_part_id, movement.id)
    await fill_backorders(work, item, by, now)
