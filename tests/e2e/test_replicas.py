"""Several gateway processes on one database and one broker, as in production."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.processes import free_port
from persistence.database import create_engine
from tests.conftest import (
    GROUP_TIMING,
    JWT_SECRET,
    Api,
    RunningGateway,
    Services,
    cut_relay_session,
    settings_for,
    token,
    until,
)
from tests.graphql_ws import Subscriber

WATCH = "subscription { domainEvents { cursor eventType aggregateId payload } }"
CREATE = "mutation($name: String!) { createCustomer(input: {name: $name}) { customerId } }"
RENAME = """mutation($id: ID!, $version: Int!, $name: String!) {
  updateCustomer(input: {customerId: $id, version: $version, name: $name}) { version } }"""


class GatewayProcess:
    """`gateway serve` in a process of its own."""

    def __init__(self, services: Services, log: Path, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {
            **os.environ,
            "DATABASE_URL": services.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": services.bootstrap_servers,
            "JWT_SECRET": JWT_SECRET,
            "LOG_LEVEL": "WARNING",
            "KAFKA_SESSION_TIMEOUT_MS": str(GROUP_TIMING.session_timeout_ms),
            "KAFKA_HEARTBEAT_INTERVAL_MS": str(GROUP_TIMING.heartbeat_interval_ms),
            **env,
        }
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        gateway = Path(sys.executable).parent / "gateway"
        with open(self._log, "wb") as out:
            self._process = subprocess.Popen(
                [str(gateway), "serve", "--port", str(self.port), "--no-access-log"],
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient(base_url=self.url) as http:
            async with asyncio.timeout(60):
                while True:
                    assert self._process.poll() is None, self.log_text()
                    try:
                        if (await http.get("/readyz")).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)

    def log_text(self) -> str:
        return self._log.read_text()

    async def stop(self) -> None:
        """Stop it as an orchestrator does, without holding up the test's event loop (the
        in-process gateways in it keep their consumer-group heartbeats going)."""
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self._process.wait, 20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                await asyncio.to_thread(self._process.wait)


@pytest.fixture
async def two_replicas(
    services: Services, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[GatewayProcess, GatewayProcess]]:
    # No outbox safety net: the event must cross through Kafka to prove the broadcast.
    replicas = (
        GatewayProcess(services, tmp_path / "a.log", HUB_CATCH_UP_SECONDS="0"),
        GatewayProcess(services, tmp_path / "b.log", HUB_CATCH_UP_SECONDS="0"),
    )
    try:
        await asyncio.gather(*(replica.start() for replica in replicas))
        yield replicas
    finally:
        await asyncio.gather(*(replica.stop() for replica in replicas))


async def test_a_change_made_through_one_replica_reaches_a_dashboard_on_the_other(
    two_replicas: tuple[GatewayProcess, GatewayProcess], tenant: str
) -> None:
    first, second = two_replicas
    async with Subscriber(second.url, token(tenant)) as subscriber:
        await subscriber.acknowledged()
        await subscriber.subscribe(WATCH)
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(base_url=first.url) as http:
            created = await Api(http, tenant).data(CREATE, {"name": "Across replicas"})
        event = (await subscriber.next_data(timeout=20))["domainEvents"]
    assert event["eventType"] == "CustomerCreatedEvent"
    assert event["aggregateId"] == created["createCustomer"]["customerId"]


async def test_with_the_broker_down_mutations_succeed_and_every_event_arrives_once_in_order(
    fresh_database_url: str, tmp_path: Path, tenant: str
) -> None:
    """A database of its own: on the shared one the session's gateway may hold the relay
    and publish to the session's broker, which this test does not stop."""
    broker = EmbeddedBroker(tmp_path)
    restarted = EmbeddedBroker(tmp_path / "again", port=broker.port)
    broker.start()
    settings = settings_for(
        Services(fresh_database_url, broker.bootstrap_servers),
        relay_poll_seconds=1.0,
        inbound_enabled=False,
    )
    try:
        async with (
            RunningGateway(settings) as running,
            httpx.AsyncClient(base_url=running.url, timeout=60) as http,
            Subscriber(running.url, token(tenant)) as subscriber,
        ):
            api = Api(http, tenant)
            await subscriber.acknowledged()
            await subscriber.subscribe(WATCH)
            customer = (await api.data(CREATE, {"name": "v0"}))["createCustomer"]["customerId"]
            assert (await subscriber.next_data(timeout=20))["domainEvents"]["payload"][
                "name"
            ] == "v0"

            broker.stop()
            for n in range(1, 6):
                await api.data(RENAME, {"id": customer, "version": n, "name": f"v{n}"})
            ready = (await http.get("/readyz")).json()
            assert ready["checks"]["broker"].startswith("unreachable")
            assert ready["outbox"]["unsent"] >= 1

            restarted = EmbeddedBroker(tmp_path / "again", port=broker.port)
            restarted.start()
            try:
                names = [
                    (await subscriber.next_data(timeout=60))["domainEvents"]["payload"]["name"]
                    for _ in range(5)
                ]
                async with asyncio.timeout(30):
                    while (await http.get("/readyz")).json()["outbox"]["unsent"]:
                        await asyncio.sleep(0.5)
                # Positive control: the next change is the next event, none sent twice
                # before it.
                await api.data(RENAME, {"id": customer, "version": 6, "name": "v6"})
                control = (await subscriber.next_data(timeout=20))["domainEvents"]
            finally:
                restarted.stop()
    finally:
        broker.stop()
    assert names == ["v1", "v2", "v3", "v4", "v5"]
    assert control["payload"]["name"] == "v6"


