"""Operations dashboard benchmark: `operationsDashboard` over 100,000 service orders.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and a
`gateway serve` process (bench/harness.py), bulk-loads one tenant's orders with SQL
(20 locations, 15% of the orders open and created in the last two days, the rest closed
over the last 90 days, every priority and status), waits until the SLA monitor has
raised the alerts the open orders call for (the state of a system that has been running),
then asks for the whole-tenant dashboard from 1 and 10 concurrent clients and prints
p50/p99 per client count. Target: p99 under 100 ms at 10 clients.

    .venv/bin/python -m bench.dashboard    # about 30 s on 2 cores
    .venv/bin/python -m bench.dashboard --fresh-seconds 0    # every request reads
"""

from __future__ import annotations

import argparse
import asyncio
import time

import uvloop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.harness import TENANT, UNSENT, GraphQLClient, bench_token, percentile, running_gateway
from persistence.database import create_engine

DASHBOARD = """query($location: ID) { operationsDashboard(locationId: $location) {
  asOf locations { locationId openOrders atRisk breached breachesToday
  byStatus { status total critical high medium low } } } }"""

LOCATIONS = 20

# Windows per priority (LOW, MEDIUM, HIGH, CRITICAL), the default SLA policies, in hours.
ORDERS = """
WITH shaped AS (
  SELECT g,
         g % 100 < :open_percent AS open,
         (g / 7) % 4 + 1 AS p
  FROM generate_series(1, :count) AS g
), timed AS (
  SELECT g, open, p,
         (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[p] AS priority,
         CASE WHEN open
              THEN (ARRAY['REQUESTED','SCHEDULED','DISPATCHED','IN_PROGRESS'])[(g / 3) % 4 + 1]
              ELSE (ARRAY['COMPLETED','BILLED','CANCELLED'])[(g / 3) % 3 + 1] END AS status,
         now() - CASE WHEN open THEN make_interval(mins => (g * 37) % 2880)
                      ELSE make_interval(mins => 2880 + (g * 53) % 129600) END AS created,
         make_interval(hours => (ARRAY[24, 8, 4, 1])[p]) AS response,
         make_interval(hours => (ARRAY[120, 72, 24, 4])[p]) AS resolution
  FROM shaped
)
INSERT INTO service_orders (
  tenant_id, id, customer_id, vehicle_id, location_id, priority, status, description,
  scheduled_at, completed_at, cancelled_at, response_due_at, resolution_due_at,
  response_at_risk_at, resolution_at_risk_at, created_at, updated_at)
SELECT :tenant, 'SO-' || g, 'CUST-' || (g % 1000 + 1), 'VEH-' || (g % 1000 + 1),
       'LOC-' || lpad(((g / 100) % :locations + 1)::text, 3, '0'), priority, status, 'bench order',
       CASE WHEN status IN ('REQUESTED', 'CANCELLED') THEN NULL ELSE created + response / 2 END,
       CASE WHEN status IN ('COMPLETED', 'BILLED') THEN created + resolution / 2 END,
       CASE WHEN status = 'CANCELLED' THEN created + interval '10 minutes' END,
       created + response, created + resolution,
       created + response * 0.8, created + resolution * 0.8,
       created, created
FROM timed
"""


async def load_orders(engine: AsyncEngine, count: int, open_percent: int = 15) -> float:
    """Bulk-load the benchmark tenant's locations, customers, vehicles and `count` orders."""
    started = time.perf_counter()
    params = {"tenant": TENANT, "locations": LOCATIONS}
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO locations (tenant_id, id, name) SELECT :tenant, "
                "'LOC-' || lpad(g::text, 3, '0'), 'Shop ' || g "
                "FROM generate_series(1, :locations) g ON CONFLICT DO NOTHING"
            ),
            params,
        )
        await connection.execute(
            text(
                "INSERT INTO customers (tenant_id, id, name) SELECT :tenant, 'CUST-' || g, "
                "'Customer ' || g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING"
            ),
            params,
        )
        await connection.execute(
            text(
                "INSERT INTO vehicles (tenant_id, id, customer_id, vin) SELECT :tenant, "
                "'VEH-' || g, 'CUST-' || g, lpad(g::text, 17, '0') "
                "FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING"
            ),
            params,
        )
        await connection.execute(
            text(ORDERS), {**params, "count": count, "open_percent": open_percent}
        )
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE service_orders"))
    return time.perf_counter() - started


async def settle(engine: AsyncEngine, quiet_seconds: float = 3.0) -> tuple[int, float]:
    """Wait until the monitor stops raising alerts and the outbox is drained."""
    started = time.perf_counter()
    last, still_since = -1, time.perf_counter()
    while True:
        async with engine.connect() as connection:
            alerts = (await connection.execute(text("SELECT count(*) FROM sla_alerts"))).scalar()
            unsent = (await connection.execute(text(UNSENT))).scalar()
        if alerts != last or unsent:
            last, still_since = alerts, time.perf_counter()
        elif time.perf_counter() - still_since >= quiet_seconds:
            return int(alerts or 0), still_since - started
        await asyncio.sleep(0.5)


async def clients(url: str, concurrency: int, requests: int) -> list[float]:
    """Each client asks for the dashboard in a loop on a connection of its own, opened and
    warmed before timing; the latencies of every request."""
    connections = [GraphQLClient(url, bench_token()) for _ in range(concurrency)]
    latencies: list[float] = []

    async def client(http: GraphQLClient, count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            await http.call(DASHBOARD, {"location": None})
            latencies.append((time.perf_counter() - started) * 1000)

    try:
        for n in range(20):  # warm-up: connections, plan caches
            await client(connections[n % concurrency], 1)
        latencies.clear()
        await asyncio.gather(*(client(http, requests // concurrency) for http in connections))
    finally:
        for http in connections:
            await http.close()
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--fresh-seconds", help="DASHBOARD_FRESH_SECONDS of the server (default: its default)"
    )
    args = parser.parse_args()
    env = {} if args.fresh_seconds is None else {"DASHBOARD_FRESH_SECONDS": args.fresh_seconds}
    async with running_gateway("bench-dashboard-", env) as services:
        engine = create_engine(services.database_url)
        try:
            loaded = await load_orders(engine, args.orders)
            print(f"loaded {args.orders:,} orders in {loaded:.1f} s")
            alerts, caught_up = await settle(engine)
            print(f"SLA monitor raised {alerts:,} alerts for them in {caught_up:.1f} s")
            http = GraphQLClient(services.server.url, bench_token())
            try:
                body = await http.call(DASHBOARD)
            finally:
                await http.close()
            rows = body["operationsDashboard"]["locations"]
            print(
                f"dashboard: {len(rows)} locations, {sum(r['openOrders'] for r in rows):,} open, "
                f"{sum(r['atRisk'] for r in rows):,} at risk, "
                f"{sum(r['breachesToday'] for r in rows):,} breaches today"
            )
            for concurrency in (1, 10):
                latencies = await clients(services.server.url, concurrency, args.requests)
                print(
                    f"operationsDashboard x{len(latencies)} at {concurrency:>2} clients: "
                    f"p50 {percentile(latencies, 0.5):.1f} ms, "
                    f"p99 {percentile(latencies, 0.99):.1f} ms"
                )
        finally:
            await engine.dispose()


if __name__ == "__main__":
    uvloop.run(main())
