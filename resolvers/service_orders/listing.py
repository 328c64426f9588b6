"""Each customer's, vehicle's or location's service orders, and the technician of an
order, through the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence

from domain.paging import PageRequest
from domain.service_orders.order import ServiceOrder
from domain.service_orders.search import OrderFilter
from domain.service_orders.work_sessions import Person
from domain.work_parties import WorkParty
from resolvers.paging import per_parent
from resolvers.ports import UnitOfWorkFactory

PagesAsked = tuple[WorkParty, OrderFilter, PageRequest]
CountAsked = tuple[WorkParty, OrderFilter]


async def order_pages(
    uow: UnitOfWorkFactory, keys: Sequence[tuple[PagesAsked, str]]
) -> list[list[ServiceOrder]]:
    """Batch for `Customer.serviceOrders`, `Vehicle.serviceOrders` and
    `Location.serviceOrders`: one page (and one order more) per key, in a statement per
    distinct page and filter plus those of what is recorded on the orders."""
    async with uow() as work:
        return await per_parent(
            keys,
            lambda asked, ids: work.service_orders.pages_of(asked[0], ids, asked[1], asked[2]),
        )


async def order_counts(uow: UnitOfWorkFactory, keys: Sequence[tuple[CountAsked, str]]) -> list[int]:
    """Batch for those lists' `totalCount`: one statement per distinct filter."""
    async with uow() as work:
        return await per_parent(
            keys, lambda asked, ids: work.service_orders.counts_of(asked[0], ids, asked[1])
        )


async def with_records(
    uow: UnitOfWorkFactory, orders: Sequence[ServiceOrder]
) -> list[ServiceOrder]:
    """Batch for the records of orders a list read without them (`workSessions`,
    `parts`, `billableSnapshot`, `glEntries`): four statements for every order of a
    request, and none when no document asks."""
    async with uow() as work:
        await work.service_orders.attach_records(orders)
    return list(orders)


async def people_by_id(uow: UnitOfWorkFactory, person_ids: Sequence[str]) -> list[Person | None]:
    """Batch for `ServiceOrder.technician`: one statement per request."""
    async with uow() as work:
        found = await work.people.get_many(person_ids)
    return [found.get(i) for i in person_ids]
