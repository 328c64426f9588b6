"""The hub's delivery promises: in order, once, bounded, gaps filled from the outbox."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import CustomerUpdated
from domain.events import PublishedEvent
from persistence.database import create_engine
from persistence.event_facts import facts_of
from persistence.repositories.outbox import OutboxReader
from subscriptions.hub import EventHub, SubscriberTooSlow


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
    async with engine.begin() as connection:
        last = (
            await connection.exec_driver_sql("SELECT last_sequence FROM outbox_cursor WHERE id = 1")
        ).scalar_one()
        for n in (1, 2):
            facts = json.dumps(facts_of(_published(n, tenant).event))
            await connection.exec_driver_sql(
                "INSERT INTO outbox (event_id, tenant_id, event_type, aggregate_type, "
                "aggregate_id, occurred_at, payload, sequence, published_at) VALUES "
                f"('{uuid.uuid4()}', '{tenant}', 'CustomerUpdated', 'customer', 'CUST-9',"
                f" now(), '{facts}', {last + n}, now())"
            )
        await connection.exec_driver_sql(
            f"UPDATE outbox_cursor SET last_sequence = {last + 3} WHERE id = 1"
        )
    hub = EventHub(OutboxReader(engine), gap_timeout=0.1, catch_up_seconds=0)
    hub.offer(_published(last, tenant=tenant))
    subscription = hub.subscribe(tenant, lambda event: True)
    hub.offer(_published(last + 3, tenant=tenant))
    try:
        assert await _take(subscription.events(), 3) == [last + 1, last + 2, last + 3]
    finally:
        await hub.close()
        await engine.dispose()
