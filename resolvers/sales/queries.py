"""Reading sales orders: one by id, a filtered page, and the reservations of their lines
(one statement for every line of a response)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.inventory.reservations import Reservation
from domain.paging import Page, PageRequest
from domain.sales.order import SalesOrder, SalesOrderFilter
from resolvers.changes import existing
from resolvers.paging import paged, per_parent
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


CustomerPagesAsked = tuple[SalesOrderFilter, PageRequest]


async def customer_order_pages(
    uow: UnitOfWorkFactory, keys: Sequence[tuple[CustomerPagesAsked, str]]
) -> list[list[SalesOrder]]:
    """Batch for `Customer.salesOrders`: one page (and one order more) per customer, in a
    statement per distinct page and status plus one for their lines."""
    async with uow() as work:
        return await per_parent(
            keys,
            lambda asked, ids: work.sales_orders.pages_of_customers(ids, asked[0], asked[1]),
        )


async def customer_order_counts(
    uow: UnitOfWorkFactory, keys: Sequence[tuple[SalesOrderFilter, str]]
) -> list[int]:
    """Batch for that list's `totalCount`: one statement per distinct status."""
    async with uow() as work:
        return await per_parent(
            keys, lambda wanted, ids: work.sales_orders.counts_of_customers(ids, wanted)
        )


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
