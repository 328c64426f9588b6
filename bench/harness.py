"""What every benchmark needs: embedded services, a `gateway serve` under test, percentiles.

Each benchmark is self-contained and repeatable: `running_gateway()` starts the embedded
PostgreSQL and broker in a temporary folder, migrates, and runs `gateway serve` as its
own process, so the figures measure the server a deployment runs, not an in-process
shortcut. The load generator is the calling process, on the same machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httptools
import httpx

from gateway.auth import issue_token
from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.postgres import EmbeddedPostgres
from gateway.embedded.processes import free_port, spawn, stop
from persistence.migrate import upgrade

SECRET = "bench-secret-0123456789-0123456789-0123456789"
TENANT = "bench-tenant"
UNSENT = (
    "SELECT (SELECT count(*) FROM outbox WHERE sequence IS NULL)"
    " + (SELECT count(*) FROM outbox"
    " WHERE sequence > (SELECT published_through FROM outbox_cursor))"
)
"""How many committed events are not published yet (what `/readyz` counts)."""


Request = Callable[[random.Random], tuple[str, dict[str, Any]]]
"""What a client sends next: a document and its variables, drawn with its own random."""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(services: Services) -> float:
    """CPU the embedded PostgreSQL has used so far: the postmaster, its live backends and
    the reaped ones (counted in the postmaster's children times).

    On a machine other sessions share, this and the gateway's own CPU are the figures
    that measure the work of one request; the machine's busy time measures the neighbours.
    """
    postmaster = int((services.folder / "postgres" / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(n) for n in fields[11:15])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    for child in children:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            stat = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(stat[11]) + int(stat[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy so far (Linux /proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def bench_token(tenant: str = TENANT) -> str:
    """A token with every permission, for the benchmark's tenant."""
    return issue_token(SECRET, tenant=tenant, user="bench", permissions=["*"])


class Server:
    """`gateway serve` in a process of its own, logging to `log`; it dies with the benchmark."""

    def __init__(
        self, database_url: str, bootstrap: str, log: Path, extra_env: dict[str, str] | None = None
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "JWT_SECRET": SECRET,
            "LOG_LEVEL": "WARNING",
            "DB_POOL_SIZE": "20",
            # One benchmark user drives the server as hard as it goes: budgets off.
            "RATE_LIMIT_USER_PER_MINUTE": "0",
            "RATE_LIMIT_TENANT_PER_MINUTE": "0",
            **(extra_env or {}),
        }
        gateway = Path(sys.executable).parent / "gateway"
        self.process = spawn(
            [str(gateway), "serve", "--port", str(self.port), "--no-access-log"],
            log=log,
            stop_signal=signal.SIGTERM,
            env=env,
        )

    async def ready(self) -> None:
        async with httpx.AsyncClient(base_url=self.url) as http:
            for _ in range(300):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError("gateway did not become ready")

    def stop(self) -> None:
        stop(self.process, signal.SIGTERM, timeout=30)


class GraphQLClient:
    """One keep-alive HTTP/1.1 connection to the gateway, for timed load.

    The load generator shares the 2-core machine with the server it measures, so every
    microsecond it spends is taken from the gateway and PostgreSQL and shows up in the
    percentiles it reports. Requests are written as bytes and responses parsed by
    httptools (the parser uvicorn serves with): the benchmark process spends 0.07-0.09 ms
    of CPU per estimate mutation, against 0.18-0.25 with aiohttp (measured back to back
    with `bench.estimates`, which prints it), and httpx costs more still. One request at
    a time per connection, as a browser tab sends them.
    """

    def __init__(self, url: str, token: str):
        parsed = urlsplit(url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._head = (
            f"POST /graphql HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        ).encode()
        self._connection: _Connection | None = None

    async def connect(self) -> _Connection:
        """Open the connection unless it is open: the gateway closes one idle for
        HTTP_KEEP_ALIVE_SECONDS, so a benchmark reconnects its clients before timing them,
        as a browser would."""
        if self._connection is None or self._connection.closed:
            _, self._connection = await asyncio.get_running_loop().create_connection(
                _Connection, self._host, self._port
            )
        return self._connection

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a request that must succeed; a GraphQL error stops the benchmark."""
        connection = await self.connect()
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        status, payload = await asyncio.wait_for(connection.exchange(self._head, body), timeout=60)
        answer = json.loads(payload)
        assert status == 200 and "errors" not in answer, (status, answer)
        return answer["data"]

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Connection(asyncio.Protocol):
    """The client side of one keep-alive connection: a request out, its response back."""

    def __init__(self) -> None:
        self._transport: Any = None
        self._parser = httptools.HttpResponseParser(self)
        self._body: list[bytes] = []
        self._waiting: asyncio.Future[tuple[int, bytes]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport

    @property
    def closed(self) -> bool:
        return self._transport is None or self._transport.is_closing()

    def exchange(self, head: bytes, body: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self._transport is not None, "not connected"
        assert self._waiting is None, "one request at a time per connection"
        self._waiting = asyncio.get_running_loop().create_future()
        self._transport.write(b"%bContent-Length: %d\r\n\r\n%b" % (head, len(body), body))
        return self._waiting

    def data_received(self, data: bytes) -> None:
        self._parser.feed_data(data)

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        waiting, self._waiting = self._waiting, None
        body, self._body = b"".join(self._body), []
        if waiting is not None and not waiting.done():
            waiting.set_result((self._parser.get_status_code(), body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_exception(exc or ConnectionError("the gateway closed the connection"))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


@dataclass(frozen=True)
class Services:
    database_url: str
    bootstrap: str
    server: Server
    folder: Path

    @property
    def asyncpg_url(self) -> str:
        """`database_url` as asyncpg takes it, for the bench's own connections."""
        return self.database_url.replace("postgresql+asyncpg", "postgresql")


def _migrated_by(checkout: Path, url: str) -> None:
    """`url` migrated by the code of another checkout (its own migrations, which this
    one's may be ahead or behind of), in a process of its own."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from persistence.migrate import upgrade; upgrade(sys.argv[1])",
            url,
        ],
        env={**os.environ, "PYTHONPATH": str(checkout)},
        cwd=checkout,
        check=True,
    )


@contextlib.asynccontextmanager
async def running_gateway(
    prefix: str, extra_env: dict[str, str] | None = None, checkout: Path | None = None
) -> AsyncIterator[Services]:
    """Embedded PostgreSQL and broker, migrated, with a ready `gateway serve` in front;
    given `checkout` (another clone of the repository), its code migrates and serves.

    Their temporary folder (a database cluster, some 100 MB) is removed afterwards.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    postgres = EmbeddedPostgres(folder / "postgres")
    broker = EmbeddedBroker(folder)
    server: Server | None = None
    try:
        url = postgres.start()
        bootstrap = broker.start()
        if checkout is None:
            await asyncio.to_thread(upgrade, url)
        else:
            await asyncio.to_thread(_migrated_by, checkout, url)
            extra_env = {**(extra_env or {}), "PYTHONPATH": str(checkout)}
        server = Server(url, bootstrap, folder / "gateway.log", extra_env)
        await server.ready()
        yield Services(url, bootstrap, server, folder)
    finally:
        if server is not None:
            server.stop()
        broker.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def all_published(database: asyncpg.Connection | asyncpg.Pool, stalled: float = 2.0) -> None:
    """Wait until the relay has published every committed event (`UNSENT` is 0), or
    until none was published for `stalled` seconds (a gateway that does not relay)."""
    left, moved = await database.fetchval(UNSENT), time.monotonic()
    while left and time.monotonic() - moved < stalled:
        await asyncio.sleep(0.01)
        now_left = await database.fetchval(UNSENT)
        if now_left < left:
            left, moved = now_left, time.monotonic()


async def measure(
    clients: list[GraphQLClient], request: Request, count: int, pids: list[int], services: Services
) -> tuple[list[float], float, float, float]:
    """Latencies of `count` requests shared by the clients; CPU (ms) per request of the
    gateway processes together, of the database and of the machine.

    The CPU is counted from a moment nothing is left to publish until the relay has
    published every event the requests committed, so it includes their relaying: a relay
    that falls behind would otherwise look cheaper (batches of 15 events seemed to save
    30% of an order's CPU, only because 2,700 events were left for later)."""
    latencies: list[float] = []

    async def client(http: GraphQLClient, seed: int) -> None:
        pick = random.Random(seed)
        for _ in range(max(1, count // len(clients))):
            query, variables = request(pick)
            started = time.perf_counter()
            await http.call(query, variables)
            latencies.append((time.perf_counter() - started) * 1000)

    def gateways_cpu() -> float:
        return sum(process_cpu_seconds(pid) for pid in pids)

    await asyncio.gather(*(http.connect() for http in clients))
    database = await asyncpg.connect(services.asyncpg_url)
    try:
        await all_published(database)
        gateway_before, machine_before = gateways_cpu(), machine_busy_seconds()
        database_before = database_cpu_seconds(services)
        await asyncio.gather(*(client(http, n) for n, http in enumerate(clients)))
        await all_published(database)
        gateway_ms = (gateways_cpu() - gateway_before) * 1000 / len(latencies)
        database_ms = (database_cpu_seconds(services) - database_before) * 1000 / len(latencies)
        machine_ms = (machine_busy_seconds() - machine_before) * 1000 / len(latencies)
    finally:
        await database.close()
    return latencies, gateway_ms, database_ms, machine_ms
