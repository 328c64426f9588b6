"""Read benchmark: nested lists and one estimate, over 50,000 estimates and 50,000 orders.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and a
`gateway serve` process (bench/harness.py), bulk-loads one tenant with SQL (1,000
customers each with a vehicle, one location, 50,000 estimates of two lines each and
50,000 service orders of one item each), then times each document from 1, 10 and 50
concurrent clients and prints throughput, p50/p99 and the gateway's CPU per request:

- `orders`: a page of 50 service orders with their customer, vehicle, location and items;
- `customers`: a page of 50 customers, each with its first 5 estimates (a connection with
  `totalCount`) and their totals (`--links` only: the link lists issue 18 added);
- `estimate`: one estimate with its lines, customer and vehicle.

    .venv/bin/python -m bench.lists             # about a minute on 2 cores
    .venv/bin/python -m bench.lists --links     # the customers' estimates too
"""

from __future__ import annotations

import argparse
import asyncio
import time

import uvloop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.harness import (
    TENANT,
    GraphQLClient,
    bench_token,
    percentile,
    process_cpu_seconds,
    running_gateway,
)
from persistence.database import create_engine

DOCUMENTS = {
    "orders": """{ serviceOrders(pageSize: 50) { items { serviceOrderId status priority createdAt
      customer { customerId name } vehicle { vehicleId vin } location { locationId name }
      items { description quantity unitPrice } } } }""",
    "estimate": """{ estimate(id: "EST-25000") { estimateId status
      items { description quantity unitPrice lineTotal } totals { grandTotal }
      customer { customerId name } vehicle { vehicleId vin } } }""",
    "customers": """{ searchCustomers(pageSize: 50) { items { customerId name
      estimates(first: 5) { totalCount nodes { estimateId status totals { grandTotal } } } } } }""",
}
LOAD = [
    """INSERT INTO locations (tenant_id, id, name) VALUES (:tenant, 'LOC-001', 'North')""",
    """INSERT INTO customers (tenant_id, id, name)
       SELECT :tenant, 'CUST-' || g, 'Customer ' || g FROM generate_series(1, 1000) g""",
    """INSERT INTO vehicles (tenant_id, id, customer_id, vin)
       SELECT :tenant, 'VEH-' || g, 'CUST-' || g, '1HGBH41JXMN' || lpad(g::text, 6, '0')
       FROM generate_series(1, 1000) g""",
    """INSERT INTO estimates (tenant_id, id, number, revision, status, customer_id, vehicle_id,
         location_id, created_by, currency_uom_id, subtotal_services, subtotal_materials,
         discount_amount, tax_total, grand_total, item_count, created_at, updated_at)
       SELECT :tenant, 'EST-' || g, 'EST-' || g, 1, 'DRAFT', 'CUST-' || (g % 1000 + 1),
         'VEH-' || (g % 1000 + 1), 'LOC-001', 'bench', 'USD', 60, 89.99, 0, 0, 149.99, 2,
         now() - make_interval(mins => g), now()
       FROM generate_series(1, 50000) g""",
    """INSERT INTO estimate_items (tenant_id, estimate_id, item_id, position, item_type,
         description, quantity, unit_price, price_overridden, line_discount, tax_amount)
       SELECT :tenant, 'EST-' || g, 'ITEM-' || n, n, CASE n WHEN 1 THEN 'PART' ELSE 'LABOR' END,
         'Line ' || n, 1, CASE n WHEN 1 THEN 89.99 ELSE 60 END, false, 0, 0
       FROM generate_series(1, 50000) g, generate_series(1, 2) n""",
    """INSERT INTO service_orders (tenant_id, id, customer_id, vehicle_id, location_id, priority,
         status, description, response_due_at, resolution_due_at, response_at_risk_at,
         resolution_at_risk_at, created_at, updated_at)
       SELECT :tenant, 'SO-' || g, 'CUST-' || (g % 1000 + 1), 'VEH-' || (g % 1000 + 1),
         'LOC-001', 'LOW', 'COMPLETED', 'bench order', now() + interval '1 year',
         now() + interval '1 year', now() + interval '1 year', now() + interval '1 year',
         now() - make_interval(mins => g), now()
       FROM generate_series(1, 50000) g""",
    """INSERT INTO service_order_items (tenant_id, service_order_id, position, item_id,
         item_type, description, quantity, unit_price)
       SELECT :tenant, 'SO-' || g, 0, 'ITEM-1', 'PART', 'Pads', 1, 89.99
       FROM generate_series(1, 50000) g""",
    "ANALYZE",
]


async def load(engine: AsyncEngine) -> float:
    started = time.perf_counter()
    async with engine.begin() as connection:
        for statement in LOAD:
            await connection.execute(text(statement), {"tenant": TENANT})
    return time.perf_counter() - started


async def clients(
    url: str, document: str, concurrency: int, seconds: float, pid: int
) -> tuple[list[float], float, float]:
    """Each client sends `document` in a loop on a connection of its own for `seconds`,
    after a warm-up; the latencies of every timed request, the seconds they took and the
    gateway's CPU seconds meanwhile."""
    connections = [GraphQLClient(url, bench_token()) for _ in range(concurrency)]
    latencies: list[float] = []
    until = 0.0

    async def client(http: GraphQLClient, warm: bool) -> None:
        while warm or time.perf_counter() < until:
            started = time.perf_counter()
            await http.call(document)
            if warm:
                return
            latencies.append((time.perf_counter() - started) * 1000)

    try:
        for http in connections:
            for _ in range(3):
                await client(http, warm=True)
        cpu, started = process_cpu_seconds(pid), time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(client(http, warm=False) for http in connections))
        elapsed, used = time.perf_counter() - started, process_cpu_seconds(pid) - cpu
    finally:
        for http in connections:
            await http.close()
    return latencies, elapsed, used


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per line")
    parser.add_argument("--links", action="store_true", help="also time `customers`")
    args = parser.parse_args()
    names = ["orders", "estimate"] + (["customers"] if args.links else [])
    async with running_gateway("bench-lists-") as services:
        engine = create_engine(services.database_url)
        try:
            print(f"loaded in {await load(engine):.1f} s")
        finally:
            await engine.dispose()
        pid = services.server.process.pid
        for name in names:
            for concurrency in (1, 10, 50):
                latencies, elapsed, used = await clients(
                    services.server.url, DOCUMENTS[name], concurrency, args.seconds, pid
                )
                print(
                    f"{name:<9} {concurrency:>2} clients: {len(latencies) / elapsed:7.1f} req/s, "
                    f"p50 {percentile(latencies, 0.5):6.1f} ms, "
                    f"p99 {percentile(latencies, 0.99):6.1f} ms, "
                    f"gateway CPU {1000 * used / len(latencies):5.2f} ms/req"
                )


if __name__ == "__main__":
    uvloop.run(main())
