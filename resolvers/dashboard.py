"""The operations dashboard: per location, open orders, SLA standing and today's breaches."""

from __future__ import annotations

from datetime import datetime

from domain.locations import LocationNotFound
from domain.service_orders.dashboard import LocationOperations, per_location, start_of_day
from persistence.unit_of_work import UnitOfWorkFactory


async def operations_dashboard(
    uow: UnitOfWorkFactory, now: datetime, location_id: str | None
) -> list[LocationOperations]:
    """Every location with open orders or breaches today (or just `location_id`), at `now`."""
    async with uow() as work:
        if location_id is not None and not await work.locations.exists(location_id):
            raise LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")
        counts = await work.operations_dashboard.open_orders(now, location_id)
        breaches = await work.sla_alerts.breaches_since(start_of_day(now), location_id)
    rows = per_location(counts, breaches)
    if location_id is not None and not rows:
        return [LocationOperations(location_id)]
    return rows
