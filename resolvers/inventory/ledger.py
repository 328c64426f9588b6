"""Stock commands: receive, issue, adjust, transfer, set a reorder point.

Quantities are not edits of a record the client read, so receive, issue, adjust and
transfer take no version: each decides on the latest figures under the pair's row lock
(`changing(..., None, lock=True)`), and of fifty clients issuing the last ten units
exactly ten succeed and the rest are INSUFFICIENT_STOCK. A reorder point is such an edit
and takes the version read (docs/decisions.md, "One way to change an aggregate").
"""

from __future__ import annotations

from decimal import Decimal

from domain.catalog import PartNotFound, normalize_sku
from domain.clock import Clock
from domain.inventory.movements import StockMovement
from domain.inventory.stock import StockItem, stock_id, transfer
from domain.locations import LocationNotFound
from resolvers.changes import changing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.sales.backorder_filling import fill_backorders


async def part_of_sku(work: UnitOfWork, sku: str) -> str:
    """The product id of the part with `sku`, or PART_NOT_FOUND."""
    product_id = await work.parts.holder_of_sku(normalize_sku(sku))
    if product_id is None:
        raise PartNotFound(
            f"No part has SKU '{sku}'; add it to the catalog before stocking it.", field="sku"
        )
    return product_id


async def location_must_exist(work: UnitOfWork, location_id: str, field: str) -> None:
    if not await work.locations.exists(location_id):
        raise LocationNotFound(f"Location '{location_id}' was not found.", field=field)


async def _pair(work: UnitOfWork, sku: str, location_id: str, field: str = "locationId") -> str:
    product_id = await part_of_sku(work, sku)
    await location_must_exist(work, location_id, field)
    return stock_id(product_id, location_id)


async def receive_stock(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    sku: str,
    location_id: str,
    quantity: Decimal,
    unit_cost: Decimal | None,
    reference: str | None = None,
) -> tuple[StockItem, StockMovement]:
    async with uow() as work:
        item_id = await _pair(work, sku, location_id)
        async with changing(work.stock, item_id, None, lock=True) as item:
            now = clock.now()
            movement = item.receive(quantity, unit_cost, reference, by, now)
            await fill_backorders(work, item, by, now)
        await work.commit()
        return item, movement


async def issue_stock(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    sku: str,
    location_id: str,
    quantity: Decimal,
    reference: str | None = None,
    unit_cost: Decimal | None = None,
) -> tuple[StockItem, StockMovement]:
    async with uow() as work:
        item_id = await _pair(work, sku, location_id)
        async with changing(work.stock, item_id, None, lock=True) as item:
            movement = item.issue(quantity, reference, by, clock.now(), unit_cost)
        await work.commit()
        return item, movement


async def adjust_stock(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    sku: str,
    location_id: str,
    change: Decimal,
    reason: str | None,
    reference: str | None = None,
) -> tuple[StockItem, StockMovement]:
    async with uow() as work:
        item_id = await _pair(work, sku, location_id)
        async with changing(work.stock, item_id, None, lock=True) as item:
            movement = item.adjust(change, reason, reference, by, clock.now())
        await work.commit()
        return item, movement


async def transfer_stock(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    sku: str,
    from_location_id: str,
    to_location_id: str,
    quantity: Decimal,
    reference: str | None = None,
    unit_cost: Decimal | None = None,
) -> tuple[StockItem, StockItem, StockMovement, StockMovement]:
    """Both legs in one unit of work. The two rows are locked in id order, so two
    transfers between the same locations in opposite directions cannot deadlock."""
    async with uow() as work:
        source_id = await _pair(work, sku, from_location_id, "fromLocationId")
        target_id = await _pair(work, sku, to_location_id, "toLocationId")
        first, second = sorted((source_id, target_id))
        async with (
            changing(work.stock, first, None, lock=True) as one,
            changing(work.stock, second, None, lock=True) as other,
        ):
            source, target = (one, other) if first == source_id else (other, one)
            now = clock.now()
            out, into = transfer(source, target, quantity, unit_cost, reference, by, now)
            await fill_backorders(work, target, by, now)
        await work.commit()
        return source, target, out, into


async def set_reorder_point(
    uow: UnitOfWorkFactory,
    clock: Clock,
    sku: str,
    location_id: str,
    reorder_point: Decimal,
    version: int,
    lead_time_days: int | None = None,
) -> StockItem:
    """A pair never stocked is at version 0; setting its point stores it. No lead time
    keeps the one it has."""
    async with uow() as work:
        item_id = await _pair(work, sku, location_id)
        async with changing(work.stock, item_id, version) as item:
            item.set_reorder_point(reorder_point, clock.now(), lead_time_days)
        await work.commit()
        return item
