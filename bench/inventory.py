"""Inventory benchmark: seed 004's customer inventory view and reserveStock at 1 and 10 clients.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and a
`gateway serve` process (bench/harness.py), bulk-loads with SQL one tenant's 100,000
parts stocked at 3 locations and a ledger of 2,000,000 receipts behind those levels (each
level's on-hand is the sum of its movements, as `gateway check-inventory` wants it), a
GOLD customer with 2,000 specific prices and discounts, then times from 1 and from 10
concurrent clients (`--clients`; the targets are for 10):

- `customerInventoryView`, a page of 50 with customer prices at a location (a random
  page among the first 100), seed 004's item fields; target p99 under 50 ms;
- the same with a text search (a SKU prefix that matches 100 parts);
- the same page with `totalCount` and `totalValue`, which read every match (a tenth of
  the requests: each reads 100,000 levels);
- `reserveStock` of one unit of a random part at a random location; target p99 under
  20 ms.

Each line prints p50, p99 and the CPU per request of the gateway processes, of the
embedded PostgreSQL and of the whole machine (the broker and the load generator
included). On a machine other sessions share, the gateway's and the database's CPU are
the figures that measure a request; latencies and the machine's CPU measure the
neighbours. Every line is measured against one `gateway serve` and again against two
(`--gateways`), the clients spread over them: one Python process uses one core, and
with ten clients and no pause the single gateway is the bottleneck (p50 about ten times
its CPU per request) while PostgreSQL leaves part of the second core idle; a deployment
on two cores runs a process per core, as it runs replicas behind a balancer.

    .venv/bin/python -m bench.inventory                     # about 5 minutes on 2 cores
    .venv/bin/python -m bench.inventory --skus 5000 --movements 50000   # a small run
    BENCH_INVENTORY_SKUS=5000 BENCH_INVENTORY_MOVEMENTS=50000 .venv/bin/python -m bench.inventory
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import uvloop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.harness import (
    TENANT,
    GraphQLClient,
    Request,
    Server,
    Services,
    bench_token,
    measure,
    percentile,
    running_gateway,
)
from persistence.database import create_engine

LOCATIONS = ("LOC-1", "LOC-2", "LOC-3")
CUSTOMER = "CUST-BENCH"
SPECIFIC_PRICES = 2_000
ITEM = """sku description availableQuantity reservedQuantity unitPrice customerPrice
  discountPercentage leadTime location"""
VIEW = f"""query($location: ID, $search: String, $index: Int) {{
  customerInventoryView(customerId: "{CUSTOMER}", locationId: $location, search: $search,
                        pageIndex: $index, pageSize: 50) {{
    customerName customerTier lastUpdated hasNextPage inventoryItems {{ {ITEM} }}
  }}
}}"""
VIEW_WITH_TOTALS = VIEW.replace("hasNextPage", "hasNextPage totalCount totalValue")
RESERVE = """mutation($input: ReserveStockInput!) {
  reserveStock(input: $input) { reservation { reservationId } level { available } }
}"""

LOAD = [
    "INSERT INTO locations (tenant_id, id, name) SELECT :tenant, 'LOC-' || g, 'Shop ' || g "
    "FROM generate_series(1, 3) g",
    # List prices from 1.37 to 685.00 in 500 steps: the value sums 500 price groups.
    "INSERT INTO parts (tenant_id, id, sku, name, description, unit_price) "
    "SELECT :tenant, 'P-' || lpad(g::text, 6, '0'), 'SKU-' || lpad(g::text, 6, '0'), "
    "'Part ' || g, 'Bench part number ' || g || (ARRAY[' brake',' filter',' oil',' belt'])"
    "[g % 4 + 1], (g % 500 + 1) * 1.37 FROM generate_series(1, :skus) g",
    # Movement g stocks pair g % pairs (pairs = skus x 3): receipts of 1 to 9 units.
    "INSERT INTO stock_levels (tenant_id, product_id, location_id, sku, on_hand, reserved, "
    "reorder_point, lead_time_days) "
    "SELECT :tenant, 'P-' || lpad((pair / 3 + 1)::text, 6, '0'), 'LOC-' || (pair % 3 + 1), "
    "'SKU-' || lpad((pair / 3 + 1)::text, 6, '0'), sum(g % 9 + 1), 0, 5, pair % 15 "
    "FROM (SELECT g, g % (:skus * 3) AS pair FROM generate_series(0, :movements - 1) g) m "
    "GROUP BY pair",
    "INSERT INTO stock_movements (tenant_id, id, product_id, location_id, kind, quantity, "
    "on_hand_after, unit_cost, reference, recorded_by, occurred_at) "
    "SELECT :tenant, 'MOV-' || g, 'P-' || lpad((pair / 3 + 1)::text, 6, '0'), "
    "'LOC-' || (pair % 3 + 1), 'RECEIPT', g % 9 + 1, "
    "sum(g % 9 + 1) OVER (PARTITION BY pair ORDER BY g), 2.50, 'PO-' || (g / 50), 'bench', "
    "now() - make_interval(secs => :movements - g) "
    "FROM (SELECT g, g % (:skus * 3) AS pair FROM generate_series(0, :movements - 1) g) m",
    "INSERT INTO customers (tenant_id, id, name, tier) VALUES (:tenant, :customer, "
    "'Bench Fleet', 'GOLD')",
    "INSERT INTO customer_price_lists (tenant_id, customer_id) VALUES (:tenant, :customer)",
    # Every 50th part has a specific price (odd) or a specific discount (even).
    "INSERT INTO customer_prices (tenant_id, customer_id, product_id, customer_price, "
    "discount_percentage) SELECT :tenant, :customer, 'P-' || lpad(g::text, 6, '0'), "
    "CASE WHEN g % 100 = 50 THEN 1.00 END, CASE WHEN g % 100 <> 50 THEN 25 END "
    "FROM generate_series(50, least(:skus, :specific * 50), 50) g",
]


async def load(engine: AsyncEngine, skus: int, movements: int) -> float:
    """The tenant's parts, levels, ledger and customer; then VACUUM ANALYZE. Each table is
    analyzed as soon as it is filled: the ledger's foreign key checks plan their lookup
    of the level by the table's statistics, and planned on a table believed empty they
    made the load of 2,000,000 movements take over 6 minutes instead of about one."""
    started = time.perf_counter()
    params = {
        "tenant": TENANT,
        "skus": skus,
        "movements": movements,
        "customer": CUSTOMER,
        "specific": SPECIFIC_PRICES,
    }
    async with engine.begin() as connection:
        for statement in LOAD:
            await connection.execute(text(statement), params)
            table = statement.split()[2]
            await connection.execute(text(f"ANALYZE {table}"))
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(
            text("VACUUM ANALYZE parts, stock_levels, stock_movements, customer_prices")
        )
    return time.perf_counter() - started


def page_at_location(pick: random.Random) -> tuple[str, dict[str, Any]]:
    return VIEW, {"location": pick.choice(LOCATIONS), "index": pick.randrange(100)}


def searched(skus: int) -> Request:
    def search(pick: random.Random) -> tuple[str, dict[str, Any]]:
        # "SKU-0123" matches SKU-012300 to SKU-012399: 100 parts, 300 items.
        return VIEW, {"search": f"SKU-{pick.randrange(skus):06d}"[:8], "index": 0}

    return search


def with_totals(pick: random.Random) -> tuple[str, dict[str, Any]]:
    return VIEW_WITH_TOTALS, {"location": pick.choice(LOCATIONS), "index": pick.randrange(100)}


def reservation(skus: int) -> Request:
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    def reserve(pick: random.Random) -> tuple[str, dict[str, Any]]:
        return RESERVE, {
            "input": {
                "sku": f"SKU-{pick.randrange(1, skus + 1):06d}",
                "locationId": pick.choice(LOCATIONS),
                "quantity": "1",
                "referenceType": "ORDER_LINE",
                "referenceId": f"BENCH-{pick.randrange(10**9)}",
                "expiresAt": until,
            }
        }

    return reserve


@contextlib.asynccontextmanager
async def replicas(services: Services, count: int) -> AsyncIterator[list[Server]]:
    """The benchmark's gateway and `count - 1` more `gateway serve` processes on the same
    database and broker, as a deployment scales out on more cores (each replica relays,
    sweeps and consumes too, as in production)."""
    more = [
        Server(services.database_url, services.bootstrap, services.folder / f"gateway-{n}.log")
        for n in range(2, count + 1)
    ]
    try:
        await asyncio.gather(*(server.ready() for server in more))
        yield [services.server, *more]
    finally:
        for server in more:
            server.stop()


HEADER = (
    f"{'operation':<38} {'gateways':>8} {'clients':>7} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'target':>7} {'n':>5} {'gateway CPU ms/req':>19} {'database CPU ms/req':>20} "
    f"{'machine CPU ms/req':>19}"
)
"""The header of the lines measured on `replicas`."""


@contextlib.asynccontextmanager
async def spread(
    services: Services, replica_count: int, count: int
) -> AsyncIterator[tuple[list[GraphQLClient], list[int]]]:
    """`count` clients over `replica_count` gateways (`replicas`), client n talking to
    gateway n mod replicas as a balancer spreads them, and the gateways' pids; the
    clients are closed after."""
    async with replicas(services, replica_count) as servers:
        clients = [
            GraphQLClient(servers[n % len(servers)].url, bench_token()) for n in range(count)
        ]
        try:
            yield clients, [server.process.pid for server in servers]
        finally:
            for http in clients:
                await http.close()


async def measured_line(
    name: str,
    target: str,
    gateways: int,
    running: list[GraphQLClient],
    request: Request,
    count: int,
    pids: list[int],
    services: Services,
) -> str:
    """The line of HEADER's table for `count` requests of `running` clients, after a
    warm-up of four requests each."""
    await measure(running, request, 4 * len(running), pids, services)
    latencies, gateway_ms, database_ms, machine_ms = await measure(
        running, request, count, pids, services
    )
    return (
        f"{name:<38} {gateways:>8} {len(running):>7} {percentile(latencies, 0.5):>7.1f} "
        f"{percentile(latencies, 0.99):>7.1f} {target:>7} {len(latencies):>5} "
        f"{gateway_ms:>19.2f} {database_ms:>20.2f} {machine_ms:>19.2f}"
    )


async def main(
    skus: int, movements: int, requests: int, counts: list[int], replica_counts: list[int]
) -> None:
    async with running_gateway("bench-inventory-") as services:
        engine = create_engine(services.database_url)
        try:
            seconds = await load(engine, skus, movements)
        finally:
            await engine.dispose()
        print(
            f"loaded {skus:,} parts x {len(LOCATIONS)} locations and {movements:,} movements "
            f"in {seconds:.1f} s"
        )
        scenarios: dict[str, tuple[Request, str]] = {
            "view: page of 50 at a location": (page_at_location, "< 50"),
            "view: text search, page of 50": (searched(skus), "< 50"),
            "view: page + totalCount, totalValue": (with_totals, "-"),
            "reserveStock: 1 unit": (reservation(skus), "< 20"),
        }
        print(HEADER)
        for replica_count in replica_counts:
            async with spread(services, replica_count, max(counts)) as (clients, pids):
                for (name, (request, target)), concurrency in product(scenarios.items(), counts):
                    count = requests // 10 if target == "-" else requests
                    print(
                        await measured_line(
                            name,
                            target,
                            replica_count,
                            clients[:concurrency],
                            request,
                            count,
                            pids,
                            services,
                        )
                    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skus", type=int, default=int(os.environ.get("BENCH_INVENTORY_SKUS", 100_000))
    )
    parser.add_argument(
        "--movements",
        type=int,
        default=int(os.environ.get("BENCH_INVENTORY_MOVEMENTS", 2_000_000)),
        help="at least 3 x skus, so every level has a movement",
    )
    parser.add_argument("--requests", type=int, default=2000, help="per operation, all clients")
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[1, 10], help="client counts, one run each"
    )
    parser.add_argument(
        "--gateways",
        type=int,
        nargs="+",
        default=[1, 2],
        help="gateway processes the clients are spread over, one run each (2: one per core)",
    )
    args = parser.parse_args()
    uvloop.run(main(args.skus, args.movements, args.requests, args.clients, args.gateways))
