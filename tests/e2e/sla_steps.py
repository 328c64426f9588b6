"""What the SLA monitor and dashboard tests share: a gateway on a clock the test moves.

The gateway is built with a ManualClock that starts at the real "now" (so the session
gateway's own monitor, on the system clock, sees the test's orders as on track) and
runs no monitor of its own: each test runs `SlaMonitor.check()` at the instants that
matter, on the same clock. Nothing sleeps until a deadline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from gateway.app import create_app
from subscriptions.sla_monitor import SlaMonitor
from tests.conftest import Api, Served, Services, settings_for

WATCH = """subscription($location: ID, $priority: Priority) {
  slaBreaches(locationId: $location, priority: $priority) {
    cursor kind serviceOrderId customerId locationId priority target dueAt detectedAt } }"""


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture(scope="module")
async def timed_gateway(
    services: Services, database_url: str, module_clock: ManualClock
) -> AsyncIterator[Served]:
    settings = settings_for(
        services, inbound_enabled=False, sla_monitor_enabled=False, dashboard_fresh_seconds=0
    )
    async with Served(create_app(settings, module_clock)) as served:
        yield served


@pytest.fixture
def clock(module_clock: ManualClock) -> ManualClock:
    """The gateway's and the monitor's clock, at the real "now" when each test starts."""
    module_clock.set(datetime.now(UTC).replace(microsecond=0))
    return module_clock


@pytest.fixture
async def timed(timed_gateway: Served, clock: ManualClock, tenant: str) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=timed_gateway.url, timeout=30) as http:
        yield Api(http, tenant)


@pytest.fixture
def monitor(engine: AsyncEngine, clock: ManualClock) -> SlaMonitor:
    return SlaMonitor(engine, clock)


async def raised_for(monitor: SlaMonitor, tenant: str) -> set[tuple[str, str, str]]:
    """One monitor round: (order, target, kind) of what it published for `tenant`.

    The monitor scans every tenant of the shared database; other tests' orders are
    theirs to check.
    """
    return {
        (alert.aggregate_id, alert.target.value, alert.kind.value)
        for alert in await monitor.check()
        if alert.tenant_id == tenant
    }
