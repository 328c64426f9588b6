"""The hub's delivery promises: in order, once, bounded, gaps filled from the outbox."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import CustomerUpdated
from domain.events import DomainEvent, PublishedEvent
from persistence.database import create_engine
from persistence.event_facts import facts_of
from persistence.repositories.outbox import OutboxReader
from subscriptions.hub import EventHub, SubscriberTooSlow
from tests.conftest import until, waiting_on_a_lock


def _published(sequence: int, tenant: str = "t-hub", aggregate: str = "CUST-1") -> PublishedEvent:
    return PublishedEvent(
        sequence,
        CustomerUpdated(
            aggregate_id=aggregate,
            tenant_id=tenant,
            occurred_at=datetime.now(UTC),
            party_id=f"PARTY-{sequence}",
            name="Acme",
            email=None,
            phone=None,
            billing_terms_id=None,
            version=sequence,
        ),
    )


async def _take(subscription_events, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    taken = []
    async with asyncio.timeout(5):
        async for published in subscription_events:
            taken.append(published.sequence)
            if len(taken) == count:
                return taken
    return taken


@pytest.fixture
def hub(engine: AsyncEngine) -> EventHub:
    return EventHub(OutboxReader(engine), capacity=5, gap_timeout=0.2, catch_up_seconds=0)


async def test_events_arriving_out_of_order_are_delivered_in_sequence_once(hub: EventHub) -> None:
    subscription = hub.subscribe("t-hub", lambda event: True)
    for sequence in (1, 3, 2, 2, 1, 4):
        hub.offer(_published(sequence))
    assert await _take(subscription.events(), 4) == [1, 2, 3, 4]
    assert hub.delivered == 4


async def test_a_subscriber_only_sees_its_tenant_and_its_filter(hub: EventHub) -> None:
    mine = hub.subscribe("t-a", lambda event: event.aggregate_id == "CUST-2")
    hub.offer(_published(10, tenant="t-b", aggregate="CUST-2"))
    hub.offer(_published(11, tenant="t-a", aggregate="CUST-1"))
    hub.offer(_published(12, tenant="t-a", aggregate="CUST-2"))
    assert await _take(mine.events(), 1) == [12]


async def test_a_subscriber_that_falls_behind_is_closed_and_the_others_carry_on(
    hub: EventHub,
) -> None:
    slow = hub.subscribe("t-hub", lambda event: True)
    fast = hub.subscribe("t-hub", lambda event: True)
    fast_events = fast.events()
    for sequence in range(1, 8):
        hub.offer(_published(sequence))
        if sequence <= 4:
            assert await _take(fast_events, 1) == [sequence]
    with pytest.raises(SubscriberTooSlow):
        await _take(slow.events(), 10)
    assert await _take(fast_events, 3) == [5, 6, 7]
    assert hub.subscriber_count("t-hub") == 1


async def test_a_gap_kafka_does_not_close_is_filled_from_the_outbox(
    fresh_database_url: str,
) -> None:
    """On a database of its own: the sequences it writes by hand would otherwise be holes
    every running gateway's hub waits for."""
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    engine = create_engine(fresh_database_url)
    last = await _record_published(engine, [_published(n, tenant).event for n in (1, 2, 3)])
    hub = EventHub(OutboxReader(engine), gap_timeout=0.1, catch_up_seconds=0)
    hub.offer(_published(last, tenant=tenant))
    subscription = hub.subscribe(tenant, lambda event: True)
    third = (await OutboxReader(engine).between(last + 3, last + 3))[0]
    hub.offer(third)
    try:
        assert await _take(subscription.events(), 3) == [last + 1, last + 2, last + 3]
    finally:
        await hub.close()
        await engine.dispose()


