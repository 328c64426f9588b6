"""The acknowledgement sweeper's scan: orders of every tenant awaiting an acknowledgement
past the time-out, not flagged yet. It crosses tenants, so it runs on the plain driver
like the reservation sweeper's scan, and walks the partial index on the still-awaited,
unflagged acknowledgements by the instant they were first awaited. A cancelled order
waits for nothing any more: its acknowledgements are never alerted, so the scan leaves
them out rather than returning them every round."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.service_orders.status import ServiceOrderStatus
from persistence.driver import standalone
from persistence.tables import service_order_acknowledgements, service_orders

ACK = service_order_acknowledgements.c
ORDER = service_orders.c
_DUE = (
    select(ACK.tenant_id, ACK.service_order_id)
    .select_from(
        service_order_acknowledgements.join(
            service_orders,
            and_(ORDER.tenant_id == ACK.tenant_id, ORDER.id == ACK.service_order_id),
        )
    )
    .where(
        ORDER.status != ServiceOrderStatus.CANCELLED.value,
        ACK.acknowledged_at.is_(None),
        ACK.overdue_at.is_(None),
        ACK.awaited_since < bindparam("before", type_=DateTime(timezone=True)),
    )
    .order_by(ACK.awaited_since)
    .limit(bindparam("batch", type_=Integer))
    .subquery()
)
DUE_ORDERS = select(_DUE.c.tenant_id, _DUE.c.service_order_id).distinct()


class CrossTenantOverdueScan:
    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def due_orders(self, before: datetime, batch: int) -> list[tuple[str, str]]:
        """(tenant id, order id) of the orders holding the `batch` acknowledgements awaited
        longest, since before `before`, and not flagged overdue yet."""
        async with standalone(self._engine) as driver:
            rows = await driver.rows(DUE_ORDERS, {"before": before, "batch": batch})
        return [(row["tenant_id"], row["service_order_id"]) for row in rows]
