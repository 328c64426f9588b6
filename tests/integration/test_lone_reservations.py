"""A lone reservation's level is read by a statement that writes nothing: its number
comes from the process's block, so the tenant's `RES` series row is not written (nor
locked) by each reservation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.database import create_engine
from persistence.unit_of_work import UnitOfWork

SERIES = text("SELECT last_value FROM naming_series WHERE tenant_id = :tenant AND series = 'RES'")


async def test_reading_the_level_takes_no_number_and_a_block_serves_twenty(
    database_url: str, tenant: str
) -> None:
    engine: AsyncEngine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        numbers = []
        for _ in range(21):
            async with UnitOfWork(engine, tenant, reading=True) as work:
                item = await work.lone_reservations.level(
                    None, "NO-SUCH-SKU", "LOC-1", datetime.now(UTC)
                )
                numbers.append(await work.naming.next_id_of_block("RES"))
            assert item is None
        async with engine.connect() as connection:
            taken = (await connection.execute(SERIES, {"tenant": tenant})).scalar_one()
        assert numbers == [f"RES-{n:03d}" for n in range(1, 22)]
        assert taken == 40, "two blocks of twenty taken, one statement each"
    finally:
        await engine.dispose()
