"""Reading sales orders: one by id, a filtered page, and the reservations of their lines
(one statement for every line of a response)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.inventory.reservations import Reservation
from domain.paging import Page, PageRequest
from domain.sales.order import SalesOrder, SalesOrderFilter
from resolvers.changes import existing
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


async def sales_order(uow: UnitOfWorkFactory, order_id: str) -> SalesOrder:
    async with uow() as work:
        return await existing(work.sales_orders, order_id)


async def sales_orders(
    uow: UnitOfWorkFactory, wanted: SalesOrderFilter, request: PageRequest
) -> Page[SalesOrder]:
    async def rows(work: UnitOfWork) -> list[SalesOrder]:
        return await work.sales_orders.orders(wanted, request)

    async def total(work: UnitOfWork) -> int:
        return await work.sales_orders.count(wanted)

    return await paged(uow, request, rows, total)


async def orders_by_id(uow: UnitOfWorkFactory, order_ids: Sequence[str]) -> list[SalesOrder | None]:
    """Batch for every reference to a sales order (`Invoice.salesOrder`, ...)."""
    async with uow() as work:
        found = await work.sales_orders.get_many(order_ids)
    return [found.get(i) for i in order_ids]


async def reservations_by_id(
    uow: UnitOfWorkFactory, reservation_ids: Sequence[str]
) -> list[Reservation | None]:
    """Batch for `SalesOrderLine.reservation`."""
    async with uow() as work:
        found = await work.sales_orders.reservations(reservation_ids)
    return [found.get(i) for i in reservation_ids]
