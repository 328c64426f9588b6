"""Parts used on a service order leave the stock of the order's location.

Issued when the usage is recorded, in its unit of work (docs/inventory.md, "Parts used
on service orders"): a CONSUMPTION movement per part, taking first what was reserved
for the order (`SERVICE_ORDER` reservations with the order's id) and then what is
available. Usage is fail-open as seed 001 has it: a part the technician used is
recorded even when the ledger has too few, and the shortfall is published as a
`stock_shortage_alert` instead of refusing the work. A part is the catalog's by its
product id or, failing that, its SKU; one the catalog has under neither (nor as a
service) is refused. Services move no stock; nor does a part declined before it was
used. Declining a part later gives back what it took (a RETURN), which
fills waiting backorders of that part and location as a receipt does.

Locks are always taken in one order: the service order's row first (the mutations lock
it as Inventory's inbound handler does, still checking the client's version), then the
stock items in id order, as transfers lock theirs; so a usage, an inbound event of the
same order and a transfer of the same parts queue behind each other, never deadlock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from domain.catalog import PartNotFound, normalize_sku
from domain.inventory.reservations import ReferenceType
from domain.inventory.stock import StockItem, plain, stock_id
from domain.service_orders.order import ServiceOrder
from domain.service_orders.parts_usage import PartUsage
from resolvers.ports import UnitOfWork
from resolvers.sales.backorder_filling import fill_backorders

log = logging.getLogger("gateway.service_orders")
FOR_ORDER = ReferenceType.SERVICE_ORDER


Catalog = Mapping[str, str | None]
"""A usage's product id -> the catalog part its stock is kept under (None: not a part)."""


async def catalog_parts(work: UnitOfWork, parts: Sequence[PartUsage]) -> Catalog:
    """The catalog part each usage names: by its product id, else by its SKU (Inventory's
    product ids need not be the catalog's: seed 001's PROD-BRAKE-PAD is the catalog's
    BRK-PAD-F); None for what the catalog keeps no stock of. Read once per change."""
    found: dict[str, str | None] = {}
    for part in parts:
        if part.product_id not in found:
            found[part.product_id] = (
                part.product_id
                if await work.parts.exists(part.product_id)
                else await work.parts.holder_of_sku(normalize_sku(part.sku))
            )
    return found


async def unknown_to_the_catalog(
    work: UnitOfWork, parts: Sequence[PartUsage], catalog: Catalog
) -> list[PartNotFound | None]:
    """PART_NOT_FOUND for each usage naming neither a catalog part (by id or SKU) nor a
    catalog service: stock cannot be kept, nor the bill priced, for what nobody sells."""
    return [
        None
        if catalog[part.product_id] or await work.services.exists(part.product_id)
        else PartNotFound(
            f"Product '{part.product_id}' (SKU '{part.sku}') is not in the catalog: add the "
            "part first, or record it by the catalog's productId or SKU.",
            field=f"parts.{n}.productId",
        )
        for n, part in enumerate(parts)
    ]


async def _stock_of(work: UnitOfWork, location_id: str, catalog: Catalog) -> dict[str, StockItem]:
    """The locked stock items of the parts the catalog stocks, by the usage's product id,
    locked in id order so two usages of the same parts queue instead of deadlocking."""
    items: dict[str, StockItem] = {}
    for item_id, used_as in sorted(
        (stock_id(product_id, location_id), used_as)
        for used_as, product_id in catalog.items()
        if product_id is not None
    ):
        item = await work.stock.get(item_id, lock=True)
        assert item is not None, "the part exists"
        items[used_as] = item
    return items


async def issue_parts(
    work: UnitOfWork,
    order: ServiceOrder,
    parts: Sequence[PartUsage],
    catalog: Catalog,
    by: str,
    now: datetime,
) -> None:
    """Issue the parts just recorded on `order` from its location's stock."""
    used = [p for p in parts if not p.declined]
    items = await _stock_of(
        work, order.location_id, {p.product_id: catalog[p.product_id] for p in used}
    )
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
    items = await _stock_of(work, order.location_id, await catalog_parts(work, [part]))
    item = items.get(part.product_id)
    if item is None:
        return
    movement = item.take_back(part.issued_quantity, order.id, by, now)
    order.record_stock_return(part.workorder_part_id, movement.id)
    await fill_backorders(work, item, by, now)
