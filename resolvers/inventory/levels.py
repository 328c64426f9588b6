"""Reading stock: levels of a part, the ledger, and the batches of the graph's loaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from domain.inventory.movements import MovementFilter, MovementKind, StockMovement
from domain.inventory.stock import StockItem, stock_id
from domain.paging import Page, PageRequest
from resolvers.changes import existing
from resolvers.inventory.ledger import location_must_exist, part_of_sku
from resolvers.paging import paged, per_parent
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


async def stock_levels(
    uow: UnitOfWorkFactory, sku: str, location_id: str | None
) -> list[StockItem]:
    """The part's level at every location that stocks it, or at `location_id` only (an
    empty level at version 0 if it was never stocked there)."""
    async with uow() as work:
        product_id = await part_of_sku(work, sku)
        if location_id is None:
            return (await work.stock.levels_of_products([product_id]))[product_id]
        await location_must_exist(work, location_id, "locationId")
        return [await existing(work.stock, stock_id(product_id, location_id))]


async def stock_movements(
    uow: UnitOfWorkFactory,
    request: PageRequest,
    *,
    sku: str | None = None,
    location_id: str | None = None,
    reference: str | None = None,
    kind: MovementKind | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[StockMovement]:
    wanted = MovementFilter(None, location_id, reference, kind, since, until)
    if sku is not None:
        async with uow() as work:
            wanted = replace(wanted, product_id=await part_of_sku(work, sku))

    async def rows(work: UnitOfWork) -> list[StockMovement]:
        return await work.stock_ledger.movements(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.stock_ledger.count(wanted)

    return await paged(uow, request, rows, total)


async def levels_by_product(
    uow: UnitOfWorkFactory, product_ids: Sequence[str]
) -> list[list[StockItem]]:
    """Batch for `Part.stock`: one statement for every part of a request."""
    async with uow() as work:
        found = await work.stock.levels_of_products(product_ids)
    return [found[i] for i in product_ids]


async def levels_by_location(
    uow: UnitOfWorkFactory, keys: Sequence[tuple[PageRequest, str]]
) -> list[list[StockItem]]:
    """Batch for `Location.stock`: one statement per page size and index asked."""
    async with uow() as work:
        return await per_parent(
            keys, lambda request, locations: work.stock.levels_at_locations(locations, request)
        )


async def movements_by_id(
    uow: UnitOfWorkFactory, movement_ids: Sequence[str]
) -> list[StockMovement | None]:
    """Batch for the movements of `PartUsage`: one statement for every part of a request."""
    async with uow() as work:
        found = await work.stock_ledger.by_ids(movement_ids)
    return [found.get(i) for i in movement_ids]
