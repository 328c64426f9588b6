"""Finalizing a completed order's bill and billing it, each at most once.

Finalize prices what was used (parts, labor at the given hourly rate, tax by the order
location's tax codes, in its currency). Billing posts the snapshot's grand total to the
GL (1200 / 4100) on the billing date unless a closed financial period covers that date.
Both are checked against the version the client read, and the order is saved
conditionally on the status it was read in; the snapshot and GL tables' keys refuse a
second row, so a race never bills twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.clock import Clock
from domain.identity import Principal
from domain.locations import LocationNotFound
from domain.service_orders.order import ServiceOrder
from resolvers.changes import changing
from resolvers.ports import UnitOfWorkFactory

SNAPSHOT_SERIES = "SNAP"


async def finalize(
    uow: UnitOfWorkFactory,
    clock: Clock,
    order_id: str,
    finalized_by: str,
    labor_rate: Decimal,
    labor_tax_code: str | None,
    po_number: str | None,
    version: int,
) -> ServiceOrder:
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            location = await work.locations.get(order.location_id)
            if location is None:
                raise LocationNotFound(
                    f"Location '{order.location_id}' of {order.id} no longer exists.",
                    field="locationId",
                )
            codes = await work.tax_codes.for_location(order.location_id)
            snapshot_id = await work.naming.next_id(SNAPSHOT_SERIES)
            order.finalize(
                snapshot_id,
                clock.now(),
                finalized_by,
                labor_rate,
                labor_tax_code,
                {code.code: code for code in codes},
                location.currency_uom_id,
                po_number,
            )
        await work.commit()
        return order


async def bill(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    order_id: str,
    billing_date: date | None,
    version: int,
) -> ServiceOrder:
    """Bill on `billing_date` (default: today, UTC); FINANCIAL_PERIOD_CLOSED if it is closed."""
    now = clock.now()
    at = datetime.combine(billing_date, now.astimezone(UTC).time(), UTC) if billing_date else now
    async with uow() as work:
        async with changing(work.service_orders, order_id, version) as order:
            order.bill(at, await work.financial_periods.closed(), by.user_id)
        await work.commit()
        return order
