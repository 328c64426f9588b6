"""The reservation sweeper's scan: stock items of every tenant holding a reservation past
its time. It crosses tenants, so it runs on the plain driver like the SLA monitor's scan
(the sweeper's own plumbing, not a tenant's request), and walks the partial index on
ACTIVE reservations by expiry, so ended reservations cost it nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.inventory.reservations import ReservationStatus
from domain.inventory.stock import stock_id
from persistence.driver import standalone
from persistence.tables import stock_reservations

RESERVATION = stock_reservations.c
_DUE = (
    select(RESERVATION.tenant_id, RESERVATION.product_id, RESERVATION.location_id)
    .where(
        RESERVATION.status == ReservationStatus.ACTIVE.value,
        RESERVATION.expires_at <= bindparam("now", type_=DateTime(timezone=True)),
    )
    .order_by(RESERVATION.expires_at)
    .limit(bindparam("batch", type_=Integer))
    .subquery()
)
DUE_ITEMS = select(_DUE.c.tenant_id, _DUE.c.product_id, _DUE.c.location_id).distinct()


class CrossTenantReservationScan:
    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def due_items(self, now: datetime, batch: int) -> list[tuple[str, str]]:
        """(tenant id, stock item id) of the items holding the `batch` reservations that
        expired longest ago by `now`."""
        async with standalone(self._engine) as driver:
            rows = await driver.rows(DUE_ITEMS, {"now": now, "batch": batch})
        return [(row["tenant_id"], stock_id(row["product_id"], row["location_id"])) for row in rows]
