"""The reservation sweeper: expires abandoned reservations, so stock does not stay held
by work nobody finished.

Every `RESERVATION_SWEEP_SECONDS` it reads, across tenants, the stock items holding an
ACTIVE reservation past its time, and runs the `expire_reservations` use case for each
(one unit of work per item), which records `ReservationExpired` at the sweeper clock's
instant. Every replica may run it: each item is expired under its row lock (FOR UPDATE,
which waits, rather than SKIP LOCKED), so of two replicas sweeping one item the second
waits for the first and then finds nothing due; no expiry is recorded twice. A
reservation touched by a new reservation of its item meanwhile is expired there.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from persistence.repositories.inventory.expiry import CrossTenantReservationScan
from persistence.unit_of_work import unit_of_work_factory
from resolvers.inventory.reservations import expire_reservations
from subscriptions.rounds import run_rounds

log = logging.getLogger("gateway.reservation_sweeper")


class ReservationSweeper:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        interval_seconds: float,
        batch_size: int = 500,
        max_backoff_seconds: float = 5.0,
    ):
        self._engine = engine
        self._scan = CrossTenantReservationScan(engine)
        self._clock = clock
        self._interval = interval_seconds
        self._batch_size = batch_size
        self._max_backoff = max_backoff_seconds

    async def sweep(self) -> int:
        """One round at the clock's instant: how many reservations it expired."""
        expired = 0
        for tenant_id, item_id in await self._scan.due_items(self._clock.now(), self._batch_size):
            expired += await expire_reservations(
                unit_of_work_factory(self._engine, tenant_id), self._clock, item_id
            )
        if expired:
            log.info("expired %d reservations", expired)
        return expired

    async def run(self) -> NoReturn:
        """Sweep until cancelled, surviving database failures with a backoff."""
        await run_rounds(
            self._round, what="reservation sweep", log=log, max_backoff_seconds=self._max_backoff
        )

    async def _round(self) -> float:
        await self.sweep()
        return self._interval
