"""The SLA monitor: publishes each at-risk warning and breach once, within a second or so.

Every replica runs it; none is elected. Each round it reads, across tenants, the unmet
deadlines whose next alert falls before the end of the next poll, publishes those due
now and sleeps until the soonest of the others (or the poll interval, so orders created
meanwhile are seen in time). Each alert due is raised as a `RaisedAlert`, which records
its event (`SlaAtRisk`, `SlaBreached`); publishing is one unit of work per tenant and
round, like any other change: the alerts repository claims them (their `sla_alerts`
rows, keyed by tenant, order, target and kind, inserted `ON CONFLICT DO NOTHING`) and
tracks only those whose insert won, and `commit()` moves their events to the outbox.
Two replicas that find the same breach at the same instant both try; PostgreSQL lets
one insert and the other's insert waits for it and then does nothing, so the event is
written exactly once, and the outbox relay carries it to
`crm.serviceorders.sla.breached` (or `crm.serviceorders.sla.at_risk`).

Time comes from an injected `Clock`, so tests move it instead of sleeping until a
deadline. `check()` is one round; `run()` repeats it until cancelled, surviving
database failures with a backoff.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.service_orders.sla_alerts import RaisedAlert, SlaAlertFacts, SlaDeadline, alert_for
from persistence.repositories.sla.alerts import CrossTenantDeadlineScan
from persistence.unit_of_work import UnitOfWork
from subscriptions.rounds import run_rounds

log = logging.getLogger("gateway.sla_monitor")

# A breach is "after" its due time: wake just past it, not on it.
JUST_AFTER = timedelta(milliseconds=1)
# Refresh the planner's statistics of `sla_alerts` after publishing this many alerts.
ANALYZE_AFTER = 1000


class ShiftedClock:
    """Another clock moved by a fixed offset: the test-only `SLA_CLOCK_OFFSET_SECONDS`.

    It lets a test run separate gateway processes whose monitors live hours ahead, so
    deadlines come due without anyone waiting for them.
    """

    def __init__(self, clock: Clock, offset: timedelta):
        self._clock = clock
        self._offset = offset

    def now(self) -> datetime:
        return self._clock.now() + self._offset


class SlaMonitor:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        batch_size: int = 500,
        max_backoff_seconds: float = 5.0,
    ):
        self._engine = engine
        self._scan = CrossTenantDeadlineScan(engine)
        self._clock = clock
        self._poll = timedelta(seconds=poll_seconds)
        self._batch_size = batch_size
        self._max_backoff = max_backoff_seconds
        self.published = 0
        self._since_analyze = 0

    async def check(self) -> list[SlaAlertFacts]:
        """One round at the clock's `now`: the alerts this monitor published."""
        published, _ = await self._round()
        return published

    async def run(self) -> NoReturn:
        """Watch deadlines until cancelled."""
        await run_rounds(
            self._pause_after_round,
            what="SLA monitor round",
            log=log,
            max_backoff_seconds=self._max_backoff,
        )

    async def _pause_after_round(self) -> float:
        _, pause = await self._round()
        return pause

    async def _round(self) -> tuple[list[SlaAlertFacts], float]:
        now = self._clock.now()
        deadlines = await self._scan.due_by(now + self._poll, self._batch_size)
        by_tenant: dict[str, list[RaisedAlert]] = {}
        for deadline in deadlines:
            raised = alert_for(deadline, now)
            if raised is not None:
                by_tenant.setdefault(deadline.tenant_id, []).append(raised)
        published: list[SlaAlertFacts] = []
        for tenant_id, raised_alerts in by_tenant.items():
            published += await self._publish(tenant_id, raised_alerts)
        self.published += len(published)
        self._since_analyze += len(published)
        if self._since_analyze >= ANALYZE_AFTER:
            self._since_analyze = 0
            await self._scan.refresh_statistics()
        return published, self._pause(deadlines, now)

    def _pause(self, deadlines: list[SlaDeadline], now: datetime) -> float:
        """Seconds until the soonest alert still ahead, at most one poll interval."""
        if len(deadlines) >= self._batch_size:
            return 0.0
        ahead = [d.next_alert_at() for d in deadlines if d.next_alert_at() >= now]
        wake = min([now + self._poll, *(instant + JUST_AFTER for instant in ahead)])
        return max((wake - now).total_seconds(), 0.0)

    async def _publish(self, tenant_id: str, raised: list[RaisedAlert]) -> list[SlaAlertFacts]:
        """Claim `raised` in one transaction: the events of those this monitor won."""
        async with UnitOfWork(self._engine, tenant_id) as work:
            won = await work.sla_alerts.claim(raised)
            published = [event for alert in won for event in alert.events]
            await work.commit()
        for event in published:
            log.info("%s: %s %s", event.event_type, event.aggregate_id, event.target)
        return published
