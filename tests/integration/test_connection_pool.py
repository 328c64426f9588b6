"""The pool's health check: idle connections are checked before use, busy ones are not."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from persistence.database import create_engine
from tests.integration.backends import backend_of, kill


async def test_a_connection_killed_while_idle_is_replaced_before_use(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.1)
    admin = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await backend_of(engine)
        await kill(admin, first)
        await asyncio.sleep(0.3)

        second = await backend_of(engine)

        assert second != first
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_a_connection_used_moments_ago_is_trusted_without_a_check(
    database_url: str,
) -> None:
    """The other side of the trade: no round trips spent on a connection just returned.

    Killed right after use and taken again at once, it is not checked, so its statement
    fails; that is what shows the check is skipped.
    """
    engine = create_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=60)
    admin = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        await kill(admin, await backend_of(engine))
        await asyncio.sleep(0.1)

        with pytest.raises(DBAPIError):
            await backend_of(engine)
        assert await backend_of(engine) > 0, "the pool recovers on the next use"
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_connections_opened_under_load_are_kept_for_the_next_burst(
    database_url: str,
) -> None:
    """Ten clients kept taking an eleventh connection and handing it back: closed on
    return and opened again, 409 sessions in 5 s halved throughput (issue 18)."""
    engine = create_engine(database_url, pool_size=1, max_overflow=2)
    opened: list[object] = []
    event.listen(engine.sync_engine.pool, "connect", lambda *_: opened.append(1))

    async def hold() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(0.05)"))

    try:
        for _ in range(4):
            await asyncio.gather(hold(), hold(), hold())
        assert len(opened) == 3
    finally:
        await engine.dispose()
