"""The operations dashboard's reads of one tenant's open orders.

One statement answers every location: an index-only scan of the partial index
`ix_service_orders_open_by_location` (open orders only, with the SLA instants
INCLUDEd), grouped by location, status and priority, judging each order's SLA at `now`
with FILTERed counts. Closed history never enters the scan, however large it grows.
The orders awaiting an acknowledgement are counted from the acknowledgements still
awaited (few: every one is answered or alerted within minutes), joined to their orders.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, text

from domain.service_orders.dashboard import OpenOrderCount
from domain.service_orders.status import Priority, ServiceOrderStatus
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import service_order_acknowledgements, service_orders
from persistence.tables.service_orders import OPEN

orders = service_orders.c
acks = service_order_acknowledgements.c


class OperationsDashboardRepository(TenantRepository):
    table = service_orders

    async def awaiting_acknowledgement(self, location_id: str | None) -> dict[str, tuple[int, int]]:
        """Per location, the orders (not cancelled) awaiting an acknowledgement, and how
        many of them have one flagged overdue."""
        order = acks.service_order_id
        statement = (
            select(
                orders.location_id,
                func.count(order.distinct()),
                func.count(order.distinct()).filter(acks.overdue_at.is_not(None)),
            )
            .select_from(
                service_order_acknowledgements.join(
                    service_orders,
                    and_(orders.tenant_id == acks.tenant_id, orders.id == acks.service_order_id),
                )
            )
            .where(
                of_tenant(service_order_acknowledgements),
                acks.acknowledged_at.is_(None),
                orders.status != ServiceOrderStatus.CANCELLED.value,
            )
            .group_by(orders.location_id)
        )
        if location_id is not None:
            statement = statement.where(orders.location_id == location_id)
        return {location: (total, late) for location, total, late in await self._rows(statement)}

    async def open_orders(
        self, now: datetime, location_id: str | None
    ) -> list[tuple[str, OpenOrderCount]]:
        """Open orders per (location, status, priority), with how many are at risk or breached."""
        unscheduled = orders.scheduled_at.is_(None)
        at_risk = or_(
            and_(unscheduled, orders.response_at_risk_at <= now, orders.response_due_at >= now),
            and_(orders.resolution_at_risk_at <= now, orders.resolution_due_at >= now),
        )
        breached = or_(
            and_(unscheduled, orders.response_due_at < now),
            orders.scheduled_at > orders.response_due_at,
            orders.resolution_due_at < now,
        )
        statement = (
            select(
                orders.location_id,
                orders.status,
                orders.priority,
                func.count(),
                func.count().filter(at_risk),
                func.count().filter(breached),
            )
            .where(of_tenant(service_orders), text(OPEN))
            .group_by(orders.location_id, orders.status, orders.priority)
        )
        if location_id is not None:
            statement = statement.where(orders.location_id == location_id)
        rows = await self._rows(statement)
        return [
            (
                location,
                OpenOrderCount(
                    ServiceOrderStatus(status), Priority(priority), total, risky, broken
                ),
            )
            for location, status, priority, total, risky, broken in rows
        ]
