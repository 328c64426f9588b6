"""Event backbone benchmark: mutation-to-subscriber latency and outbox relay throughput.

Self-contained and repeatable: starts the embedded PostgreSQL and broker in a temporary
folder, runs `gateway serve` as its own process (the server under test), and from this
process drives it over loopback:

1. latency: N websocket subscribers (N = 1, 100, 1000; graphql-transport-ws) watch one
   customer, spread over `--client-processes` client processes (default 2, one per
   core); the script renames the customer repeatedly and, for every event every
   subscriber receives, measures the time from the mutation's HTTP response to that
   subscriber's receipt. Prints p50 and p99 per N.
2. relay throughput: commits 20,000 events to the outbox in one transaction (in the
   outbox's own storage format: the `CustomerUpdated` fact, `persistence/event_facts.py`) and times
   how long the relay takes to publish them all to the broker (events/s).

    .venv/bin/python -m bench.events    # about a minute on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from multiprocessing.connection import Connection

import websockets
from sqlalchemy import text

from bench.harness import (
    TENANT,
    GraphQLClient,
    Server,
    all_published,
    bench_token,
    percentile,
    running_gateway,
)
from persistence.database import create_engine
from persistence.driver import driver_of

WATCH = """subscription($id: ID) { domainEvents(types: ["CustomerUpdatedEvent"],
  aggregateId: $id) { cursor payload } }"""
CREATE = 'mutation { createCustomer(input: {name: "bench"}) { customerId } }'
RENAME = """mutation($id: ID!, $version: Int!, $name: String!) {
  updateCustomer(input: {customerId: $id, version: $version, name: $name}) { version } }"""


async def subscriber(
    ws_url: str, token: str, customer: str, events: int, arrivals: dict[str, list[float]]
) -> None:
    async with websockets.connect(
        ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
    ) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        variables = {"id": customer}
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": WATCH, "variables": variables},
        }
        await ws.send(json.dumps(subscribe))
        arrivals["ready"].append(time.perf_counter())
        for _ in range(events):
            message = json.loads(await ws.recv())
            arrived = time.perf_counter()
            name = message["payload"]["data"]["domainEvents"]["payload"]["name"]
            arrivals.setdefault(name, []).append(arrived)


async def watch(
    url: str, token: str, customer: str, count: int, events: int, pipe: Connection
) -> None:
    """One client process's share of the subscribers; reports each event once all have it."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    arrivals: dict[str, list[float]] = {"ready": []}
    tasks = [
        asyncio.create_task(subscriber(ws_url, token, customer, events, arrivals))
        for _ in range(count)
    ]
    while len(arrivals["ready"]) < count:
        await asyncio.sleep(0.01)
    pipe.send("ready")
    for n in range(events):
        while len(arrivals.get(f"n{n}", ())) < count:
            await asyncio.sleep(0.001)
        pipe.send(f"n{n}")
    await asyncio.gather(*tasks)
    del arrivals["ready"]
    pipe.send(arrivals)


def client_process(
    url: str, token: str, customer: str, count: int, events: int, pipe: Connection
) -> None:
    asyncio.run(watch(url, token, customer, count, events, pipe))


async def heard(pipes: list[Connection], message: str) -> None:
    for pipe in pipes:
        while not pipe.poll():
            await asyncio.sleep(0.0005)
        assert pipe.recv() == message


async def latency(
    server: Server, token: str, subscribers: int, events: int, processes: int
) -> tuple[float, float]:
    """Subscribers spread over `processes` client processes, as dashboards are over browsers:
    one Python process reading a thousand sockets would measure its own queue."""
    http = GraphQLClient(server.url, token)
    try:
        created = await http.call(CREATE)
        customer = created["createCustomer"]["customerId"]
        spawn = multiprocessing.get_context("spawn")
        shares = [
            subscribers // processes + (i < subscribers % processes) for i in range(processes)
        ]
        pipes, workers = [], []
        for share in filter(None, shares):
            ours, theirs = spawn.Pipe()
            worker = spawn.Process(
                target=client_process, args=(server.url, token, customer, share, events, theirs)
            )
            worker.start()
            pipes.append(ours)
            workers.append(worker)
        await asyncio.wait_for(heard(pipes, "ready"), 120)
        await asyncio.sleep(1)
        sent: dict[str, float] = {}
        for n in range(events):
            name = f"n{n}"
            await http.call(RENAME, {"id": customer, "version": n + 1, "name": name})
            sent[name] = time.perf_counter()
            await asyncio.wait_for(heard(pipes, name), 60)
        received: list[dict[str, list[float]]] = []
        for pipe in pipes:
            while not pipe.poll():
                await asyncio.sleep(0.01)
            received.append(pipe.recv())
        for worker in workers:
            worker.join(30)
    finally:
        await http.close()
    delays = [
        (arrived - sent[name]) * 1000
        for share in received
        for name, times in share.items()
        for arrived in times
    ]
    return percentile(delays, 0.5), percentile(delays, 0.99)


async def relay_throughput(database_url: str, count: int) -> float:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO outbox (event_id, tenant_id, event_type, aggregate_type, "
                    "aggregate_id, occurred_at, payload) "
                    "SELECT gen_random_uuid()::text, :tenant, 'CustomerUpdated', 'customer', "
                    "'CUST-' || (n % 100), now(), jsonb_build_object('party_id', NULL, "
                    "'name', 'bulk ' || n, 'email', NULL, 'phone', NULL, 'billing_terms_id', "
                    "NULL, 'version', n) FROM generate_series(1, :count) n"
                ),
                {"tenant": TENANT, "count": count},
            )
        started = time.perf_counter()
        async with engine.connect() as connection:
            await all_published((await driver_of(connection)).connection)
        return count / (time.perf_counter() - started)
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50, help="renames per subscriber count")
    parser.add_argument("--subscribers", type=int, nargs="*", default=[1, 100, 1000])
    parser.add_argument("--relay-events", type=int, default=20_000)
    parser.add_argument(
        "--client-processes", type=int, default=2, help="processes the subscribers run in"
    )
    args = parser.parse_args()
    async with running_gateway("bench-events-") as services:
        token = bench_token()
        print(f"event latency, mutation response -> subscriber ({args.events} events each)")
        print(f"{'subscribers':>12} {'p50 ms':>9} {'p99 ms':>9}")
        for count in args.subscribers:
            p50, p99 = await latency(
                services.server, token, count, args.events, args.client_processes
            )
            print(f"{count:>12} {p50:9.1f} {p99:9.1f}", flush=True)
        rate = await relay_throughput(services.database_url, args.relay_events)
        print(f"relay throughput: {rate:,.0f} events/s ({args.relay_events} events)")


if __name__ == "__main__":
    asyncio.run(main())
