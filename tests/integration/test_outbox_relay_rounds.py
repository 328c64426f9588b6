"""The relay's rounds against the real database: numbering, leftovers, empty polls, retries.

A recording publisher stands in for the broker, so each test sees exactly which
batches the relay sent; `test_outbox_relay.py` covers the real broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import PublishedEvent
from persistence.database import create_engine
from persistence.repositories.outbox import NUMBER_PENDING, OutboxRelayStore
from persistence.tables import outbox
from persistence.unit_of_work import UnitOfWork
from subscriptions.publisher import ProducerSettings, Publisher
from subscriptions.relay import OutboxRelay

TENANT = "t-rounds"


class RecordingPublisher(Publisher):
    """Acks every batch without a broker, after failing the first `failures` attempts."""

    def __init__(self, failures: int = 0):
        super().__init__("127.0.0.1:9", "test", ProducerSettings())
        self.attempts: list[list[int]] = []
        self.batches: list[list[int]] = []
        self._failures = failures

    async def publish(self, events: Sequence[PublishedEvent]) -> None:
        sequences = [e.sequence for e in events]
        self.attempts.append(sequences)
        if len(self.attempts) <= self._failures:
            raise ConnectionError("the broker is away")
        self.batches.append(sequences)


@pytest.fixture
async def isolated_engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


async def _record(engine: AsyncEngine, count: int) -> list[str]:
    """Commit `count` events one transaction each; their event ids in commit order."""
    ids = []
    for n in range(count):
        async with UnitOfWork(engine, TENANT) as work:
            event = work.record("CustomerUpdatedEvent", "customer", "CUST-1", {"n": n})
            await work.commit()
        ids.append(event.event_id)
    return ids


async def _relaying(relay: OutboxRelay, done: Callable[[], bool]) -> None:
    """Run `relay` until `done()` holds (at most 10 s), then stop it."""
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(10):
            while not done():
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _rows(engine: AsyncEngine) -> list[tuple[str, int | None, bool]]:
    """(event id, sequence, published) of every outbox row, in position order."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(
                outbox.c.event_id, outbox.c.sequence, outbox.c.published_at.is_not(None)
            ).order_by(outbox.c.position)
        )
        return [tuple(row) for row in rows]


async def _cursor_row(engine: AsyncEngine) -> tuple[str, str, int]:
    """The cursor row's version (xmin), its last locker or updater (xmax), and its value."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT xmin::text, xmax::text, last_sequence FROM outbox_cursor")
            )
        ).one()
        return row[0], row[1], row[2]


@pytest.mark.parametrize("events", [20, 23])
async def test_batches_bigger_than_one_round_are_numbered_gap_free_in_position_order(
    isolated_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, events: int
) -> None:
    ids = await _record(isolated_engine, events)
    numberings: list[int] = []
    number_pending = OutboxRelayStore.number_pending

    async def counted(store: OutboxRelayStore, limit: int) -> list[PublishedEvent]:
        numbered = await number_pending(store, limit)
        numberings.append(len(numbered))
        return numbered

    monkeypatch.setattr(OutboxRelayStore, "number_pending", counted)
    publisher = RecordingPublisher()
    relay = OutboxRelay(isolated_engine, publisher, batch_size=5, poll_seconds=60)

    await _relaying(relay, lambda: relay.published == events)

    assert [len(batch) for batch in publisher.batches] == [5, 5, 5, 5, *([3] if events % 5 else [])]
    assert [s for batch in publisher.batches for s in batch] == list(range(1, events + 1))
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]
    # One numbering per batch, and a last empty one only when the last batch was full.
    assert numberings == [5, 5, 5, 5, 3 if events % 5 else 0]
    assert (await _cursor_row(isolated_engine))[2] == events


async def test_a_new_leader_first_publishes_what_an_earlier_one_numbered_but_never_stamped(
    isolated_engine: AsyncEngine,
) -> None:
    ids = await _record(isolated_engine, 7)
    # A leader that numbered five events and stopped before the broker acked them.
    left = await OutboxRelayStore(isolated_engine).number_pending(5)
    assert [e.event.event_id for e in left] == ids[:5]
    publisher = RecordingPublisher()
    relay = OutboxRelay(isolated_engine, publisher, batch_size=3, poll_seconds=60)

    await _relaying(relay, lambda: relay.published == 7)

    assert publisher.batches == [[1, 2, 3], [4, 5], [6, 7]]
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]


async def test_an_empty_poll_neither_locks_nor_writes_the_cursor(
    isolated_engine: AsyncEngine,
) -> None:
    store = OutboxRelayStore(isolated_engine)
    await _record(isolated_engine, 2)
    before_numbering = await _cursor_row(isolated_engine)
    assert len(await store.number_pending(10)) == 2
    numbered = await _cursor_row(isolated_engine)
    assert numbered[0] != before_numbering[0] and numbered[2] == 2

    for _ in range(3):
        assert await store.number_pending(10) == []

    assert await _cursor_row(isolated_engine) == numbered


async def test_a_second_numbering_waits_for_the_first_and_continues_its_sequence(
    isolated_engine: AsyncEngine,
) -> None:
    ids = await _record(isolated_engine, 6)
    async with isolated_engine.connect() as first:
        await first.begin()
        taken = (await first.execute(NUMBER_PENDING, {"limit": 4})).mappings().all()
        second = asyncio.create_task(OutboxRelayStore(isolated_engine).number_pending(4))
        await asyncio.sleep(0.5)
        assert not second.done(), "the second numbering did not wait for the cursor lock"
        await first.commit()
    later = await second

    assert [(r["event_id"], r["sequence"]) for r in taken] == [
        (i, n + 1) for n, i in enumerate(ids[:4])
    ]
    assert [(e.event.event_id, e.sequence) for e in later] == [(ids[4], 5), (ids[5], 6)]
    assert (await _cursor_row(isolated_engine))[2] == 6


async def test_a_failed_publish_retries_the_same_batch_which_stays_unpublished_meanwhile(
    isolated_engine: AsyncEngine,
) -> None:
    ids = await _record(isolated_engine, 3)
    publisher = RecordingPublisher(failures=2)
    relay = OutboxRelay(isolated_engine, publisher, batch_size=10, poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(10):
            while not publisher.attempts:
                await asyncio.sleep(0.01)
        assert await _rows(isolated_engine) == [(i, n + 1, False) for n, i in enumerate(ids)]
        async with asyncio.timeout(10):
            while relay.published < 3:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert publisher.attempts == [[1, 2, 3]] * 3
    assert publisher.batches == [[1, 2, 3]]
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]
