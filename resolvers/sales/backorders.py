"""Backorders: recorded for a shortfall, filled by priority then age when stock arrives
(resolvers/sales/backorder_filling.py), or by hand with `processBackorders`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.errors import collect
from domain.inventory.movements import check_quantity
from domain.inventory.stock import stock_id
from domain.paging import Page, PageRequest
from domain.sales.backorder_report import BackorderReport, backorder_report
from domain.sales.backorders import (
    Backorder,
    BackorderFilter,
    BackorderPriority,
    check_expected_date,
)
from domain.sales.order import SalesOrderNotFound
from resolvers.changes import existing
from resolvers.inventory.ledger import location_must_exist
from resolvers.inventory.pricing import named_part, prices_for
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.sales.backorder_filling import fill_backorders

BACKORDER_SERIES = "BO"


@dataclass(frozen=True, slots=True)
class BackorderProcessing:
    """Seed 004's `BackorderProcessingResult`."""

    fulfilled: list[Backorder]
    still_pending: list[Backorder]


async def create_backorder(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    customer_id: str,
    product_id: str | None,
    sku: str | None,
    location_id: str,
    quantity: Decimal,
    priority: BackorderPriority,
    expected: date | None,
    order_id: str | None,
) -> Backorder:
    """A PENDING backorder; it is filled when stock of its part arrives at its location
    (or `processBackorders` runs), not at once."""
    collect(check_quantity(quantity), check_expected_date(expected, clock.now()))
    async with uow() as work:
        customer = await work.customers.get(customer_id)
        if customer is None:
            raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
        if order_id is not None and not await work.sales_orders.exists(order_id):
            raise SalesOrderNotFound(order_id)
        part = await named_part(work, product_id, sku, "")
        await location_must_exist(work, location_id, "locationId")
        [price] = await prices_for(work, customer, [part])
        backorder = Backorder.create(
            await work.naming.next_id(BACKORDER_SERIES),
            work.tenant_id,
            customer_id,
            part.id,
            part.sku,
            location_id,
            quantity,
            price.customer_price,
            priority,
            expected,
            order_id,
            by,
            clock.now(),
        )
        await work.backorders.add(backorder)
        await work.commit()
        return backorder


async def process_backorders(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: str,
    sku: str | None = None,
    location_id: str | None = None,
) -> BackorderProcessing:
    """Fill what the stock allows now, of every item with pending backorders (or of
    `sku` and/or `location_id`), the items locked in (product, location) order."""
    async with uow() as work:
        product_id = None if sku is None else (await named_part(work, None, sku, "")).id
        now = clock.now()
        fulfilled: list[Backorder] = []
        for pair in await work.backorders.pending_items(product_id, location_id):
            item = await existing(work.stock, stock_id(*pair), lock=True)
            fulfilled += await fill_backorders(work, item, by, now)
        await work.commit()
    async with uow() as work:
        waiting = [
            backorder
            for pair in await work.backorders.pending_items(product_id, location_id)
            for backorder in await work.backorders.queue_of_item(*pair)
        ]
    return BackorderProcessing(fulfilled, waiting)


async def backorders(
    uow: UnitOfWorkFactory, wanted: BackorderFilter, request: PageRequest
) -> Page[Backorder]:
    async def rows(work: UnitOfWork) -> list[Backorder]:
        return await work.backorders.backorders(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.backorders.count(wanted)

    return await paged(uow, request, rows, total)


async def backorder_report_of(uow: UnitOfWorkFactory) -> BackorderReport:
    async with uow() as work:
        return backorder_report(await work.backorders.report_groups())


async def backorders_of_orders(
    uow: UnitOfWorkFactory, order_ids: Sequence[str]
) -> list[list[Backorder]]:
    """Batch for `SalesOrder.backorders`: one statement for every order of a response."""
    async with uow() as work:
        found = await work.backorders.of_orders(order_ids)
    return [found[i] for i in order_ids]
