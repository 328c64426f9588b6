"""Session fixtures: a real PostgreSQL and a real Kafka-protocol broker, started once.

With DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS set, the suite uses those (in a fresh
database it creates and drops); otherwise it starts the embedded servers from their
wheels in a temporary folder. The API tests talk to a real uvicorn over real HTTP.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from gateway.app import create_app
from gateway.auth import issue_token
from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.postgres import EmbeddedPostgres
from gateway.embedded.processes import free_port
from gateway.response_writes import OneWriteResponses
from gateway.settings import Settings
from persistence.database import create_engine
from persistence.migrate import upgrade
from subscriptions.consumer_groups import GroupTiming
from subscriptions.relay import RELAY_LOCK

JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
ALL_PERMISSIONS = sorted(Permission.all())
GROUP_TIMING = GroupTiming(session_timeout_ms=1_000, heartbeat_interval_ms=300)
"""Consumer groups that form within about a second (Kafka's defaults take 5 s to 18 s)."""
INBOUND_RETRY_BASE_SECONDS = 0.1
"""The seeds' retry shape (base, 2 x base, 4 x base) on a base ten times shorter than 1 s."""


@dataclass(frozen=True)
class Services:
    database_url: str
    bootstrap_servers: str


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    url = os.environ.get("DATABASE_URL")
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    root = tmp_path_factory.mktemp("services")
    postgres = None if url else EmbeddedPostgres(root / "postgres", durable=False)
    broker = None if kafka else EmbeddedBroker(root)
    try:
        if postgres:
            url = postgres.start()
        if broker:
            kafka = broker.start()
        assert url and kafka
        yield Services(database_url=url, bootstrap_servers=kafka)
    finally:
        if broker:
            broker.stop()
        if postgres:
            postgres.stop()


@pytest.fixture(scope="session")
def database_url(services: Services) -> str:
    upgrade(services.database_url)
    return services.database_url


@pytest.fixture
async def producer(services: Services) -> AsyncIterator[AIOKafkaProducer]:
    """A client of the real broker, for tests that play another system's events."""
    producer = AIOKafkaProducer(bootstrap_servers=services.bootstrap_servers, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def settings_for(services: Services, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": services.database_url,
        "kafka_bootstrap_servers": services.bootstrap_servers,
        "jwt_secret": JWT_SECRET,
        "allow_anonymous": False,
        "log_level": "WARNING",
        "kafka_session_timeout_ms": GROUP_TIMING.session_timeout_ms,
        "kafka_heartbeat_interval_ms": GROUP_TIMING.heartbeat_interval_ms,
        "inbound_retry_base_seconds": INBOUND_RETRY_BASE_SECONDS,
        "graphiql": True,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


KEEP_ALIVE_SECONDS: int = Settings.model_fields["http_keep_alive_seconds"].default
"""As `gateway serve` keeps idle connections. uvicorn's own 5 s equals httpx's pool
expiry, so a pooled connection could be reused just as the server closed it (a POST
then fails with `httpx.ReadError`): the race a balancer meets with a server that closes first."""


class Served:
    """A real uvicorn serving an ASGI app on a free loopback port, in the test's loop,
    with the HTTP protocol `gateway serve` uses."""

    def __init__(self, app: Any):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
                http=OneWriteResponses,
            )
        )
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Served:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.should_exit = True
        if self._task:
            await self._task

    async def subscribed(self, tenant: str, count: int = 1) -> None:
        """Return once `count` subscriptions of `tenant` are open on the gateway's hub, so
        an event published from now on reaches them."""
        hub = self.app.state.events.hub
        await until(lambda: hub.subscriber_count(tenant) >= count)

    async def caught_up(self, tenant: str) -> None:
        """Return once the gateway's hub has delivered every event `tenant` has committed,
        so a subscription opened from now on sees only what comes after (the relay hands
        events to the hub moments after their commit, later on a busy machine)."""
        hub = self.app.state.events.hub
        engine: AsyncEngine = self.app.state.engine

        async def delivered() -> bool:
            async with engine.connect() as connection:
                unnumbered, last = (
                    await connection.execute(
                        text(
                            "SELECT count(*) FILTER (WHERE sequence IS NULL), max(sequence)"
                            " FROM outbox WHERE tenant_id = :tenant"
                        ),
                        {"tenant": tenant},
                    )
                ).one()
            return unnumbered == 0 and (last is None or hub.next_sequence > last)

        await until(delivered)


async def until(condition: Callable[[], object], timeout: float = 10) -> None:
    """Wait for `condition` (a function, sync or async) to be true, looking every 10 ms;
    fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            held = condition()
            if await held if inspect.isawaitable(held) else held:
                return
            await asyncio.sleep(0.01)


async def waiting_on_a_lock(engine: AsyncEngine, statement_like: str = "%") -> bool:
    """Whether a session of `engine`'s database waits for a lock while running a statement
    LIKE `statement_like`: how a test knows a request got as far as a lock it holds."""
    async with engine.connect() as connection:
        waiting = await connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE :like AND datname = current_database()"
            ),
            {"like": statement_like},
        )
        return bool(waiting.scalar_one())


class RunningGateway(Served):
    """The gateway app built from `settings`, served by a real uvicorn."""

    def __init__(self, settings: Settings):
        super().__init__(create_app(settings))


@pytest.fixture(scope="session")
async def gateway(services: Services, database_url: str) -> AsyncIterator[RunningGateway]:
    async with RunningGateway(settings_for(services)) as running:
        yield running


def token(tenant: str, permissions: list[str] | None = None, user: str = "user-1") -> str:
    return issue_token(
        JWT_SECRET,
        tenant=tenant,
        user=user,
        permissions=ALL_PERMISSIONS if permissions is None else permissions,
    )


@dataclass
class Api:
    """A GraphQL client for one tenant, over real HTTP."""

    http: httpx.AsyncClient
    tenant: str
    permissions: list[str] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token_value: str | None = None,
        authorize: bool = True,
    ) -> dict[str, Any]:
        headers = dict(self.headers)
        if authorize:
            headers["Authorization"] = (
                f"Bearer {token_value or token(self.tenant, self.permissions)}"
            )
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a request that must succeed."""
        body = await self(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def error_codes(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> list[str]:
        body = await self(query, variables, **kwargs)
        assert body.get("errors"), f"expected errors, got {body}"
        return [e["extensions"]["code"] for e in body["errors"]]

    def as_tenant(self, tenant: str, permissions: list[str] | None = None) -> Api:
        return Api(self.http, tenant, permissions, self.headers)


@pytest.fixture(scope="session")
async def http(gateway: RunningGateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        yield client


@pytest.fixture
def tenant() -> str:
    """A fresh tenant per test, so tests never see each other's rows."""
    return f"t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def api(http: httpx.AsyncClient, tenant: str) -> Api:
    return Api(http, tenant)


@asynccontextmanager
async def database_of_its_own(database_url: str, revision: str = "head") -> AsyncIterator[str]:
    """A new database beside `database_url`'s, migrated to `revision`, dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"isolated_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, pool_size=1)
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, url, revision)
    try:
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        await admin.dispose()


@pytest.fixture
async def fresh_database_url(database_url: str) -> AsyncIterator[str]:
    """A database of its own, migrated, for tests that need the whole outbox to themselves."""
    async with database_of_its_own(database_url) as url:
        yield url


async def cut_relay_session(engine: AsyncEngine) -> int:
    """End the session holding this database's relay lock, as a cut connection would;
    return how many sessions were ended."""
    async with engine.connect() as connection:
        ended = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND granted AND (classid::bigint << 32) + objid::bigint = :key"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": RELAY_LOCK},
        )
        return sum(ended.scalars())
