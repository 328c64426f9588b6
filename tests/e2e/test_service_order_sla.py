"""SLA policies and the `sla` of an order, on a gateway whose clock the test moves.

No sleeping: the gateway is built with a ManualClock, so "now" is whatever the test says
and an order's standing is checked at the instants that matter. Which policies are
refused, and that an order keeps the deadlines it was created with, is tested on the use
cases: tests/use_cases/test_service_orders.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from domain.clock import ManualClock
from gateway.app import create_app
from tests.conftest import Api, Served, Services, settings_for
from tests.e2e.service_order_steps import END, SCHEDULE, START, create_order, open_shop, read

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SET_POLICY = """mutation($p: Priority!, $r: Int!, $s: Int!, $share: Decimal) {
  setSlaPolicy(priority: $p, responseWithinMinutes: $r, resolutionWithinMinutes: $s,
    atRiskShare: $share) { priority responseWithinMinutes resolutionWithinMinutes atRiskShare } }"""
POLICIES = "{ slaPolicies { priority responseWithinMinutes resolutionWithinMinutes atRiskShare } }"
SLA = """query($id: ID!) {
  serviceOrder(id: $id) { sla { responseDueAt resolutionDueAt atRisk breached } } }"""


@pytest.fixture(scope="module")
def module_clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(scope="module")
async def timed_http(
    services: Services, database_url: str, module_clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway that reads the time from the module's clock, and a client of it."""
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


async def sla_of(api: Api, order_id: str) -> dict[str, object]:
    return (await api.data(SLA, {"id": order_id}))["serviceOrder"]["sla"]


async def test_defaults_apply_until_a_priority_gets_its_own_policy(timed: Api) -> None:
    policies = (await timed.data(POLICIES))["slaPolicies"]
    windows = {
        p["priority"]: (p["responseWithinMinutes"], p["resolutionWithinMinutes"]) for p in policies
    }
    assert windows == {
        "CRITICAL": (60, 240),
        "HIGH": (240, 1440),
        "MEDIUM": (480, 4320),
        "LOW": (1440, 7200),
    }
    changed = (await timed.data(SET_POLICY, {"p": "HIGH", "r": 60, "s": 240, "share": "0.5"}))[
        "setSlaPolicy"
    ]
    assert changed == {
        "priority": "HIGH",
        "responseWithinMinutes": 60,
        "resolutionWithinMinutes": 240,
        "atRiskShare": "0.5",
    }
    after = {p["priority"]: p for p in (await timed.data(POLICIES))["slaPolicies"]}
    assert after["HIGH"] == changed and after["LOW"]["responseWithinMinutes"] == 1440


async def test_an_open_order_goes_at_risk_then_breached_as_time_passes(
    timed: Api, clock: ManualClock
) -> None:
    shop = await open_shop(timed)
    await timed.data(SET_POLICY, {"p": "HIGH", "r": 60, "s": 240, "share": "0.5"})
    order_id = (await create_order(timed, shop, priority="HIGH"))["serviceOrderId"]

    assert await sla_of(timed, order_id) == {
        "responseDueAt": "2026-03-02T09:00:00+00:00",
        "resolutionDueAt": "2026-03-02T12:00:00+00:00",
        "atRisk": False,
        "breached": False,
    }
    clock.advance(timedelta(minutes=29))
    assert (await sla_of(timed, order_id))["atRisk"] is False
    clock.advance(timedelta(minutes=1))
    standing = await sla_of(timed, order_id)
    assert (standing["atRisk"], standing["breached"]) == (True, False)
    clock.advance(timedelta(minutes=31))
    standing = await sla_of(timed, order_id)
    assert standing["breached"] is True
    await timed.data(SCHEDULE, await read(timed, {"id": order_id, "start": START, "end": END}))
    assert (await sla_of(timed, order_id))["breached"] is True  # responded late stays a breach