async def test_a_record_ahead_that_this_outbox_does_not_hold_is_dropped_not_skipped_to(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A record numbered by another database (another deployment on the same topics, or
    one published before this database was restored) must not move the hub past the
    events this database numbers next."""
    async with _hub_of_its_own(fresh_database_url) as (hub, engine, tenant, first):
        events = hub.subscribe(tenant, lambda event: True).events()
        # Numbered `first + 6` elsewhere; this outbox numbers another event so later on.
        hub.offer(_published(first + 6, tenant=tenant))
        hub.offer(_published(first + 9, tenant=tenant))
        with caplog.at_level(logging.WARNING, logger="gateway.hub"):
            await until(lambda: len(_dropped(caplog)) == 2)
        assert _dropped(caplog) == [first + 6, first + 9]
        await _record_published(engine, [_published(n, tenant).event for n in range(7)])
        ours = await OutboxReader(engine).between(first, first + 6)
        for published in ours:
            hub.offer(published)
        async with asyncio.timeout(5):
            delivered = [await anext(events) for _ in ours]
        assert [p.event.event_id for p in delivered] == [p.event.event_id for p in ours]
        assert hub.next_sequence == first + 7


@asynccontextmanager
async def _hub_of_its_own(url: str) -> AsyncIterator[tuple[EventHub, AsyncEngine, str, int]]:
    """A started hub over the database at `url`, its engine, a fresh tenant and the first
    sequence the hub delivers; closed and disposed of afterwards."""
    engine = create_engine(url)
    hub = EventHub(OutboxReader(engine), gap_timeout=0.1, catch_up_seconds=0)
    try:
        await hub.start()
        first = hub.next_sequence
        assert first is not None
        yield hub, engine, f"t-{uuid.uuid4().hex[:8]}", first
    finally:
        await hub.close()
        await engine.dispose()


def _dropped(caplog: pytest.LogCaptureFixture) -> list[int]:
    """The sequences of the records the hub dropped as not its outbox's, as it logged them."""
    return [r.args[1] for r in caplog.records if r.getMessage().startswith("dropping event")]  # type: ignore[index]


async def _record_published(engine: AsyncEngine, events: list[DomainEvent]) -> int:
    """Write `events` into the outbox numbered after its cursor and published, as the
    relay would; return the cursor's value before them."""
    async with engine.begin() as connection:
        last = (
            await connection.exec_driver_sql("SELECT last_sequence FROM outbox_cursor WHERE id = 1")
        ).scalar_one()
        for n, event in enumerate(events, start=1):
            await connection.exec_driver_sql(
                "INSERT INTO outbox (event_id, tenant_id, event_type, aggregate_type, "
                "aggregate_id, occurred_at, payload, sequence, numbered_at) VALUES "
                f"('{event.event_id}', '{event.tenant_id}', 'CustomerUpdated', 'customer',"
                f" '{event.aggregate_id}', now(), '{json.dumps(facts_of(event))}',"
                f" {last + n}, now())"
            )
        await connection.exec_driver_sql(
            f"UPDATE outbox_cursor SET last_sequence = {last + len(events)},"
            f" published_through = {last + len(events)} WHERE id = 1"
        )
    return int(last)


async def test_events_delivered_while_a_gap_is_read_from_the_outbox_are_not_delivered_again(
    fresh_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A record ahead that this outbox does not hold (another deployment's, on a shared
    broker) sends the hub to the outbox for the events before it. If the relay hands it
    those very events while it reads, what it read is already delivered: it must neither
    deliver them again nor go back to the first of them."""
    async with _hub_of_its_own(fresh_database_url) as (hub, engine, tenant, first):
        await _record_published(engine, [_published(n, tenant).event for n in range(3)])
        ours = await OutboxReader(engine).between(first, first + 2)
        events = hub.subscribe(tenant, lambda event: True).events()
        with caplog.at_level(logging.WARNING, logger="gateway.hub"):
            async with engine.connect() as locker:
                # The hub's read of the outbox waits on this lock while the relay hands
                # it the events it reads.
                await locker.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
                hub.offer(_published(first + 9, tenant=tenant))
                await until(lambda: waiting_on_a_lock(engine))
                for published in ours:
                    hub.offer(published)
                await locker.rollback()
            await until(lambda: _dropped(caplog) == [first + 9])
        async with asyncio.timeout(5):
            delivered = [await anext(events) for _ in ours]
        assert [p.sequence for p in delivered] == [first, first + 1, first + 2]
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await anext(events)
        assert (hub.delivered, hub.next_sequence) == (3, first + 3)
