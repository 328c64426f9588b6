"""The SLA monitor through the API: orders created by mutation, alerts received over a
real websocket from Kafka, time moved on the gateway's clock instead of waited for."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.service_orders.sla_alerts import alert_for
from persistence.repositories.sla.alerts import CrossTenantDeadlineScan
from persistence.unit_of_work import UnitOfWork
from subscriptions.sla_monitor import SlaMonitor
from tests.conftest import Api, Served, token
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
from tests.e2e.sla_steps import WATCH, raised_for
from tests.graphql_ws import Subscriber

module_clock, timed_gateway = sla_steps.module_clock, sla_steps.timed_gateway
clock, timed, monitor = sla_steps.clock, sla_steps.timed, sla_steps.monitor

MINUTE = timedelta(minutes=1)
SET_POLICY = """mutation($p: Priority!, $r: Int!, $s: Int!, $share: Decimal) {
  setSlaPolicy(priority: $p, responseWithinMinutes: $r, resolutionWithinMinutes: $s,
    atRiskShare: $share) { atRiskShare } }"""


async def watching(url: str, tenant: str, **filters: str) -> Subscriber:
    subscriber = await Subscriber(url, token(tenant)).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(WATCH, filters)
    return subscriber


async def received(subscriber: Subscriber, count: int) -> list[dict[str, str]]:
    """The next `count` alerts. The hub delivers in the order alerts were raised, so an
    alert that should not have reached this dashboard shows up before a later one that
    should (the tests' positive controls)."""
    return [(await subscriber.next_data(timeout=20))["slaBreaches"] for _ in range(count)]


async def test_a_breach_is_published_once_per_order_and_target(
    timed: Api, clock: ManualClock, monitor: SlaMonitor, timed_gateway: Served
) -> None:
    shop = await open_shop(timed)
    order = await create_order(timed, shop, priority="CRITICAL")  # 1 h response, 4 h resolution
    created = datetime.fromisoformat(order["createdAt"])
    order_id = order["serviceOrderId"]
    subscriber = await watching(timed_gateway.url, timed.tenant)
    await timed_gateway.subscribed(timed.tenant)
    try:
        clock.set(created + 60 * MINUTE)
        assert await raised_for(monitor, timed.tenant) == {(order_id, "response", "at_risk")}
        clock.advance(timedelta(seconds=1))
        assert await raised_for(monitor, timed.tenant) == {(order_id, "response", "breached")}
        assert await raised_for(monitor, timed.tenant) == set()
        [warning, breach] = await received(subscriber, 2)

        clock.set(created + 4 * 60 * MINUTE + MINUTE)
        assert await raised_for(monitor, timed.tenant) == {(order_id, "resolution", "breached")}
        assert await raised_for(monitor, timed.tenant) == set()
        [resolution] = await received(subscriber, 1)

        # Positive control: another order's warning is the next alert, so no alert of the
        # first order was repeated after its last one.
        control = await create_order(timed, shop, priority="CRITICAL")
        control_id = control["serviceOrderId"]
        clock.set(datetime.fromisoformat(control["createdAt"]) + 50 * MINUTE)
        assert await raised_for(monitor, timed.tenant) == {(control_id, "response", "at_risk")}
        [next_alert] = await received(subscriber, 1)
    finally:
        await subscriber.close()
    assert (next_alert["serviceOrderId"], next_alert["kind"]) == (control_id, "AT_RISK")
    assert (warning["kind"], warning["target"]) == ("AT_RISK", "RESPONSE")
    assert breach == {
        "cursor": breach["cursor"],
        "kind": "BREACHED",
        "serviceOrderId": order_id,
        "customerId": shop["customer"],
        "locationId": "LOC-001",
        "priority": "CRITICAL",
        "target": "RESPONSE",
        "dueAt": order["sla"]["responseDueAt"],
        "detectedAt": (created + 60 * MINUTE + timedelta(seconds=1)).isoformat(),
    }
    assert int(breach["cursor"]) > int(warning["cursor"])
    assert (resolution["kind"], resolution["target"]) == ("BREACHED", "RESOLUTION")
    assert resolution["dueAt"] == order["sla"]["resolutionDueAt"]


async def test_the_warning_comes_when_the_policys_share_of_the_window_has_passed(
    timed: Api, clock: ManualClock, monitor: SlaMonitor
) -> None:
    shop = await open_shop(timed)
    high = await create_order(timed, shop, priority="HIGH")  # 4 h response: at risk at 80%
    await timed.data(SET_POLICY, {"p": "LOW", "r": 100, "s": 200, "share": "0.5"})
    low = await create_order(timed, shop, priority="LOW")
    created = datetime.fromisoformat(high["createdAt"])

    clock.set(created + 49 * MINUTE)
    assert await raised_for(monitor, timed.tenant) == set()
    clock.set(datetime.fromisoformat(low["createdAt"]) + 50 * MINUTE)
    assert await raised_for(monitor, timed.tenant) == {
        (low["serviceOrderId"], "response", "at_risk")
    }

    def of_high(raised: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return {r for r in raised if r[0] == high["serviceOrderId"]}

    clock.set(created + 191 * MINUTE)
    assert of_high(await raised_for(monitor, timed.tenant)) == set()
    clock.set(created + 192 * MINUTE)
    assert of_high(await raised_for(monitor, timed.tenant)) == {
        (high["serviceOrderId"], "response", "at_risk")
    }


async def test_met_targets_and_closed_orders_raise_nothing(
    timed: Api, clock: ManualClock, monitor: SlaMonitor
) -> None:
    shop = await open_shop(timed)
    scheduled = (await create_order(timed, shop, priority="CRITICAL"))["serviceOrderId"]
    await timed.data(SCHEDULE, await read(timed, {"id": scheduled, "start": START, "end": END}))
    cancelled = (await create_order(timed, shop, priority="CRITICAL"))["serviceOrderId"]
    await timed.data(CANCEL, await read(timed, {"id": cancelled, "reason": "Duplicate"}))
    completed = await in_progress(timed, shop)
    await timed.data(COMPLETE, await read(timed, {"id": completed, "code": "RESOLVED"}))

    clock.advance(timedelta(days=10))
    assert await raised_for(monitor, timed.tenant) == {(scheduled, "resolution", "breached")}


async def test_sla_breaches_are_filtered_by_location_and_priority(
    timed: Api, clock: ManualClock, monitor: SlaMonitor, timed_gateway: Served
) -> None:
    shop = await open_shop(timed)
    await timed.data(
        'mutation { createLocation(input: {locationId: "LOC-002", name: "South"}) { locationId } }'
    )
    north_critical = await create_order(timed, shop, priority="CRITICAL")
    south_critical = await create_order(timed, shop, priority="CRITICAL", locationId="LOC-002")
    north_high = await create_order(timed, shop, priority="HIGH")
    url, tenant = timed_gateway.url, timed.tenant
    north = await watching(url, tenant, location="LOC-001", priority="CRITICAL")
    south = await watching(url, tenant, location="LOC-002")
    high = await watching(url, tenant, priority="HIGH")
    await timed_gateway.subscribed(tenant, 3)

    async def alerts_of(*dashboards: tuple[Subscriber, int]) -> list[set[tuple[str, ...]]]:
        return [
            {(a["serviceOrderId"], a["target"], a["kind"]) for a in await received(s, n)}
            for s, n in dashboards
        ]

    try:
        clock.advance(timedelta(hours=5))  # CRITICAL: both targets breached; HIGH: response
        assert len(await raised_for(monitor, tenant)) == 5
        seen = await alerts_of((north, 2), (south, 2), (high, 1))

        # Positive controls raised after those: each dashboard's next alerts are its
        # control's, so nothing its filter should have held back came before them.
        north_control = (await create_order(timed, shop, priority="CRITICAL"))["serviceOrderId"]
        south_high_control = (
            await create_order(timed, shop, priority="HIGH", locationId="LOC-002")
        )["serviceOrderId"]
        clock.advance(timedelta(hours=5))
        assert len(await raised_for(monitor, tenant)) == 3
        controls = await alerts_of((north, 2), (south, 1), (high, 1))
    finally:
        for subscriber in (north, south, high):
            await subscriber.close()
    both = {("RESPONSE", "BREACHED"), ("RESOLUTION", "BREACHED")}
    assert seen == [
        {(north_critical["serviceOrderId"], *target) for target in both},
        {(south_critical["serviceOrderId"], *target) for target in both},
        {(north_high["serviceOrderId"], "RESPONSE", "BREACHED")},
    ]
    assert controls == [
        {(north_control, *target) for target in both},
        {(south_high_control, "RESPONSE", "BREACHED")},
        {(south_high_control, "RESPONSE", "BREACHED")},
    ]


async def test_a_target_met_between_the_scan_and_the_claim_raises_nothing(
    timed: Api, clock: ManualClock, engine: AsyncEngine
) -> None:
    shop = await open_shop(timed)
    order = await create_order(timed, shop, priority="CRITICAL")  # at risk after 48 min
    clock.set(datetime.fromisoformat(order["createdAt"]) + 50 * MINUTE)
    scanned = await CrossTenantDeadlineScan(engine).due_by(clock.now(), 10_000)
    due = [alert_for(d, clock.now()) for d in scanned if d.tenant_id == timed.tenant]
    raised = [alert for alert in due if alert is not None]
    assert [a.record_key for a in raised] == [(order["serviceOrderId"], "response", "at_risk")]
    await timed.data(
        SCHEDULE, await read(timed, {"id": order["serviceOrderId"], "start": START, "end": END})
    )
    async with UnitOfWork(engine, timed.tenant) as work:
        assert await work.sla_alerts.claim(raised) == []
        await work.commit()
    async with UnitOfWork(engine, timed.tenant) as work:
        assert await work.sla_alerts.get(raised[0].id) is None
