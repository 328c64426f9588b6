"""Read benchmark: nested lists and one estimate, over 50,000 estimates and 50,000 orders.

Self-contained and repeatable: starts the embedded PostgreSQL and broker and two
`gateway serve` processes on them (bench/harness.py), one with the compiled read path
(`planned`, the default) and one with `PLANNED_READS=false` (`strawberry`), bulk-loads
one tenant with SQL (1,000 customers each with a vehicle, one location, 50,000 estimates
of two lines each and 50,000 service orders of one item each), checks that both answer
every document with the same JSON, then times each document on each gateway from 1, 10
and 50 concurrent clients and prints throughput, p50/p99, the server's and PostgreSQL's
CPU per request and the SQL statements per request (counted from PostgreSQL's statement
log over 50 sequential requests, less what the idle gateways ran meanwhile):

- `orders`: a page of 50 service orders with their customer, vehicle, location and items;
- `customers`: a page of 50 customers, each with its first 5 estimates (a connection with
  `totalCount`) and their totals (`--links` only: the link lists issue 18 added);
- `estimate`: one estimate with its lines, customer and vehicle.

With `--peer postgraphile` it also installs (`npm ci`, once) and starts PostGraphile v5
on the same database (bench/peer.py), checks that it answers `orders` and `estimate`
with the same rows and values, and times it beside the two paths (its CPU is the Node
process's; it has no document for `customers`).

    .venv/bin/python -m bench.lists                      # about two minutes on 2 cores
    .venv/bin/python -m bench.lists --links              # the customers' estimates too
    .venv/bin/python -m bench.lists --peer postgraphile  # PostGraphile v5 beside them

Wall-clock figures are noisy on a shared machine; the CPU per request is the steadier
figure to compare the servers by.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvloop
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import peer
from bench.harness import (
    TENANT,
    GraphQLClient,
    Server,
    Services,
    bench_token,
    database_cpu_seconds,
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
    url: str, document: str, concurrency: int, seconds: float, pid: int, services: Services
) -> tuple[list[float], float, float, float]:
    """Each client sends `document` in a loop on a connection of its own for `seconds`,
    after a warm-up; the latencies of every timed request, the seconds they took, and the
    server's and the database's CPU seconds meanwhile."""
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
        cpu, database = process_cpu_seconds(pid), database_cpu_seconds(services)
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(client(http, warm=False) for http in connections))
        elapsed, used = time.perf_counter() - started, process_cpu_seconds(pid) - cpu
        database = database_cpu_seconds(services) - database
    finally:
        for http in connections:
            await http.close()
    return latencies, elapsed, used, database


STATEMENT = re.compile(r"LOG:  (statement|execute [^:]*):")
"""A statement in PostgreSQL's log with `log_statement = 'all'`: a simple query
(BEGIN, ROLLBACK) or an execution of a prepared one."""
COUNTED = 50


async def _log_statements(engine: AsyncEngine, on: bool) -> None:
    setting = "ALTER SYSTEM SET log_statement = 'all'" if on else "ALTER SYSTEM RESET log_statement"
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(setting))
        await connection.execute(text("SELECT pg_reload_conf()"))
    await asyncio.sleep(0.5)


def _logged(log: Path) -> int:
    with log.open(errors="replace") as lines:
        return sum(1 for line in lines if STATEMENT.search(line))


async def statements_per_request(log: Path, url: str, document: str) -> float:
    """SQL statements per request of `document`: those PostgreSQL logged over `COUNTED`
    sequential requests, less those it logged over as long a time with no request (the
    gateways' background work: outbox relay, SLA monitor, hub catch-up)."""
    http = GraphQLClient(url, bench_token())
    try:
        await http.call(document)
        before, started = _logged(log), time.perf_counter()
        for _ in range(COUNTED):
            await http.call(document)
        elapsed = time.perf_counter() - started
        during = _logged(log) - before
        idle = _logged(log)
        await asyncio.sleep(elapsed)
        idle = _logged(log) - idle
    finally:
        await http.close()
    return max(during - idle, 0) / COUNTED


async def answer(url: str, document: str) -> dict[str, Any]:
    http = GraphQLClient(url, bench_token())
    try:
        return await http.call(document)
    finally:
        await http.close()


async def same_answers(planned: str, ordinary: str, names: list[str]) -> None:
    """Both gateways answer every document with the same JSON, value by value."""
    for name in names:
        answers = [await answer(url, DOCUMENTS[name]) for url in (planned, ordinary)]
        assert answers[0] == answers[1], f"{name}: the two paths answer differently"


async def same_data_as_peer(planned: str, postgraphile: str, names: list[str]) -> None:
    """PostGraphile answers its documents with the gateway's rows and values."""
    for name in names:
        ours = await answer(planned, DOCUMENTS[name])
        theirs = await answer(postgraphile, peer.DOCUMENTS[name])
        assert peer.same_data(name, ours, theirs), f"{name}: PostGraphile answers other data"


@dataclass(frozen=True)
class Contender:
    """A server timed on the same documents: where it listens, its process, what it is sent."""

    url: str
    pid: int
    documents: dict[str, str]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per line")
    parser.add_argument("--links", action="store_true", help="also time `customers`")
    parser.add_argument(
        "--peer", choices=["postgraphile"], help="also time PostGraphile v5 (bench/peer.py)"
    )
    args = parser.parse_args()
    names = ["orders", "estimate"] + (["customers"] if args.links else [])
    if args.peer:
        peer.install()
    async with running_gateway("bench-lists-") as services:
        engine = create_engine(services.database_url)
        try:
            print(f"loaded in {await load(engine):.1f} s")
            ordinary = Server(
                services.database_url,
                services.bootstrap,
                services.folder / "strawberry.log",
                {"PLANNED_READS": "false"},
            )
            postgraphile = (
                peer.PostGraphile(services.database_url, services.folder / "postgraphile.log")
                if args.peer
                else None
            )
            try:
                await ordinary.ready()
                contenders = {
                    "planned": Contender(
                        services.server.url, services.server.process.pid, DOCUMENTS
                    ),
                    "strawberry": Contender(ordinary.url, ordinary.process.pid, DOCUMENTS),
                }
                await same_answers(services.server.url, ordinary.url, names)
                print("both paths answer every document with the same JSON")
                if postgraphile is not None:
                    await postgraphile.ready()
                    await same_data_as_peer(
                        services.server.url, postgraphile.url, list(peer.DOCUMENTS)
                    )
                    print("PostGraphile answers orders and estimate with the same rows and values")
                    contenders["postgraphile"] = Contender(
                        postgraphile.url, postgraphile.process.pid, peer.DOCUMENTS
                    )
                await compare(services, contenders, engine, names, args.seconds)
            finally:
                ordinary.stop()
                if postgraphile is not None:
                    postgraphile.stop()
        finally:
            await engine.dispose()


async def compare(
    services: Services,
    contenders: dict[str, Contender],
    engine: AsyncEngine,
    names: list[str],
    seconds: float,
) -> None:
    """Statements per request, then throughput, p50/p99 and CPU per request of every
    contender that has the document, side by side at 1, 10 and 50 clients."""
    log = services.folder / "postgres.log"
    await _log_statements(engine, True)
    try:
        counts = {
            (name, path): await statements_per_request(log, server.url, server.documents[name])
            for name in names
            for path, server in contenders.items()
            if name in server.documents
        }
    finally:
        await _log_statements(engine, False)
    for name in names:
        for concurrency in (1, 10, 50):
            for path, server in contenders.items():
                if name not in server.documents:
                    continue
                latencies, elapsed, used, database = await clients(
                    server.url, server.documents[name], concurrency, seconds, server.pid, services
                )
                print(
                    f"{name:<9} {path:<12} {concurrency:>2} clients: "
                    f"{len(latencies) / elapsed:7.1f} req/s, "
                    f"p50 {percentile(latencies, 0.5):6.1f} ms, "
                    f"p99 {percentile(latencies, 0.99):6.1f} ms, "
                    f"server CPU {1000 * used / len(latencies):5.2f} ms/req, "
                    f"database CPU {1000 * database / len(latencies):5.2f} ms/req, "
                    f"{counts[name, path]:4.1f} statements/req"
                )


if __name__ == "__main__":
    uvloop.run(main())