async def _relaying(replica: GatewayProcess) -> bool:
    async with httpx.AsyncClient(base_url=replica.url) as http:
        return bool((await http.get("/readyz")).json()["outbox"]["relaying"])


async def _wait_until_relaying(replica: GatewayProcess, relaying: bool) -> None:
    async with asyncio.timeout(30):
        while await _relaying(replica) != relaying:
            await asyncio.sleep(0.1)


async def test_when_the_relay_moves_to_another_replica_both_dashboards_keep_every_event(
    services: Services, fresh_database_url: str, tmp_path: Path, tenant: str
) -> None:
    """The relaying replica reads nothing from Kafka; once it loses the relay it must read
    again, or its dashboards would go quiet (the outbox catch-up is off here). A database
    and a broker of their own: the session's gateway relays the shared database, and
    other databases' sequence numbers on a shared broker would read as gaps."""
    broker = EmbeddedBroker(tmp_path)
    services = Services(fresh_database_url, broker.start())
    # It logs at INFO, to say when its hub consumer reads again after losing the relay.
    first = GatewayProcess(
        services,
        tmp_path / "a.log",
        HUB_CATCH_UP_SECONDS="0",
        RELAY_POLL_SECONDS="1",
        LOG_LEVEL="INFO",
    )
    # The second polls for the relay lock far more often than the first retries it.
    second = GatewayProcess(
        services, tmp_path / "b.log", HUB_CATCH_UP_SECONDS="0", RELAY_POLL_SECONDS="0.05"
    )
    admin = create_engine(fresh_database_url)
    try:
        await first.start()
        await _wait_until_relaying(first, True)
        await second.start()
        async with (
            Subscriber(first.url, token(tenant)) as on_first,
            Subscriber(second.url, token(tenant)) as on_second,
            httpx.AsyncClient(base_url=first.url) as http,
        ):
            for subscriber in (on_first, on_second):
                await subscriber.acknowledged()
                await subscriber.subscribe(WATCH)
            await asyncio.sleep(0.5)
            api = Api(http, tenant)
            customer = (await api.data(CREATE, {"name": "v0"}))["createCustomer"]["customerId"]
            for subscriber in (on_first, on_second):
                event = (await subscriber.next_data(timeout=20))["domainEvents"]
                assert event["payload"]["name"] == "v0"

            # The relay's session ends, as when its database connection is cut.
            assert await cut_relay_session(admin) == 1
            await _wait_until_relaying(second, True)
            await _wait_until_relaying(first, False)
            await until(lambda: "hub consumer reading again" in first.log_text())

            for n in (1, 2, 3):
                await api.data(RENAME, {"id": customer, "version": n, "name": f"v{n}"})
            for subscriber in (on_first, on_second):
                names = [
                    (await subscriber.next_data(timeout=20))["domainEvents"]["payload"]["name"]
                    for _ in range(3)
                ]
                # v3 is the positive control: had v1 or v2 come twice, it would not be third.
                assert names == ["v1", "v2", "v3"]
    finally:
        await admin.dispose()
        await asyncio.gather(first.stop(), second.stop())
        broker.stop()
