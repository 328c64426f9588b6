"""SLA monitor benchmark: from an order's due time to its breach on a dashboard's websocket.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and a `gateway
serve` process with its default settings (bench/harness.py), bulk-loads 100,000 orders
as bench/dashboard.py does and waits until the monitor has caught up with them, then
opens a `slaBreaches` subscription and inserts orders whose response targets fall due
one every half second over the next 15 seconds. For each breach the subscriber receives,
it measures the time from the due time (`dueAt`) to its arrival: the monitor's wake-up,
the alert's transaction, the outbox relay, Kafka, the hub and the websocket together.
Prints p50/p99/max. Target: under 5 s (the seeds' event SLA).

    .venv/bin/python -m bench.sla_monitor    # about a minute on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime

import websockets
from sqlalchemy import text

from bench.dashboard import load_orders, settle
from bench.harness import TENANT, bench_token, percentile, running_gateway
from persistence.database import create_engine

WATCH = """subscription { slaBreaches(priority: CRITICAL) {
  kind serviceOrderId target dueAt } }"""

DUE_SOON = """
INSERT INTO service_orders (
  tenant_id, id, customer_id, vehicle_id, location_id, priority, status, description,
  response_due_at, resolution_due_at, response_at_risk_at, resolution_at_risk_at,
  created_at, updated_at)
SELECT :tenant, 'SO-DUE-' || g, 'CUST-1', 'VEH-1', 'LOC-001', 'CRITICAL', 'REQUESTED',
       'due soon', due, due + interval '3 hours', due - interval '12 minutes',
       due + interval '2 hours', due - interval '1 hour', now()
FROM (SELECT g, now() + make_interval(
               secs => CAST(:lead AS float8) + g * CAST(:spacing AS float8)) AS due
      FROM generate_series(1, :count) AS g) AS deadlines
"""


async def watch(url: str, expected: int, latencies: list[float], ready: asyncio.Event) -> None:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {bench_token()}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": WATCH}}))
        await asyncio.sleep(0.5)
        ready.set()
        while len(latencies) < expected:
            message = json.loads(await ws.recv())
            if message.get("type") != "next":
                continue
            alert = message["payload"]["data"]["slaBreaches"]
            if alert["kind"] == "BREACHED" and alert["serviceOrderId"].startswith("SO-DUE-"):
                due = datetime.fromisoformat(alert["dueAt"])
                latencies.append((datetime.now(UTC) - due).total_seconds() * 1000)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--breaches", type=int, default=30)
    args = parser.parse_args()
    async with running_gateway("bench-sla-") as services:
        engine = create_engine(services.database_url)
        try:
            loaded = await load_orders(engine, args.orders)
            alerts, caught_up = await settle(engine)
            print(f"loaded {args.orders:,} orders in {loaded:.1f} s")
            print(f"SLA monitor raised {alerts:,} alerts for them in {caught_up:.1f} s")
            latencies: list[float] = []
            ready = asyncio.Event()
            watcher = asyncio.create_task(
                watch(services.server.url, args.breaches, latencies, ready)
            )
            await ready.wait()
            async with engine.begin() as connection:
                await connection.execute(
                    text(DUE_SOON),
                    {"tenant": TENANT, "lead": 2.0, "spacing": 0.5, "count": args.breaches},
                )
            started = time.perf_counter()
            await asyncio.wait_for(watcher, timeout=60 + args.breaches)
            print(
                f"deadline -> breach on the websocket, {len(latencies)} breaches over "
                f"{time.perf_counter() - started:.0f} s: p50 {percentile(latencies, 0.5):.0f} ms, "
                f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms"
            )
        finally:
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
