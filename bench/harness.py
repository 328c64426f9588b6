"""What every benchmark needs: embedded services, a `gateway serve` under test, percentiles.

Each benchmark is self-contained and repeatable: `running_gateway()` starts the embedded
PostgreSQL and broker in a temporary folder, migrates, and runs `gateway serve` as its
own process, so the figures measure the server a deployment runs, not an in-process
shortcut. The load generator is the calling process, on the same machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from gateway.auth import issue_token
from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.postgres import EmbeddedPostgres
from gateway.embedded.processes import free_port, spawn, stop
from persistence.migrate import upgrade

SECRET = "bench-secret-0123456789-0123456789-0123456789"
TENANT = "bench-tenant"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    """One keep-alive connection to the gateway, for timed load.

    aiohttp rather than httpx: a load generator sharing the machine must cost little
    (measured on `{ __typename }`: 0.11 ms of client CPU per request against httpx's
    0.68), or its own event loop queues the responses it is timing.
    """

    def __init__(self, url: str, token: str):
        self._session = aiohttp.ClientSession(
            url,
            headers={"Authorization": f"Bearer {token}"},
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a request that must succeed; a GraphQL error stops the benchmark."""
        body = {"query": query, "variables": variables or {}}
        async with self._session.post("/graphql", json=body) as response:
            answer = await response.json()
        assert "errors" not in answer, answer
        return answer["data"]

    async def close(self) -> None:
        await self._session.close()


@dataclass(frozen=True)
class Services:
    database_url: str
    bootstrap: str
    server: Server
    folder: Path


@contextlib.asynccontextmanager
async def running_gateway(
    prefix: str, extra_env: dict[str, str] | None = None
) -> AsyncIterator[Services]:
    """Embedded PostgreSQL and broker, migrated, with a ready `gateway serve` in front.

    Their temporary folder (a database cluster, some 100 MB) is removed afterwards.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    postgres = EmbeddedPostgres(folder / "postgres")
    broker = EmbeddedBroker(folder)
    server: Server | None = None
    try:
        url = postgres.start()
        bootstrap = broker.start()
        await asyncio.to_thread(upgrade, url)
        server = Server(url, bootstrap, folder / "gateway.log", extra_env)
        await server.ready()
        yield Services(url, bootstrap, server, folder)
    finally:
        if server is not None:
            server.stop()
        broker.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
