"""The one way a service order changes: lock it, let the domain decide, save, publish, commit.

Every use case that moves an order (a mutation or an inbound event) goes through
`change_order`, so each change is one transaction holding the order's row lock: the
state, its conditional write and its events in the outbox commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.errors import VersionConflict
from domain.service_orders.order import ServiceOrder, ServiceOrderNotFound
from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory

OrderChange = Callable[[UnitOfWork, ServiceOrder], Awaitable[None]]


async def existing_order(work: UnitOfWork, order_id: str, *, lock: bool = False) -> ServiceOrder:
    found = await work.service_orders.get(order_id, lock=lock)
    if found is None:
        raise ServiceOrderNotFound(order_id)
    return found


def publish(work: UnitOfWork, order: ServiceOrder) -> None:
    """Hand the events the order recorded to the unit of work's outbox, stamped as they were."""
    for event in order.events:
        work.record(
            event.event_type,
            event.aggregate_type,
            event.aggregate_id,
            event.payload,
            occurred_at=event.occurred_at,
        )
    order.events.clear()


async def apply_change(
    work: UnitOfWork, order_id: str, change: OrderChange, version: int | None = None
) -> ServiceOrder:
    """Lock the order and apply `change` inside the caller's unit of work (which commits)."""
    order = await existing_order(work, order_id, lock=True)
    await apply_to(work, order, change, version)
    return order


async def apply_to(
    work: UnitOfWork, order: ServiceOrder, change: OrderChange, version: int | None = None
) -> None:
    """Apply `change` to an order the caller already holds with its row lock."""
    if version is not None and version != order.version:
        raise VersionConflict(
            f"Service order {order.id} is at version {order.version}, not {version}: someone "
            "changed it meanwhile. Reload it and try again."
        )
    await change(work, order)
    await work.service_orders.save(order)
    publish(work, order)


async def change_order(
    uow: UnitOfWorkFactory, order_id: str, change: OrderChange, version: int | None = None
) -> ServiceOrder:
    async with uow() as work:
        order = await apply_change(work, order_id, change, version)
        await work.commit()
        return order
