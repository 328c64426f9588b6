"""`operationsDashboard` through the API: open orders per location, status and priority,
SLA standing at the gateway's clock, and the breaches the monitor raised today."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.clock import ManualClock
from subscriptions.sla_monitor import SlaMonitor
from tests.conftest import Api
from tests.e2e import sla_steps
from tests.e2e.service_order_steps import (
    CANCEL,
    COMPLETE,
    END,
    SCHEDULE,
    START,
    create_order,
    in_progress,
    open_shop,
    read,
)
from tests.e2e.sla_steps import raised_for

module_clock, timed_gateway = sla_steps.module_clock, sla_steps.timed_gateway
clock, timed, monitor = sla_steps.clock, sla_steps.timed, sla_steps.monitor

SOUTH = 'mutation { createLocation(input: {locationId: "LOC-002", name: "South"}) { locationId } }'
DASHBOARD = """query($location: ID) { operationsDashboard(locationId: $location) {
  asOf locations { locationId openOrders atRisk breached breachesToday
    byStatus { status total critical high medium low } } } }"""


def row(status: str, **counts: int) -> dict[str, Any]:
    cells = {"critical": 0, "high": 0, "medium": 0, "low": 0, **counts}
    return {"status": status, "total": sum(cells.values()), **cells}


async def dashboard(api: Api, location: str | None = None) -> dict[str, Any]:
    return (await api.data(DASHBOARD, {"location": location}))["operationsDashboard"]


async def test_the_dashboard_counts_open_orders_their_sla_and_todays_breaches(
    timed: Api, clock: ManualClock, monitor: SlaMonitor
) -> None:
    shop = await open_shop(timed)
    await timed.data(SOUTH)
    first = await create_order(timed, shop, priority="CRITICAL")
    await create_order(timed, shop, priority="CRITICAL")
    scheduled = (await create_order(timed, shop))["serviceOrderId"]
    await timed.data(SCHEDULE, await read(timed, {"id": scheduled, "start": START, "end": END}))
    await in_progress(timed, shop)
    cancelled = (await create_order(timed, shop, priority="LOW"))["serviceOrderId"]
    await timed.data(CANCEL, await read(timed, {"id": cancelled, "reason": "Duplicate"}))
    await timed.data(
        COMPLETE, await read(timed, {"id": await in_progress(timed, shop), "code": "RESOLVED"})
    )
    await create_order(timed, shop, priority="MEDIUM", locationId="LOC-002")
    created = datetime.fromisoformat(first["createdAt"])
    north_rows = [
        row("REQUESTED", critical=2),
        row("SCHEDULED", high=1),
        row("IN_PROGRESS", high=1),
    ]

    clock.set(created + timedelta(minutes=50))  # both CRITICAL responses at risk (48 min)
    early = await dashboard(timed)
    clock.set(created + timedelta(minutes=61))  # ... and breached; the monitor raises them
    assert len(await raised_for(monitor, timed.tenant)) == 2
    later = await dashboard(timed)

    assert early["asOf"] == (created + timedelta(minutes=50)).isoformat()
    assert early["locations"] == [
        {
            "locationId": "LOC-001",
            "openOrders": 4,
            "atRisk": 2,
            "breached": 0,
            "breachesToday": 0,
            "byStatus": north_rows,
        },
        {
            "locationId": "LOC-002",
            "openOrders": 1,
            "atRisk": 0,
            "breached": 0,
            "breachesToday": 0,
            "byStatus": [row("REQUESTED", medium=1)],
        },
    ]
    assert later["locations"][0] == {
        "locationId": "LOC-001",
        "openOrders": 4,
        "atRisk": 0,
        "breached": 2,
        "breachesToday": 2,
        "byStatus": north_rows,
    }
    assert later["locations"][1]["breachesToday"] == 0


async def test_one_location_or_none_known(timed: Api) -> None:
    shop = await open_shop(timed)
    await create_order(timed, shop, priority="LOW")
    south = (
        'mutation { createLocation(input: {locationId: "LOC-002", name: "South"}) { locationId } }'
    )
    await timed.data(south)
    assert (await dashboard(timed, "LOC-001"))["locations"][0]["openOrders"] == 1
    assert (await dashboard(timed, "LOC-002"))["locations"] == [
        {
            "locationId": "LOC-002",
            "openOrders": 0,
            "atRisk": 0,
            "breached": 0,
            "breachesToday": 0,
            "byStatus": [],
        }
    ]
    assert await timed.error_codes(DASHBOARD, {"location": "LOC-404"}) == ["LOCATION_NOT_FOUND"]
    assert await timed.as_tenant(timed.tenant, []).error_codes(DASHBOARD) == ["FORBIDDEN"]
