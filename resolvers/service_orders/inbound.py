"""Applying what Dispatch, Inventory, Contracts and ShopMgmt report about service orders.

Each handler takes the fact parsed at the boundary and runs in the inbound consumer's
unit of work (the inbox has claimed the event id in the same transaction, so a
redelivered event has no second effect). It changes the order the way a mutation does,
holding the order's row lock instead of checking a client's version. Re-sent facts with
a new event id are harmless too: the same technician again, parts already recorded,
the same contract.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from domain.service_orders.appointments import Appointment
from domain.service_orders.inbound import (
    AppointmentUpdated,
    ContractEntitlementValidated,
    PartsConsumed,
    TechnicianAssigned,
)
from domain.service_orders.status import ServiceOrderStatus
from resolvers.changes import changing
from resolvers.ports import UnitOfWork
from resolvers.service_orders.work_sessions import attach_parts

log = logging.getLogger("gateway.service_orders")
AFTER_DISPATCH = (ServiceOrderStatus.IN_PROGRESS, ServiceOrderStatus.COMPLETED)
DISPATCH = "dispatch"
"""Who moved an order that Dispatch's TechnicianAssignedEvent dispatched (`statusChangedBy`)."""
INVENTORY = "inventory"
"""Who issued the stock of parts Inventory's PartsConsumedEvent reported (`recordedBy`)."""


async def technician_assigned(work: UnitOfWork, fact: TechnicianAssigned) -> None:
    async with changing(work.service_orders, fact.service_order_id, None, lock=True) as order:
        if order.technician_id == fact.technician_id and order.status in AFTER_DISPATCH:
            log.info(
                "%s already has %s and moved on; assignment ignored",
                order.id,
                fact.technician_id,
            )
            return
        order.dispatch(fact.technician_id, fact.occurred_at, DISPATCH)


async def parts_consumed(work: UnitOfWork, fact: PartsConsumed) -> None:
    """Parts recorded as the mutation records them, issued from stock the same way; a part
    already recorded (by either) is skipped, so its stock is never issued twice."""
    async with changing(work.service_orders, fact.service_order_id, None, lock=True) as order:
        parts = [asdict(part) for part in fact.parts]
        added = await attach_parts(work, order, parts, INVENTORY, fact.occurred_at)
        if len(added) < len(parts):
            log.info(
                "%s: %d of %d parts were already recorded",
                order.id,
                len(parts) - len(added),
                len(parts),
            )


async def contract_entitlement_validated(
    work: UnitOfWork, fact: ContractEntitlementValidated
) -> None:
    async with changing(work.service_orders, fact.service_order_id, None, lock=True) as order:
        order.mark_covered(fact.contract_id)


async def appointment_updated(work: UnitOfWork, fact: AppointmentUpdated) -> None:
    """Record where ShopMgmt says the order's appointment stands; fail-open: a report about
    an order this tenant does not have, or older than the one kept, is logged and dropped
    rather than retried and dead-lettered (ShopMgmt may have moved on)."""
    if not await work.service_orders.exists(fact.service_order_id):
        log.warning(
            "appointment %s: ShopMgmt reports on %s, which %s does not have; ignored",
            fact.aggregate_id,
            fact.service_order_id,
            work.tenant_id,
        )
        return
    kept = await work.appointments.record(
        Appointment(
            appointment_id=fact.aggregate_id,
            service_order_id=fact.service_order_id,
            status=fact.status,
            updated_at=fact.occurred_at,
            scheduled_start=fact.scheduled_start,
            scheduled_end=fact.scheduled_end,
            reason=fact.reason,
        )
    )
    if not kept:
        log.info(
            "appointment %s of %s: a newer report is kept; this one (%s) is dropped",
            fact.aggregate_id,
            fact.service_order_id,
            fact.occurred_at.isoformat(),
        )
