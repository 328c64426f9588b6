"""The acknowledgement sweeper: an order waiting too long for People, Order or Accounting
raises an alert instead of waiting silently (seed 001's fail-closed links).

Every `ACKNOWLEDGEMENT_SWEEP_SECONDS` it reads, across tenants, the orders holding an
acknowledgement awaited longer than `ACKNOWLEDGEMENT_TIMEOUT_SECONDS` and not flagged
yet, and runs the `flag_overdue` use case for each (one unit of work per order), which
records `AcknowledgementOverdue` (published as
`com.durion.workexec.workorder.acknowledgement_overdue`) and shows `overdueAt` on the
order. Every replica may run it: each order is flagged under its row lock, so of two
replicas sweeping one order the second finds it flagged; no alert is raised twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from persistence.repositories.service_orders.overdue_scan import CrossTenantOverdueScan
from persistence.unit_of_work import unit_of_work_factory
from resolvers.service_orders.acknowledgements import flag_overdue
from subscriptions.rounds import run_rounds

log = logging.getLogger("gateway.acknowledgement_sweeper")


class AcknowledgementSweeper:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        timeout_seconds: float,
        interval_seconds: float,
        batch_size: int = 500,
        max_backoff_seconds: float = 5.0,
    ):
        self._engine = engine
        self._scan = CrossTenantOverdueScan(engine)
        self._clock = clock
        self._timeout = timedelta(seconds=timeout_seconds)
        self._interval = interval_seconds
        self._batch_size = batch_size
        self._max_backoff = max_backoff_seconds

    async def sweep(self) -> int:
        """One round at the clock's instant: how many alerts it raised."""
        raised = 0
        before = self._clock.now() - self._timeout
        for tenant_id, order_id in await self._scan.due_orders(before, self._batch_size):
            raised += await flag_overdue(
                unit_of_work_factory(self._engine, tenant_id), self._clock, order_id, self._timeout
            )
        return raised

    async def run(self) -> NoReturn:
        """Sweep until cancelled, surviving database failures with a backoff."""
        await run_rounds(
            self._round,
            what="acknowledgement sweep",
            log=log,
            max_backoff_seconds=self._max_backoff,
        )

    async def _round(self) -> float:
        await self.sweep()
        return self._interval
