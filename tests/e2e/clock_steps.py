"""What the tests of time-bound rules share: a gateway whose clock stands where the test puts it.

The gateway is built with a ManualClock that is back at T0 when each test starts, so
the instants a test asserts are its own and a deadline passes when the test moves the
clock, not when time does. A module takes the fixtures by naming them, as the SLA
monitor tests take `sla_steps`' (whose clock starts at the real "now" instead).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from domain.clock import ManualClock
from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(scope="module")
async def timed_http(
    services: Services, database_url: str, module_clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway that reads the time from the module's clock (on the migrated database),
    and a client of it."""
    app = create_app(settings_for(services, inbound_enabled=False), module_clock)
    async with Served(app) as served, httpx.AsyncClient(base_url=served.url, timeout=30) as http:
        yield http


@pytest.fixture
def clock(module_clock: ManualClock) -> ManualClock:
    """The gateway's clock, back at T0 for every test."""
    module_clock.set(T0)
    return module_clock


@pytest.fixture
def timed(timed_http: httpx.AsyncClient, clock: ManualClock, tenant: str) -> Api:
    return Api(timed_http, tenant)
