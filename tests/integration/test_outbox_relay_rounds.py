"""The relay's rounds against the real database and broker: numbering, leftovers, empty
polls, retries.

Every relay publishes through a real `Publisher` to a real Kafka-protocol broker of this
module's own (its databases are each test's own too), and its `on_published` hook records
each batch right after the broker acked it, so a test sees exactly which batches went
out and in what order; `test_outbox_relay.py` covers what consumers read back. The retry
test starts yet another broker on a port where nothing listens yet, so the relay's
first attempts fail for real.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import PublishedEvent
from gateway.embedded.broker import EmbeddedBroker
from gateway.embedded.processes import free_port
from persistence.repositories.outbox import NUMBER_PENDING, OutboxRelayStore
from persistence.tables import outbox, outbox_cursor
from subscriptions.publisher import ProducerSettings, Publisher
from subscriptions.relay import OutboxRelay
from tests.conftest import until, waiting_on_a_lock
from tests.integration.customer_changes import renames


class Acked(list[list[int]]):
    """The sequences of each batch the broker acked, in order; a relay's `on_published`."""

    def __call__(self, events: Sequence[PublishedEvent]) -> None:
        self.append([e.sequence for e in events])


async def _relaying(relay: OutboxRelay, done: Callable[[], bool]) -> None:
    """Run `relay` until `done()` holds (at most 20 s), then stop it."""
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(20):
            while not done():
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _rows(engine: AsyncEngine) -> list[tuple[str, int | None, bool]]:
    """(event id, sequence, published) of every outbox row, in position order."""
    mark = select(outbox_cursor.c.published_through).scalar_subquery()
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.event_id, outbox.c.sequence, outbox.c.sequence <= mark).order_by(
                outbox.c.position
            )
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
    isolated_engine: AsyncEngine,
    publisher: Publisher,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
    events: int,
) -> None:
    ids = await renames(isolated_engine, tenant, events)
    numberings: list[int] = []
    acked = Acked()
    relay = OutboxRelay(
        isolated_engine, publisher, batch_size=5, poll_seconds=60, on_published=acked
    )
    # Counted on this relay's store only: the session's gateway runs a relay of its own.
    store = relay._store
    number_pending = store.number_pending
    mark_published = store.mark_published
    marked_alone: list[int] = []

    async def counted(limit: int, published: int | None = None) -> list[PublishedEvent]:
        numbered = await number_pending(limit, published)
        numberings.append(len(numbered))
        return numbered

    async def marked(through: int) -> None:
        await mark_published(through)
        marked_alone.append(through)

    monkeypatch.setattr(store, "number_pending", counted)
    monkeypatch.setattr(store, "mark_published", marked)

    # Done once an empty numbering followed the last batch: it marked that batch
    # (stopping the relay mid-mark would have it mark that batch again).
    await _relaying(
        relay,
        lambda: relay.published == events and len(numberings) > 5 and numberings[-1] == 0,
    )

    assert [len(batch) for batch in acked] == [5, 5, 5, 5, *([3] if events % 5 else [])]
    assert [s for batch in acked for s in batch] == list(range(1, events + 1))
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]
    # One numbering per batch, the drain's last one short (empty when the last batch
    # was full); then only the empty looks of a relay that found work and looks again.
    assert numberings[:5] == [5, 5, 5, 5, 3 if events % 5 else 0]
    assert set(numberings[5:]) == {0}
    # Each batch is marked by the numbering after it, a short last batch too: no mark
    # took a statement of its own.
    assert marked_alone == []
    assert (await _cursor_row(isolated_engine))[2] == events


async def test_a_new_leader_first_publishes_what_an_earlier_one_numbered_but_never_marked(
    isolated_engine: AsyncEngine, publisher: Publisher, tenant: str
) -> None:
    ids = await renames(isolated_engine, tenant, 7)
    # A leader that numbered five events and stopped before the broker acked them.
    left = await OutboxRelayStore(isolated_engine).number_pending(5)
    assert [e.event.event_id for e in left] == ids[:5]
    acked = Acked()
    relay = OutboxRelay(
        isolated_engine, publisher, batch_size=3, poll_seconds=60, on_published=acked
    )

    await _relaying(relay, lambda: relay.published == 7)

    assert acked == [[1, 2, 3], [4, 5], [6, 7]]
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]


async def test_an_empty_poll_neither_locks_nor_writes_the_cursor(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    store = OutboxRelayStore(isolated_engine)
    await renames(isolated_engine, tenant, 2)
    before_numbering = await _cursor_row(isolated_engine)
    assert len(await store.number_pending(10)) == 2
    numbered = await _cursor_row(isolated_engine)
    assert numbered[0] != before_numbering[0] and numbered[2] == 2

    for _ in range(3):
        assert await store.number_pending(10) == []

    assert await _cursor_row(isolated_engine) == numbered


async def test_a_second_numbering_waits_for_the_first_and_continues_its_sequence(
    isolated_engine: AsyncEngine, tenant: str
) -> None:
    ids = await renames(isolated_engine, tenant, 6)
    async with isolated_engine.connect() as first:
        await first.begin()
        taken = (
            (await first.execute(NUMBER_PENDING, {"limit": 4, "published": None})).mappings().all()
        )
        second = asyncio.create_task(OutboxRelayStore(isolated_engine).number_pending(4))

        await until(lambda: second.done() or waiting_on_a_lock(isolated_engine))
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
    tenant: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = await renames(isolated_engine, tenant, 3)
    # Nothing listens on this port until the test starts a broker there.
    broker = EmbeddedBroker(tmp_path, port=free_port())
    publisher = Publisher(broker.bootstrap_servers, "rounds-retry", ProducerSettings())
    acked = Acked()
    relay = OutboxRelay(
        isolated_engine,
        publisher,
        batch_size=10,
        poll_seconds=60,
        max_backoff_seconds=0.5,
        on_published=acked,
    )

    def failures() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("publishing")]

    task = asyncio.create_task(relay.run())
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.relay"):
            async with asyncio.timeout(10):
                while len(failures()) < 3:
                    await asyncio.sleep(0.05)
            assert acked == []
            assert await _rows(isolated_engine) == [(i, n + 1, False) for n, i in enumerate(ids)]

            await asyncio.to_thread(broker.start)
            async with asyncio.timeout(20):
                while relay.published < 3:
                    await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await publisher.close()
        broker.stop()
        failed = failures()
        # `Publisher` leaves each producer whose start failed unclosed, and the logged
        # errors keep them alive: drop both now so their ResourceWarnings name this test
        # rather than whichever runs next.
        caplog.clear()
        gc.collect()

    assert all(f.startswith("publishing 3 events failed") for f in failed)
    assert acked == [[1, 2, 3]]
    assert await _rows(isolated_engine) == [(i, n + 1, True) for n, i in enumerate(ids)]
    assert (await _cursor_row(isolated_engine))[2] == 3
