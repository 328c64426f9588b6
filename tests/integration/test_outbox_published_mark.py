"""What "published" means now that it is one mark (`outbox_cursor.published_through`)
rather than a stamp on every row: the lag `/readyz` reports, where a hub starts, what a
new leader sends again, what republishing a window sends again, and the mark the
migration derives from the stamps written before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import pytest
from sqlalchemy import column, event, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import PublishedEvent
from persistence.database import create_engine
from persistence.migrate import upgrade_async
from persistence.repositories.outbox import OutboxReader, OutboxRelayStore
from persistence.tables import outbox_cursor
from subscriptions.publisher import Publisher
from subscriptions.relay import OutboxRelay
from tests.conftest import database_of_its_own
from tests.integration.customer_changes import renames

BEFORE_THE_MARK = "0032_order_write_storage"


def _sequences(events: Sequence[PublishedEvent]) -> list[int]:
    return [e.sequence for e in events]


async def test_the_lag_counts_unnumbered_events_and_numbered_ones_after_the_mark(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    store = OutboxRelayStore(isolated_engine)
    reader = OutboxReader(isolated_engine)
    await renames(isolated_engine, tenant, 5)
    assert (await store.lag())[0] == 5
    assert await reader.next_sequence() == 1

    assert _sequences(await store.number_pending(3)) == [1, 2, 3]
    unsent, oldest = await store.lag()
    assert unsent == 5 and oldest > 0
    assert await reader.last_published() == 0

    # The next numbering marks the batch before it published.
    assert _sequences(await store.number_pending(10, published=3)) == [4, 5]
    assert (await store.lag())[0] == 2
    assert await reader.last_published() == 3
    assert await reader.next_sequence() == 4
    assert _sequences(await store.unpublished(10)) == [4, 5]

    await store.mark_published(5)
    assert await store.lag() == (0, 0.0)
    assert await reader.next_sequence() == 6
    assert await store.unpublished(10) == []
    # A late mark for an earlier batch never moves the mark back.
    await store.mark_published(2)
    assert await reader.last_published() == 5


async def test_an_acked_batch_whose_mark_never_reached_the_database_is_sent_again(
    isolated_engine: AsyncEngine,
    publisher: Publisher,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await renames(isolated_engine, tenant, 3)
    acked: list[list[int]] = []
    first = OutboxRelay(
        isolated_engine,
        publisher,
        poll_seconds=60,
        on_published=lambda events: acked.append(_sequences(events)),
    )

    marking = asyncio.Event()
    number_pending = first._store.number_pending

    def cut() -> NoReturn:
        marking.set()
        raise ConnectionError("the database went away before the mark")

    async def marked(*_: object) -> None:
        cut()

    async def numbered_unless_marking(
        limit: int, published: int | None = None
    ) -> list[PublishedEvent]:
        if published is not None:
            cut()
        return await number_pending(limit)

    # Stopped at its first attempt to mark (the relay's next look for events, or the mark
    # on its way out), before its retry (0.2 s later) would send the batch again itself.
    monkeypatch.setattr(first._store, "number_pending", numbered_unless_marking)
    monkeypatch.setattr(first._store, "mark_published", marked)
    task = asyncio.create_task(first.run())
    try:
        async with asyncio.timeout(20):
            await marking.wait()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert acked == [[1, 2, 3]]
    assert (await OutboxRelayStore(isolated_engine).lag())[0] == 3

    second = OutboxRelay(
        isolated_engine,
        publisher,
        poll_seconds=60,
        on_published=lambda events: acked.append(_sequences(events)),
    )
    task = asyncio.create_task(second.run())
    try:
        async with asyncio.timeout(20):
            while (await OutboxRelayStore(isolated_engine).lag())[0]:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert acked == [[1, 2, 3], [1, 2, 3]]
    resent = await OutboxReader(isolated_engine).between(1, 3)
    assert [e.event.event_id for e in resent] == ids


async def test_a_leader_runs_its_statements_on_the_session_holding_its_lock(
    isolated_engine: AsyncEngine, publisher: Publisher, tenant: str
) -> None:
    """No pooled connection per batch: a checkout costs more CPU than the numbering."""
    checked_out_by: list[asyncio.Task[object] | None] = []
    event.listen(
        isolated_engine.sync_engine.pool,
        "checkout",
        lambda *_: checked_out_by.append(asyncio.current_task()),
    )
    relay = OutboxRelay(isolated_engine, publisher, batch_size=2, poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(20):
            while not relay.is_leader:
                await asyncio.sleep(0.02)
            await renames(isolated_engine, tenant, 9)
            while relay.published < 9:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert [e.sequence for e in await OutboxReader(isolated_engine).between(1, 9)] == list(
        range(1, 10)
    )
    # Five numberings or more (batches of two) and their marks; one checkout, the lock's.
    assert checked_out_by.count(task) == 1


async def test_republishing_since_a_moment_sends_again_every_event_numbered_since(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    store = OutboxRelayStore(isolated_engine)
    await renames(isolated_engine, tenant, 5)
    await store.number_pending(3)
    await store.mark_published(3)
    await asyncio.sleep(0.05)
    since = datetime.now(UTC)
    await store.number_pending(10)
    await store.mark_published(5)

    assert await store.republish_since(since + timedelta(hours=1)) == 0
    assert await OutboxReader(isolated_engine).last_published() == 5

    assert await store.republish_since(since) == 2
    assert _sequences(await store.unpublished(10)) == [4, 5]
    assert (await store.lag())[0] == 2

    assert await store.republish_since(since - timedelta(hours=1)) == 3
    assert _sequences(await store.unpublished(10)) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("stamped", "mark"),
    [
        ((1, 2, 3, 4), 4),  # every numbered row stamped: the last number given
        ((1, 2, 4), 2),  # a hole: everything after it is sent again
        ((), 0),  # nothing stamped: everything numbered is sent again
    ],
)
async def test_the_migration_puts_the_mark_before_the_oldest_row_never_stamped(
    database_url: str, tenant: str, stamped: tuple[int, ...], mark: int
) -> None:
    async with database_of_its_own(database_url, BEFORE_THE_MARK) as url:
        engine = create_engine(url)
        try:
            await renames(engine, tenant, 5)
            async with engine.begin() as connection:
                legacy = table(
                    "outbox", column("position"), column("sequence"), column("published_at")
                )
                positions = list(
                    await connection.scalars(select(legacy.c.position).order_by(legacy.c.position))
                )
                for sequence, position in enumerate(positions[:4], start=1):
                    await connection.execute(
                        update(legacy)
                        .where(legacy.c.position == position)
                        .values(
                            sequence=sequence,
                            published_at=func.now() if sequence in stamped else None,
                        )
                    )
                await connection.execute(update(outbox_cursor).values(last_sequence=4))
            await upgrade_async(url)
            reader = OutboxReader(engine)
            assert await reader.last_published() == mark
            store = OutboxRelayStore(engine)
            assert _sequences(await store.unpublished(10)) == list(range(mark + 1, 5))
            assert (await store.lag())[0] == 5 - mark
        finally:
            await engine.dispose()
