"""A lone reservation's level is read by a statement that writes nothing: its number
comes from the process's block, so the tenant's `RES` series row is not written (nor
locked) by each reservation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.inventory.reservations import ReferenceType
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


STOCKED = [
    "INSERT INTO locations (tenant_id, id, name) VALUES (:tenant, 'LOC-1', 'Shop')",
    "INSERT INTO parts (tenant_id, id, sku, name, unit_price) "
    "SELECT :tenant, 'P-' || g, 'SKU-' || g, 'Part ' || g, 10 FROM generate_series(1, 2000) g",
    "INSERT INTO stock_levels (tenant_id, product_id, location_id, sku, on_hand, reserved, "
    "reorder_point, lead_time_days) "
    "SELECT :tenant, 'P-' || g, 'LOC-1', 'SKU-' || g, 100, 0, 0, 0 "
    "FROM generate_series(1, 2000) g",
    "ANALYZE parts, stock_levels",
]
"""A shop's worth of levels, known to the planner: over a table it believes small, any
plan is cheap."""
PLANS = text(
    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
    "WHERE statement LIKE 'WITH saved_level AS%UPDATE stock_levels%'"
)


async def test_the_write_keeps_the_plan_postgresql_made_once(
    database_url: str, tenant: str
) -> None:
    """PostgreSQL plans a prepared statement for the values given five times, then keeps
    a plan for any values if that one looks no dearer. The level's write is one row in
    both (its values are not arrays, whose length only the first kind of plan knows), so
    the next reservations run the kept plan: re-planned every time, it cost the database
    as much CPU as running it."""
    engine: AsyncEngine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            for statement in STOCKED:
                await connection.execute(text(statement), {"tenant": tenant})
        for n in range(10):
            now = datetime.now(UTC)
            later = now + timedelta(hours=1)
            async with UnitOfWork(engine, tenant, reading=True) as work:
                item = await work.lone_reservations.level(None, "SKU-1", "LOC-1", now)
                assert item is not None
                reservation = item.reserve(
                    f"RES-P{n}", Decimal(1), ReferenceType.ORDER_LINE, "SO-1", later, "me", now
                )
                assert await work.lone_reservations.saved_alone(item, reservation)
        async with engine.connect() as same_connection:
            generic, custom = (await same_connection.execute(PLANS)).one()
        assert (generic, custom) == (5, 5)
    finally:
        await engine.dispose()
