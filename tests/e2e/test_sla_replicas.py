"""Exactly-once SLA alerts with several replicas: two `gateway serve` processes whose
monitors live five hours ahead (the test-only `SLA_CLOCK_OFFSET_SECONDS`) race for the
same breaches in one database, beside the session gateway's own monitor."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api, Services, token
from tests.e2e.service_order_steps import create_order, open_shop
from tests.e2e.sla_steps import WATCH
from tests.e2e.test_replicas import GatewayProcess
from tests.graphql_ws import Subscriber

ORDERS = 12
FIVE_HOURS = str(5 * 3600)

ALERTS = text(
    "SELECT aggregate_id, upper(payload ->> 'target') AS target, event_type, count(*) AS n "
    "FROM outbox WHERE tenant_id = :tenant "
    "AND event_type IN ('SlaBreached', 'SlaAtRisk') GROUP BY 1, 2, 3"
)
"""The outbox holds each alert as its fact: the type's name, the target by its value."""


async def test_two_replicas_publish_each_breach_exactly_once(
    services: Services, database_url: str, engine: AsyncEngine, api: Api, tmp_path: Path
) -> None:
    shop = await open_shop(api)
    ahead = {
        "SLA_CLOCK_OFFSET_SECONDS": FIVE_HOURS,
        "SLA_MONITOR_POLL_SECONDS": "0.2",
        "INBOUND_ENABLED": "false",
    }
    replicas = [GatewayProcess(services, tmp_path / f"{n}.log", **ahead) for n in "ab"]
    try:
        await asyncio.gather(*(replica.start() for replica in replicas))
        async with Subscriber(replicas[0].url, token(api.tenant)) as subscriber:
            await subscriber.acknowledged()
            await subscriber.subscribe(WATCH)
            await asyncio.sleep(0.5)
            # Created at the real "now": five hours later both CRITICAL targets are breached.
            created = await asyncio.gather(
                *(create_order(api, shop, priority="CRITICAL") for _ in range(ORDERS))
            )
            received = [
                (await subscriber.next_data(timeout=30))["slaBreaches"] for _ in range(2 * ORDERS)
            ]
            # Positive control: the next two alerts are a later order's, so no breach was
            # published twice before them (alerts arrive in the order they were raised).
            control = await create_order(api, shop, priority="CRITICAL")
            after = [(await subscriber.next_data(timeout=30))["slaBreaches"] for _ in range(2)]
    finally:
        await asyncio.gather(*(replica.stop() for replica in replicas))
    orders = {order["serviceOrderId"] for order in created}
    expected = {(order, target) for order in orders for target in ("RESPONSE", "RESOLUTION")}
    assert sorted((a["serviceOrderId"], a["target"]) for a in received) == sorted(expected)
    assert {a["kind"] for a in received} == {"BREACHED"}
    assert {a["serviceOrderId"] for a in after} == {control["serviceOrderId"]}
    expected |= {(control["serviceOrderId"], target) for target in ("RESPONSE", "RESOLUTION")}
    async with engine.connect() as connection:
        rows = (await connection.execute(ALERTS, {"tenant": api.tenant})).all()
    assert sorted((order, target, kind, n) for order, target, kind, n in rows) == sorted(
        (order, target, "SlaBreached", 1) for order, target in expected
    )
