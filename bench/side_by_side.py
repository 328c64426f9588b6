"""Two checkouts of the gateway measured side by side, taking turns.

On a shared machine whose speed drifts by 15-20% between runs, one benchmark run of
each code cannot show a 10% change. Here each checkout gets its own embedded PostgreSQL,
broker and `gateway serve`, loaded alike, and the two take turns in windows of one
mutation at ten clients (the first to go alternates), so both see the same machine. It
prints each window and, per checkout, the CPU per request (gateway and database) and
p50 / p99 over all its windows. Small data, so that loading both takes a minute:

    .venv/bin/python -m bench.side_by_side /path/to/before /path/to/after --op reserve
    .venv/bin/python -m bench.side_by_side BEFORE AFTER --op order --window 300
    .venv/bin/python -m bench.side_by_side BEFORE AFTER --op payment --window 200

A checkout is any clone of the repository (e.g. `git worktree add --detach ../before
REV`); it runs on this environment's packages and migrates its own database.
"""

from __future__ import annotations

import argparse
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import uvloop

from bench import inventory, receivables, sales
from bench.harness import (
    GraphQLClient,
    Request,
    Services,
    bench_token,
    measure,
    percentile,
    running_gateway,
)
from persistence.database import create_engine

CLIENTS = 10


async def _loaded(services: Services, op: str) -> Request:
    """The tenant's data for `op`, and its request."""
    engine = create_engine(services.database_url)
    try:
        if op == "reserve":
            await inventory.load(engine, 5_000, 100_000)
            return inventory.reservation(5_000)
        if op == "order":
            await inventory.load(engine, 5_000, 50_000)
            await sales.load_sales(engine, 5_000, 10_000, 100)
            return sales.ordering(5_000)
        await receivables.load(engine, 200, 6_000, 1_000)
        return receivables.paying_ten(200, 6_000, 1_000)
    finally:
        await engine.dispose()


async def main(checkouts: dict[str, Path], op: str, rounds: int, window: int) -> None:
    async with AsyncExitStack() as stack:
        sides: dict[str, tuple[Services, list[GraphQLClient]]] = {}
        request: Request | None = None
        for name, checkout in checkouts.items():
            services = await stack.enter_async_context(
                running_gateway(f"side-{name}-", {"DB_UNIT_TIMEOUT_SECONDS": "120"}, checkout)
            )
            request = await _loaded(services, op)
            clients = [GraphQLClient(services.server.url, bench_token()) for _ in range(CLIENTS)]
            for http in clients:
                stack.push_async_callback(http.close)
            sides[name] = (services, clients)
        assert request is not None
        for services, clients in sides.values():
            await measure(clients, request, 100, [services.server.process.pid], services)
        totals: dict[str, list[Any]] = {name: [0.0, 0.0, []] for name in sides}
        for turn in range(rounds):
            names = list(sides) if turn % 2 == 0 else list(reversed(sides))
            for name in names:
                services, clients = sides[name]
                latencies, gateway, database, machine = await measure(
                    clients, request, window, [services.server.process.pid], services
                )
                print(
                    f"{turn + 1:>2} {name:<6} gateway {gateway:.2f} database {database:.2f} "
                    f"machine {machine:.2f} ms/req, p50 {percentile(latencies, 0.5):.1f} "
                    f"p99 {percentile(latencies, 0.99):.1f} ms",
                    flush=True,
                )
                total = totals[name]
                total[0] += gateway * len(latencies)
                total[1] += database * len(latencies)
                total[2] += latencies
        for name, (gateway, database, latencies) in totals.items():
            n = len(latencies)
            print(
                f"{op} {name} ({checkouts[name]}): gateway {gateway / n:.2f} database "
                f"{database / n:.2f} ms/req over {n}, p50 {percentile(latencies, 0.5):.1f} "
                f"p99 {percentile(latencies, 0.99):.1f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--op", choices=["reserve", "order", "payment"], default="reserve")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--window", type=int, default=400)
    args = parser.parse_args()
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    uvloop.run(main(checkouts, args.op, args.rounds, args.window))
