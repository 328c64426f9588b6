"""Acknowledgements of People, Order and Accounting: applied when they arrive, given at
once where the gateway is that side itself, and flagged when they are late.

- `acknowledge` is the inbound handler of the three acknowledgement events: it applies
  the fact under the order's row lock, in the inbound consumer's unit of work (the inbox
  claimed the event id in the same transaction, so a redelivered event has no second
  effect, and one re-sent with a new id finds it acknowledged and changes nothing). An
  order, session or snapshot the gateway does not know fails the handler, so the event
  is dead-lettered after its retries for an operator: fail-closed.
- `OwnSides` are the sides the gateway plays itself (settings `PEOPLE_SIDE`,
  `ORDER_SIDE`, `ACCOUNTING_SIDE`); the use cases that record what a side awaits call
  `confirm_session` / `acknowledge_snapshot`, which acknowledge in the same
  transaction and publish the side's event, so one gateway works end to end and a
  client's next version is the one the change answered.
- `flag_overdue` is the sweeper's step for one order.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.clock import Clock
from domain.service_orders.acknowledgements import (
    AcknowledgementFact,
    Acknowledger,
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from domain.service_orders.order import ServiceOrder
from domain.service_orders.work_sessions import WorkSession
from resolvers.changes import changing
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("gateway.acknowledgements")

OwnSides = frozenset[Acknowledger]
EVERY_SIDE: OwnSides = frozenset(Acknowledger)
SALES_ORDER_SUFFIX = "-SO"
REVENUE_RECORD_SUFFIX = "-REV"
"""The gateway's own Order and Accounting sides name what they acknowledge after the
snapshot (`SNAP-001-SO`, `SNAP-001-REV`): the same snapshot always gets the same ids."""


async def acknowledge(work: UnitOfWork, fact: AcknowledgementFact) -> None:
    async with changing(work.service_orders, fact.workorder_id, None, lock=True) as order:
        if not order.acknowledge(fact):
            log.info(
                "%s: %s for %s is acknowledged already; nothing changes",
                order.id,
                fact.awaited.value,
                fact.reference,
            )


def confirm_session(order: ServiceOrder, session: WorkSession, sides: OwnSides) -> None:
    """People's confirmation of `session`, given at once where the gateway is People."""
    if Acknowledger.PEOPLE in sides:
        order.acknowledge_as_own_side(
            WorkSessionCompleted(
                aggregate_id=session.session_id,
                tenant_id=order.tenant_id,
                occurred_at=session.recorded_at,
                workorder_id=order.id,
                person_id=session.person_id,
            )
        )


def acknowledge_snapshot(order: ServiceOrder, sides: OwnSides) -> None:
    """Order's sales order and Accounting's revenue record of the order's snapshot, given
    at once for the sides the gateway plays."""
    snapshot = order.snapshot
    assert snapshot is not None, "acknowledged once finalized"
    about = {
        "tenant_id": order.tenant_id,
        "occurred_at": snapshot.captured_at,
        "workorder_id": order.id,
        "workorder_snapshot_id": snapshot.snapshot_id,
    }
    if Acknowledger.ORDER in sides:
        order.acknowledge_as_own_side(
            SalesOrderCreatedForWorkOrder(
                aggregate_id=snapshot.snapshot_id + SALES_ORDER_SUFFIX,
                customer_id=order.customer_id,
                **about,
            )
        )
    if Acknowledger.ACCOUNTING in sides:
        order.acknowledge_as_own_side(
            RevenueRecorded(
                aggregate_id=snapshot.snapshot_id + REVENUE_RECORD_SUFFIX,
                amount=snapshot.grand_total,
                **about,
            )
        )


async def flag_overdue(
    uow: UnitOfWorkFactory, clock: Clock, order_id: str, waited: timedelta
) -> int:
    """The sweeper's step for one order: raise the alert of each acknowledgement awaited
    longer than `waited`, under the order's row lock, so of two replicas sweeping it the
    second finds them flagged; how many it raised."""
    async with uow() as work:
        order = await work.service_orders.get(order_id, lock=True)
        if order is None:
            return 0
        late = order.flag_overdue(clock.now(), waited)
        await work.commit()
    for waiting in late:
        log.warning(
            "%s has awaited %s's %s for %s since %s",
            order_id,
            waiting.awaited.system.value,
            waiting.awaited.value,
            waiting.reference,
            waiting.awaited_since.isoformat(),
        )
    return len(late)
