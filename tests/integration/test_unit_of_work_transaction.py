"""The unit of work's transaction, begun and ended by the driver that runs its every
statement: all or nothing, and never a connection handed back to the pool inside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Customer
from persistence.database import create_engine
from persistence.driver import LOST_CONNECTION, driver_of
from persistence.unit_of_work import UnitOfWork
from tests.conftest import until


@pytest.fixture
async def one_connection(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A pool of one connection: the next unit of work gets the connection the last used."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def _in_transaction_at_checkout(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return (await driver_of(connection)).in_transaction()


async def _customer(engine: AsyncEngine, tenant: str, customer_id: str) -> Customer | None:
    async with UnitOfWork(engine, tenant) as work:
        return await work.customers.get(customer_id)


async def test_statements_built_per_call_and_built_once_share_the_transaction(
    engine: AsyncEngine, tenant: str
) -> None:
    """A search (built per call) sees the unit's own uncommitted write (a statement built
    once), and the commit keeps it."""
    async with UnitOfWork(engine, tenant) as work:
        await work.customers.add(Customer(id="CUST-TX1", name="Both kinds"))
        assert await work.customers.count("Both kinds") == 1
        await work.commit()

    assert (await _customer(engine, tenant, "CUST-TX1")) is not None


async def test_a_failed_unit_writes_nothing_and_returns_a_clean_connection(
    one_connection: AsyncEngine, tenant: str
) -> None:
    with pytest.raises(ZeroDivisionError):
        async with UnitOfWork(one_connection, tenant) as work:
            await work.customers.add(Customer(id="CUST-TX2", name="Rolled back"))
            raise ZeroDivisionError

    assert not await _in_transaction_at_checkout(one_connection)
    assert (await _customer(one_connection, tenant, "CUST-TX2")) is None


async def test_a_unit_cancelled_mid_statement_leaves_no_transaction_behind(
    one_connection: AsyncEngine, engine: AsyncEngine, tenant: str
) -> None:
    """A client that hangs up cancels its request; the next user of the connection must
    not find itself inside the abandoned transaction."""
    started = asyncio.Event()

    async def slow_unit() -> None:
        async with UnitOfWork(one_connection, tenant) as work:
            await work.customers.add(Customer(id="CUST-TX3", name="Cancelled"))
            started.set()
            await work._driver.run(text("SELECT pg_sleep(5)"), {})
            await work.commit()

    async def sleeping() -> bool:
        async with engine.connect() as connection:
            running = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE state = 'active' AND query = 'SELECT pg_sleep(5)'"
                )
            )
            return bool(running.scalar_one())

    task = asyncio.create_task(slow_unit())
    await started.wait()
    await until(sleeping)  # cancelled while the statement runs in the database
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with asyncio.timeout(10):
        assert not await _in_transaction_at_checkout(one_connection)
        assert (await _customer(one_connection, tenant, "CUST-TX3")) is None


async def test_a_terminated_session_fails_as_a_lost_connection_and_the_pool_recovers(
    one_connection: AsyncEngine, engine: AsyncEngine, tenant: str
) -> None:
    with pytest.raises(LOST_CONNECTION):
        async with UnitOfWork(one_connection, tenant) as work:
            pid = await work._driver.value(text("SELECT pg_backend_pid()"), {})
            async with engine.connect() as admin:
                await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await asyncio.sleep(0.2)  # the session's end reaches the client
            await work.customers.get("CUST-ANY")

    assert (await _customer(one_connection, tenant, "CUST-ANY")) is None, "the next unit works"


class SentStatements:
    """Every statement sent on the connections of an engine's pool."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, logged: object) -> None:
        self.sent.append(getattr(logged, "query", ""))


async def test_a_reading_unit_sends_its_reads_alone_and_cannot_commit(
    one_connection: AsyncEngine, tenant: str
) -> None:
    async with UnitOfWork(one_connection, tenant) as work:
        await work.customers.add(Customer(id="CUST-TX5", name="Read without a transaction"))
        await work.commit()
    log = SentStatements()
    async with one_connection.connect() as connection:
        (await driver_of(connection)).connection.add_query_logger(log)
    async with UnitOfWork(one_connection, tenant, reading=True) as work:
        found = await work.customers.get_many(["CUST-TX5"])
        with pytest.raises(AssertionError, match="nothing to commit"):
            await work.commit()
    assert [c.name for c in found.values()] == ["Read without a transaction"]
    await asyncio.sleep(0)  # asyncpg calls its query loggers on the loop's next turn
    assert [q for q in log.sent if "FROM customers" in q] != []
    assert [q for q in log.sent if q.strip() in ("BEGIN", "COMMIT", "ROLLBACK")] == []
    assert not await _in_transaction_at_checkout(one_connection)
