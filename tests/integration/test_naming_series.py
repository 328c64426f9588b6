"""Numbers of the naming series: taken in a statement of their own, never twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.database import numbering_engine
from persistence.repositories.naming import BLOCK
from persistence.unit_of_work import UnitOfWork


async def test_a_number_is_not_held_until_the_creating_transaction_ends(
    engine: AsyncEngine, tenant: str
) -> None:
    """Two creations in flight at once both get their numbers at once, in order."""
    async with UnitOfWork(engine, tenant) as first:
        assert await first.naming.next_id("EST") == "EST-001"
        async with UnitOfWork(engine, tenant) as second, asyncio.timeout(2):
            assert await second.naming.next_id("EST") == "EST-002"
            await second.commit()
        await first.commit()


async def test_a_creation_that_fails_after_numbering_leaves_a_gap(
    engine: AsyncEngine, tenant: str
) -> None:
    """The price of not queueing creations: numbers are unique and rising, not gap-free."""
    async with UnitOfWork(engine, tenant) as failed:
        assert await failed.naming.next_id("SO") == "SO-001"
    async with UnitOfWork(engine, tenant) as next_one:
        assert await next_one.naming.next_id("SO") == "SO-002"


async def test_simultaneous_creations_never_share_a_number_nor_wait_on_each_other(
    engine: AsyncEngine, tenant: str
) -> None:
    """More creations at once than the main pool holds: each holds a connection while it
    takes its number from the numbering pool, which therefore must not be the same pool."""

    async def take() -> str:
        async with UnitOfWork(engine, tenant) as work:
            return await work.naming.next_id("CUST")

    async with asyncio.timeout(10):
        taken = await asyncio.gather(*(take() for _ in range(25)))

    assert sorted(taken) == [f"CUST-{n:03d}" for n in range(1, 26)]


SETTING = text("SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'")


async def test_taking_a_number_does_not_wait_for_its_flush_but_a_creation_does(
    engine: AsyncEngine,
) -> None:
    """The creating transaction's own flushed commit makes the number it used durable,
    so only the numbering sessions opt out of waiting; the main pool keeps the server's
    setting (the test server's is off, a production server's on)."""
    async with numbering_engine(engine).connect() as numbering:
        assert tuple((await numbering.execute(SETTING)).one()) == ("off", "client")
    async with engine.connect() as creating:
        setting = (await creating.execute(SETTING)).one()
    assert setting.source != "client"


async def test_numbers_of_a_block_are_unique_and_the_series_moves_past_the_block(
    engine: AsyncEngine, tenant: str
) -> None:
    """A process numbering from a block takes BLOCK numbers in one statement and hands
    them out one by one, to creations at once too; anyone else numbering from the
    series gets a number after the block."""

    async def take() -> str:
        async with UnitOfWork(engine, tenant) as work:
            return await work.naming.next_id_of_block("SO")

    async with asyncio.timeout(10):
        taken = await asyncio.gather(*(take() for _ in range(BLOCK + 5)))
        async with UnitOfWork(engine, tenant) as work:
            after = await work.naming.next_id("SO")

    assert sorted(taken) == [f"SO-{n:03d}" for n in range(1, BLOCK + 6)]
    assert after == f"SO-{2 * BLOCK + 1:03d}"  # two blocks taken, one after the other
