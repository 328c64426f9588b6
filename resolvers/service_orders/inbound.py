"""Applying what Dispatch, Inventory and Contracts report about service orders.

Each handler runs in the inbound consumer's unit of work (the inbox has claimed the
event id in the same transaction, so a redelivered event has no second effect) and goes
through the same order change as the mutations. Re-sent facts with a new event id are
harmless too: the same technician again, parts already recorded, the same contract.
"""

from __future__ import annotations

import logging

from domain.events import DomainEvent
from domain.service_orders import inbound
from domain.service_orders.order import ServiceOrder
from domain.service_orders.status import ServiceOrderStatus
from persistence.unit_of_work import UnitOfWork
from resolvers.service_orders.changes import apply_change, apply_to, existing_order
from resolvers.service_orders.work_sessions import attach_parts

log = logging.getLogger("gateway.service_orders")
AFTER_DISPATCH = (ServiceOrderStatus.IN_PROGRESS, ServiceOrderStatus.COMPLETED)


async def technician_assigned(work: UnitOfWork, event: DomainEvent) -> None:
    order_id = inbound.text(event.payload, "serviceOrderId")
    technician_id = inbound.text(event.payload, "technicianId")
    current = await existing_order(work, order_id, lock=True)
    if current.technician_id == technician_id and current.status in AFTER_DISPATCH:
        log.info("%s already has %s and moved on; assignment ignored", order_id, technician_id)
        return

    async def dispatched(work: UnitOfWork, order: ServiceOrder) -> None:
        order.dispatch(technician_id, event.occurred_at)

    await apply_to(work, current, dispatched)


async def parts_consumed(work: UnitOfWork, event: DomainEvent) -> None:
    order_id = inbound.text(event.payload, "serviceOrderId")
    parts = inbound.consumed_parts(event.payload)

    async def attached(work: UnitOfWork, order: ServiceOrder) -> None:
        added = await attach_parts(work, order, parts)
        if added < len(parts):
            log.info(
                "%s: %d of %d parts were already recorded", order_id, len(parts) - added, len(parts)
            )

    await apply_change(work, order_id, attached)


async def contract_entitlement_validated(work: UnitOfWork, event: DomainEvent) -> None:
    order_id = inbound.text(event.payload, "serviceOrderId")
    contract_id = inbound.text(event.payload, "contractId")

    async def covered(work: UnitOfWork, order: ServiceOrder) -> None:
        order.mark_covered(contract_id)

    await apply_change(work, order_id, covered)
