"""SLA policies and the `sla` of an order, on a gateway whose clock the test moves.

No sleeping: the gateway is built with a ManualClock, so "now" is whatever the test says
and an order's standing is checked at the instants that matter. Which policies are
refused, and that an order keeps the deadlines it was created with, is tested on the use
cases: tests/use_cases/test_service_orders.py.
"""

from __future__ import annotations

from datetime import timedelta

from domain.clock import ManualClock
from tests.conftest import Api
from tests.e2e import clock_steps
from tests.e2e.service_order_steps import END, SCHEDULE, START, create_order, open_shop, read

module_clock, timed_http = clock_steps.module_clock, clock_steps.timed_http
clock, timed = clock_steps.clock, clock_steps.timed

SET_POLICY = """mutation($p: Priority!, $r: Int!, $s: Int!, $share: Decimal) {
  setSlaPolicy(priority: $p, responseWithinMinutes: $r, resolutionWithinMinutes: $s,
    atRiskShare: $share) { priority responseWithinMinutes resolutionWithinMinutes atRiskShare } }"""
POLICIES = "{ slaPolicies { priority responseWithinMinutes resolutionWithinMinutes atRiskShare } }"
SLA = """query($id: ID!) {
  serviceOrder(id: $id) { sla { responseDueAt resolutionDueAt atRisk breached } } }"""


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
