"""Event backbone benchmark: mutation-to-subscriber latency and outbox relay throughput.

Self-contained and repeatable: starts the embedded PostgreSQL and broker in a temporary
folder, runs `gateway serve` as its own process (the server under test), and from this
process drives it over loopback:

1. latency: N websocket subscribers (N = 1, 100, 1000; graphql-transport-ws) watch one
   customer; the script renames it repeatedly and, for every event every subscriber
   receives, measures the time from the mutation's HTTP response to that subscriber's
   receipt. Prints p50 and p99 per N.
2. relay throughput: commits 20,000 events to the outbox in one transaction and times
   how long the relay takes to publish them all to the broker (events/s).

    .venv/bin/python -m bench.events    # about a minute on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
import websockets
from sqlalchemy import text

from bench.harness import TENANT, Server, bench_token, percentile, running_gateway
from persistence.database import create_engine

WATCH = """subscription($id: ID) { domainEvents(types: ["CustomerUpdatedEvent"],
  aggregateId: $id) { cursor payload } }"""
RENAME = """mutation($id: ID!, $name: String!) {
  updateCustomer(input: {customerId: $id, name: $name}) { version } }"""


async def subscriber(
    url: str,
    token: str,
    customer: str,
    expected: int,
    received: dict[str, list[float]],
    ready: asyncio.Event,
    counter: list[int],
    total: int,
) -> None:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_queue=None,
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": WATCH, "variables": {"id": customer}},
                }
            )
        )
        counter[0] += 1
        if counter[0] == total:
            ready.set()
        for _ in range(expected):
            message = json.loads(await ws.recv())
            arrived = time.perf_counter()
            name = message["payload"]["data"]["domainEvents"]["payload"]["name"]
            received.setdefault(name, []).append(arrived)


async def latency(server: Server, token: str, subscribers: int, events: int) -> tuple[float, float]:
    async with httpx.AsyncClient(
        base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        created = await http.post(
            "/graphql",
            json={"query": 'mutation { createCustomer(input: {name: "bench"}) { customerId } }'},
        )
        customer = created.json()["data"]["createCustomer"]["customerId"]
        received: dict[str, list[float]] = {}
        ready = asyncio.Event()
        counter = [0]
        tasks = [
            asyncio.create_task(
                subscriber(
                    server.url, token, customer, events, received, ready, counter, subscribers
                )
            )
            for _ in range(subscribers)
        ]
        await asyncio.wait_for(ready.wait(), 120)
        await asyncio.sleep(1)
        sent: dict[str, float] = {}
        for n in range(events):
            name = f"n{n}"
            response = await http.post(
                "/graphql", json={"query": RENAME, "variables": {"id": customer, "name": name}}
            )
            sent[name] = time.perf_counter()
            assert "errors" not in response.json(), response.text
            while len(received.get(name, ())) < subscribers:
                await asyncio.sleep(0.001)
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
    delays = [
        (arrived - sent[name]) * 1000 for name, times in received.items() for arrived in times
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
                    "SELECT gen_random_uuid()::text, :tenant, 'CustomerUpdatedEvent', 'customer', "
                    "'CUST-' || (n % 100), now(), jsonb_build_object('customerId', "
                    "'CUST-' || (n % 100), 'name', 'bulk ' || n) FROM generate_series(1, :count) n"
                ),
                {"tenant": TENANT, "count": count},
            )
        started = time.perf_counter()
        async with engine.connect() as connection:
            while (
                await connection.execute(
                    text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                )
            ).scalar_one():
                await asyncio.sleep(0.05)
                await connection.rollback()
        return count / (time.perf_counter() - started)
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50, help="renames per subscriber count")
    parser.add_argument("--subscribers", type=int, nargs="*", default=[1, 100, 1000])
    parser.add_argument("--relay-events", type=int, default=20_000)
    args = parser.parse_args()
    async with running_gateway("bench-events-") as services:
        token = bench_token()
        print(f"event latency, mutation response -> subscriber ({args.events} events each)")
        print(f"{'subscribers':>12} {'p50 ms':>9} {'p99 ms':>9}")
        for count in args.subscribers:
            p50, p99 = await latency(services.server, token, count, args.events)
            print(f"{count:>12} {p50:9.1f} {p99:9.1f}", flush=True)
        rate = await relay_throughput(services.database_url, args.relay_events)
        print(f"relay throughput: {rate:,.0f} events/s ({args.relay_events} events)")


if __name__ == "__main__":
    asyncio.run(main())
