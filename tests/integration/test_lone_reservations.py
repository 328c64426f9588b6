"""The lone reservation's first statement takes its number as the numbering pool does:
without waiting for its flush, and without changing the pooled session."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.database import create_engine
from persistence.unit_of_work import UnitOfWork

SETTING = text("SELECT source FROM pg_settings WHERE name = 'synchronous_commit'")


async def test_the_unflushed_number_leaves_the_session_setting_as_it_was(
    database_url: str, tenant: str
) -> None:
    """`set_config(..., true)` ends with the statement: the next user of the connection
    (a creating transaction, whose commit must be flushed) keeps the server's setting."""
    engine: AsyncEngine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        for expected in ("RES-001", "RES-002"):
            async with UnitOfWork(engine, tenant, reading=True) as work:
                number, item = await work.lone_reservations.numbered_level(
                    "RES", None, "NO-SUCH-SKU", "LOC-1", datetime.now(UTC)
                )
            assert (number, item) == (expected, None)
        async with engine.connect() as same_connection:
            source = (await same_connection.execute(SETTING)).scalar_one()
        assert source not in {"session", "client"}
    finally:
        await engine.dispose()
