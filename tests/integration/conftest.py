"""What the integration tests share: an engine on a database of the test's own, a broker
of the module's own with a real publisher to it, and the use cases' clock and units of
work (`uow` opens a transaction, `alone` a unit that opens none) on the session's
database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from gateway.embedded.broker import EmbeddedBroker
from persistence.database import create_engine
from persistence.unit_of_work import UnitOfWork
from subscriptions.publisher import ProducerSettings, Publisher
from subscriptions.topics import BrokerLink


@pytest.fixture
async def isolated_engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A broker of the module's own: its records carry its databases' sequence numbers,
    which on the session's broker would reach the hub of every gateway started later."""
    broker = EmbeddedBroker(tmp_path_factory.mktemp("own-broker"))
    try:
        yield broker.start()
    finally:
        broker.stop()


@pytest.fixture
async def publisher(own_broker: str) -> AsyncIterator[Publisher]:
    """A real publisher to the module's broker; its link creates the topics it needs."""
    link = BrokerLink(own_broker, "relay-tests")
    await link.start()
    publisher = Publisher(own_broker, "relay-tests", ProducerSettings(), link)
    try:
        yield publisher
    finally:
        await publisher.close()
        await link.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
def uow(engine: AsyncEngine, tenant: str) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(engine, tenant)


@pytest.fixture
def alone(engine: AsyncEngine, tenant: str) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(engine, tenant, reading=True)
