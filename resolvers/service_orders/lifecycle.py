"""Service order use cases: open an order, move it through its life, look orders up.

Every instant comes from the `Clock` the caller passes (the request context's), so the
SLA deadlines an order is created with, and every event it publishes, follow that clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from domain.clock import Clock
from domain.identity import Principal
from domain.paging import Page, PageRequest
from domain.service_orders.appointments import Appointment
from domain.service_orders.intake import open_service_order
from domain.service_orders.order import ServiceOrder
from domain.service_orders.search import OrderFilter
from domain.service_orders.sla import deadlines_for
from resolvers.changes import changing, existing
from resolvers.identifiers import id_for_new
from resolvers.paging import paged
from resolvers.parties import parties_of_new_work
from resolvers.ports import UnitOfWork, UnitOfWorkFactory
from resolvers.receivables.credit_control import customer_may_get_new_work

ORDER_SERIES = "SO"
PROVISIONAL_ID = f"{ORDER_SERIES}-NEW"
"""The id a new order is checked under before it takes its number."""


async def service_order(uow: UnitOfWorkFactory, order_id: str) -> ServiceOrder:
    async with uow() as work:
        return await existing(work.service_orders, order_id)


async def orders_by_id(
    uow: UnitOfWorkFactory, order_ids: Sequence[str]
) -> list[ServiceOrder | None]:
    """Batch for `Invoice.serviceOrder`: each order by id (one read each, in one unit of
    work), None for one this tenant has not."""
    async with uow() as work:
        return [await work.service_orders.get(i) for i in order_ids]


async def orders_by_estimate(
    uow: UnitOfWorkFactory, estimate_ids: Sequence[str]
) -> list[ServiceOrder | None]:
    """Batch for `Estimate.serviceOrder`: the order each estimate became, if any."""
    async with uow() as work:
        found = await work.service_orders.from_estimates(estimate_ids)
    return [found.get(i) for i in estimate_ids]


async def appointments_of(
    uow: UnitOfWorkFactory, order_ids: Sequence[str]
) -> list[Appointment | None]:
    """Batch for `ServiceOrder.appointment`: where ShopMgmt last said each order's stands."""
    async with uow() as work:
        found = await work.appointments.of_orders(order_ids)
    return [found.get(i) for i in order_ids]


async def service_orders(
    uow: UnitOfWorkFactory, where: OrderFilter, request: PageRequest
) -> Page[ServiceOrder]:
    return await paged(
        uow,
        request,
        rows=lambda work: work.service_orders.search(where, request),
        total=lambda work: work.service_orders.count(where),
    )


async def create_service_order(
    uow: UnitOfWorkFactory, clock: Clock, fields: Mapping[str, Any]
) -> ServiceOrder:
    """A REQUESTED order for an existing customer, their vehicle and a location."""

    def build(work: UnitOfWork, order_id: str, now: datetime) -> ServiceOrder:
        return open_service_order(
            order_id,
            work.tenant_id,
            fields.get("customer_id", ""),
            fields.get("vehicle_id", ""),
            fields.get("location_id", ""),
            fields.get("priority", ""),
            fields.get("description", ""),
            now,
        )

    async with uow() as work:
        order = await open_order(work, clock, fields.get("id"), build)
        await work.commit()
        return order


OrderBuilder = Callable[[UnitOfWork, str, datetime], ServiceOrder]


async def open_order(
    work: UnitOfWork, clock: Clock, chosen_id: str | None, build: OrderBuilder
) -> ServiceOrder:
    """Check, number, build, hold to the tenant's SLA policy and store a new order (no commit).

    The input and the parties are checked on a provisional order before a number is
    taken: numbers are taken outside the transaction (see naming.py), and a refused
    order should not use one up.
    """
    now = clock.now()
    provisional = build(work, chosen_id or PROVISIONAL_ID, now)
    await _parties_must_exist(work, provisional)
    await customer_may_get_new_work(work, provisional.customer_id)
    order_id = await id_for_new(
        work, chosen_id, ORDER_SERIES, work.service_orders.exists, "Service order", "serviceOrderId"
    )
    order = build(work, order_id, now)
    policy = await work.sla_policies.for_priority(order.priority)
    order.deadlines = deadlines_for(policy, now)
    await work.service_orders.add(order)
    return order


async def schedule(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    order_id: str,
    start: datetime,
    end: datetime,
    version: int,
    appointment_id: str | None = None,
) -> ServiceOrder:
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.schedule(start, end, clock.now(), by.user_id, appointment_id)
        await work.commit()
        return order


async def assign_technician(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    order_id: str,
    technician_id: str,
    version: int,
) -> ServiceOrder:
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.dispatch(technician_id, clock.now(), by.user_id)
        await work.commit()
        return order


async def start_work(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, order_id: str, version: int
) -> ServiceOrder:
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.start_work(clock.now(), by.user_id)
        await work.commit()
        return order


async def complete(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    order_id: str,
    completion_time: datetime | None,
    resolution_code: str,
    version: int,
) -> ServiceOrder:
    """Completion time defaults to now."""
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            now = clock.now()
            order.complete(completion_time or now, resolution_code, now, by.user_id)
        await work.commit()
        return order


async def cancel(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, order_id: str, reason: str, version: int
) -> ServiceOrder:
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.cancel(reason, clock.now(), by.user_id)
        await work.commit()
        return order


async def _parties_must_exist(work: UnitOfWork, order: ServiceOrder) -> None:
    await parties_of_new_work(work, order.customer_id, order.vehicle_id, order.location_id)
