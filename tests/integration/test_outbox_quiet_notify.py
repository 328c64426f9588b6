"""Writers notify the relay only while it sleeps (migration 0037), and it cannot fall
asleep while a writer that did not notify is still in its transaction: a real database,
a real listening session, real units of work writing events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.driver import Driver
from persistence.repositories.outbox import OutboxRelayStore
from subscriptions.relay import CHANNEL
from tests.integration.customer_changes import rename


@asynccontextmanager
async def _relay_session(engine: AsyncEngine) -> AsyncIterator[tuple[OutboxRelayStore, list[Any]]]:
    """A relay's store on a session of its own that LISTENs as the relay does; the
    notifications it receives."""
    heard: list[Any] = []
    async with engine.connect() as connection:
        raw: Any = (await connection.get_raw_connection()).driver_connection
        await raw.add_listener(CHANNEL, lambda *notification: heard.append(notification))
        store = OutboxRelayStore(engine)
        try:
            async with store.holding(Driver(raw)):
                yield store, heard
        finally:
            await connection.invalidate()


async def _heard_within(heard: list[Any], count: int, seconds: float = 1.0) -> bool:
    """Whether `heard` holds `count` notifications within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            while len(heard) < count:
                await asyncio.sleep(0.01)
    except TimeoutError:
        return False
    return True


async def test_a_commit_notifies_only_while_the_relay_sleeps(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    async with _relay_session(isolated_engine) as (store, heard):
        await rename(isolated_engine, tenant, "CUST-1", "awake")
        assert not await _heard_within(heard, 1, 0.3), "an awake relay was notified"

        assert await store.fall_asleep()
        await rename(isolated_engine, tenant, "CUST-1", "asleep")
        assert await _heard_within(heard, 1)

        await store.wake_up()
        await rename(isolated_engine, tenant, "CUST-1", "awake again")
        assert not await _heard_within(heard, 2, 0.3), "a relay that woke up was notified"


async def test_the_relay_cannot_fall_asleep_while_a_writer_that_did_not_notify_is_open(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    """Were it to sleep then, that writer's events would wait for the slow poll."""
    async with _relay_session(isolated_engine) as (store, heard):
        async with isolated_engine.connect() as writer:
            await writer.execute(
                text(
                    "INSERT INTO outbox (event_id, tenant_id, event_type, aggregate_type,"
                    " aggregate_id, occurred_at, payload)"
                    " VALUES ('E-OPEN', :tenant, 'CustomerUpdated', 'Customer', 'CUST-1',"
                    " now(), '{}')"
                ),
                {"tenant": tenant},
            )
            assert not await store.fall_asleep()
            await writer.commit()
        assert await store.fall_asleep()
        assert heard == [], "the writer that found the relay awake notified it"
