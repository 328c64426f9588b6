"""The operations dashboard: per location, open orders, SLA standing and today's breaches.

Many screens poll the same dashboard. `DashboardSnapshots` (one per replica) lets
callers asking for the same tenant and location at the same moment share one reading,
and reuse it for `fresh_for` seconds (`DASHBOARD_FRESH_SECONDS`); every answer says when
its figures were read (`asOf`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from domain.locations import no_location
from domain.service_orders.dashboard import LocationOperations, per_location, start_of_day
from persistence.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class DashboardReading:
    as_of: datetime
    locations: list[LocationOperations]


async def operations_dashboard(
    uow: UnitOfWorkFactory, now: datetime, location_id: str | None
) -> DashboardReading:
    """Every location with open orders, breaches today or orders awaiting an acknowledgement
    (or just `location_id`), at `now`."""
    async with uow() as work:
        if location_id is not None and not await work.locations.exists(location_id):
            raise no_location(location_id)
        counts = await work.operations_dashboard.open_orders(now, location_id)
        breaches = await work.sla_alerts.breaches_since(start_of_day(now), location_id)
        awaiting = await work.operations_dashboard.awaiting_acknowledgement(location_id)
    rows = per_location(counts, breaches, awaiting)
    if location_id is not None and not rows:
        rows = [LocationOperations(location_id)]
    return DashboardReading(now, rows)


@dataclass
class _Entry:
    reading: asyncio.Future[DashboardReading]
    taken: float


class DashboardSnapshots:
    """Recent dashboard readings per (tenant, location), shared by concurrent callers."""

    def __init__(self, fresh_for: float, capacity: int = 1024):
        self._fresh_for = fresh_for
        self._capacity = capacity
        self._entries: dict[tuple[str, str | None], _Entry] = {}

    async def read(
        self,
        tenant_id: str,
        location_id: str | None,
        take: Callable[[], Awaitable[DashboardReading]],
    ) -> DashboardReading:
        """The reading in progress or younger than `fresh_for`, else a new one from `take`."""
        key = (tenant_id, location_id)
        entry = self._entries.get(key)
        if entry is None or (
            entry.reading.done() and time.monotonic() - entry.taken >= self._fresh_for
        ):
            entry = _Entry(asyncio.ensure_future(take()), time.monotonic())
            entry.reading.add_done_callback(lambda done: self._forget_failed(key, done))
            self._entries.pop(key, None)
            self._entries[key] = entry
            while len(self._entries) > self._capacity:
                self._entries.pop(next(iter(self._entries)))
        return await asyncio.shield(entry.reading)

    def _forget_failed(self, key: tuple[str, str | None], done: asyncio.Future) -> None:
        """A failed reading (an unknown location, a lost connection) is not reused."""
        entry = self._entries.get(key)
        if entry is not None and entry.reading is done and (done.cancelled() or done.exception()):
            del self._entries[key]
