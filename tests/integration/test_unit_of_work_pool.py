"""A unit of work takes an idle connection and hands it back without a greenlet, and the
pool still checks, replaces and reuses its connections as before."""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import in_greenlet

from domain.customers import Customer
from persistence.database import create_engine
from persistence.unit_of_work import UnitOfWork
from tests.integration.backends import backend_of, kill


async def _count(engine: AsyncEngine, tenant: str) -> int:
    async with UnitOfWork(engine, tenant, reading=True) as work:
        return await work.customers.count("Pooled")


async def test_a_connection_killed_while_idle_is_replaced_before_a_unit_uses_it(
    database_url: str, tenant: str
) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.1)
    admin = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await backend_of(engine)
        await kill(admin, first)
        await asyncio.sleep(0.3)

        async with UnitOfWork(engine, tenant) as work:
            await work.customers.add(Customer(id="CUST-POOL1", name="Pooled"))
            await work.commit()

        assert await _count(engine, tenant) == 1
        assert await backend_of(engine) != first
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_units_reuse_the_idle_connection_and_open_more_when_all_are_busy(
    database_url: str, tenant: str
) -> None:
    engine = create_engine(database_url, pool_size=3, max_overflow=0)
    try:
        assert await _count(engine, tenant) == 0
        one = await backend_of(engine)
        assert [await _count(engine, tenant) for _ in range(3)] == [0, 0, 0]
        assert await backend_of(engine) == one, "the idle connection is the one taken"

        async def held() -> int:
            async with UnitOfWork(engine, tenant, reading=True) as work:
                await asyncio.sleep(0.05)
                return await work.customers.count("Pooled")

        assert await asyncio.gather(held(), held(), held()) == [0, 0, 0]
        assert engine.sync_engine.pool.checkedin() == 3  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_an_idle_connection_is_taken_without_a_greenlet(
    database_url: str, tenant: str
) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    in_a_greenlet: list[bool] = []

    def taken(*_: Any) -> None:
        in_a_greenlet.append(in_greenlet())

    event.listen(engine.sync_engine.pool, "checkout", taken)
    try:
        assert [await _count(engine, tenant) for _ in range(3)] == [0, 0, 0]
        assert in_a_greenlet == [True, False, False], "opened in one, then taken idle"
    finally:
        await engine.dispose()


async def test_a_connection_the_pool_invalidated_is_reopened_in_a_greenlet(
    database_url: str, tenant: str
) -> None:
    """Its record refuses to open outside a greenlet before asyncpg is called, so no
    coroutine is left unawaited, and the unit then takes it in one."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await backend_of(engine)
        async with engine.connect() as connection:
            await connection.invalidate()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert await _count(engine, tenant) == 0
            gc.collect()
        assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
        assert await backend_of(engine) != first
    finally:
        await engine.dispose()


async def test_a_live_connection_idle_too_long_is_checked_and_kept(
    database_url: str, tenant: str
) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.1)
    try:
        first = await backend_of(engine)
        await asyncio.sleep(0.3)

        assert await _count(engine, tenant) == 0
        assert await backend_of(engine) == first
    finally:
        await engine.dispose()
