"""Estimates keep the gateway's time: decisions are stamped, and validity read, by its clock.

The gateway is built with a ManualClock, so the instants are the test's own and an
estimate expires when the test moves the clock past its validity, not when a week passes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from domain.clock import ManualClock
from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for
from tests.e2e.estimate_shop import APPROVE, READ, open_shop, submitted

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(scope="module")
async def timed_http(
    services: Services, database_url: str, module_clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway that reads the time from the module's clock (on the migrated database)."""
    app = create_app(settings_for(services, inbound_enabled=False), module_clock)
    async with Served(app) as served, httpx.AsyncClient(base_url=served.url, timeout=30) as http:
        yield http


@pytest.fixture
def timed(timed_http: httpx.AsyncClient, module_clock: ManualClock, tenant: str) -> Api:
    module_clock.set(T0)
    return Api(timed_http, tenant)


async def test_an_estimate_is_submitted_and_expires_by_the_gateways_clock(
    timed: Api, module_clock: ManualClock
) -> None:
    await open_shop(timed)
    pending = await submitted(timed)
    assert datetime.fromisoformat(pending["submittedAt"]) == T0
    assert datetime.fromisoformat(pending["expiresAt"]) == T0 + timedelta(days=7)

    module_clock.advance(timedelta(days=7) - timedelta(seconds=1))
    read = (await timed.data(READ, {"id": pending["estimateId"]}))["estimate"]
    assert read["status"] == "PENDING_APPROVAL"

    module_clock.advance(timedelta(seconds=1))
    read = (await timed.data(READ, {"id": pending["estimateId"]}))["estimate"]
    assert read["status"] == "EXPIRED"
    refused = await timed.error_codes(
        APPROVE, {"input": {"estimateId": pending["estimateId"], "version": pending["version"]}}
    )
    assert refused == ["ESTIMATE_EXPIRED"]
