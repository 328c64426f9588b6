"""Outbox path benchmark: the CPU each event costs after its transaction commits.

Self-contained: starts the embedded PostgreSQL and broker and a `gateway serve`
(bench/harness.py), then commits single-event transactions into the outbox (the
`CustomerUpdated` fact in its storage format, as bench/events.py's relay throughput
does) from `--writers` closed-loop writers, each pausing `--pause-ms` between commits,
for `--seconds`, and waits until the relay has marked them all published. Prints the
gateway's CPU per event (relay, hub, Kafka clients: nothing else runs in it), the
database's (the writers' INSERTs included: `--no-relay` measures those alone) and the
part of it the relay's own statements took, the WAL written per event, and both net of
what the same processes use idle over as long (the Kafka clients' background polls).
On a shared machine these CPU figures, not the rates, measure the path; batches grow
with the rate, so compare runs at similar rates.

    .venv/bin/python -m bench.outbox_path              # about 40 seconds
    .venv/bin/python -m bench.outbox_path --no-relay   # the INSERTs alone
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

import asyncpg
import uvloop

from bench.harness import (
    TENANT,
    all_published,
    database_cpu_seconds,
    process_cpu_seconds,
    running_gateway,
)

INSERT = """
INSERT INTO outbox (event_id, tenant_id, event_type, aggregate_type, aggregate_id,
                    occurred_at, payload)
VALUES (gen_random_uuid()::text, $1, 'CustomerUpdated', 'customer', 'CUST-' || ($2 % 100),
        now(), jsonb_build_object('party_id', NULL, 'name', 'n', 'email', NULL,
                                  'phone', NULL, 'billing_terms_id', NULL, 'version', $2))
"""


async def relay_backends_cpu_seconds(pool: asyncpg.Pool) -> dict[int, float]:
    """CPU used so far by each backend of the gateway's sessions: in this benchmark the
    relay runs nearly all their statements (besides the SLA monitor's and the hub's
    checks, a few a second), so these are the database's cost of relaying (the writers'
    INSERTs run on this script's own connections)."""
    pids = await pool.fetch(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'field-service-gateway'"
    )
    used = {}
    for (backend,) in pids:
        with contextlib.suppress(FileNotFoundError):
            used[backend] = process_cpu_seconds(backend)
    return used


async def main(writers: int, pause_ms: float, seconds: float, relay: bool) -> None:
    async with running_gateway(
        "bench-outbox-path-", None if relay else {"RELAY_ENABLED": "false"}
    ) as services:
        pool = await asyncpg.create_pool(services.asyncpg_url, min_size=writers, max_size=writers)
        try:
            pid = services.server.process.pid
            await asyncio.sleep(3)
            gateway, database = process_cpu_seconds(pid), database_cpu_seconds(services)
            await asyncio.sleep(seconds)
            idle_gateway = (process_cpu_seconds(pid) - gateway) / seconds
            idle_database = (database_cpu_seconds(services) - database) / seconds
            print(
                f"idle: gateway {idle_gateway * 1000:.1f} ms/s, "
                f"database {idle_database * 1000:.1f} ms/s"
            )
            committed = 0
            stop = time.monotonic() + seconds

            async def writer() -> None:
                nonlocal committed
                while time.monotonic() < stop:
                    committed += 1
                    await pool.execute(INSERT, TENANT, committed)
                    await asyncio.sleep(pause_ms / 1000)

            wal = await pool.fetchval("SELECT pg_current_wal_lsn()::text")
            started = time.monotonic()
            gateway, database = process_cpu_seconds(pid), database_cpu_seconds(services)
            backends = await relay_backends_cpu_seconds(pool)
            await asyncio.gather(*(writer() for _ in range(writers)))
            if relay:
                await all_published(pool)
            relaying = sum(
                used - backends.get(backend, 0.0)
                for backend, used in (await relay_backends_cpu_seconds(pool)).items()
            )
            gateway = process_cpu_seconds(pid) - gateway
            database = database_cpu_seconds(services) - database
            elapsed = time.monotonic() - started
            written = await pool.fetchval(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)", wal
            )
        finally:
            await pool.close()
    print(f"{committed} events in {elapsed:.1f} s ({committed / elapsed:.0f}/s)")
    for name, used, idle in (
        ("gateway", gateway, idle_gateway),
        ("database", database, idle_database),
    ):
        print(
            f"{name} CPU per event: {used * 1000 / committed:.3f} ms "
            f"({(used - idle * elapsed) * 1000 / committed:.3f} ms net of idle)"
        )
    print(
        f"database CPU per event for the relay's statements: {relaying * 1000 / committed:.3f} ms"
    )
    print(f"WAL per event: {float(written) / committed:.0f} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--pause-ms", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--no-relay", action="store_true", help="the INSERTs alone")
    args = parser.parse_args()
    uvloop.run(main(args.writers, args.pause_ms, args.seconds, not args.no_relay))
