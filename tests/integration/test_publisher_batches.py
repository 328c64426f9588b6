"""The publisher's records on a real broker: one batch per partition, built by the
publisher, gives each record the partition, key, headers and value `send` would, in order."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.partitioner import murmur2

from domain.customers import CustomerUpdated
from domain.events import PublishedEvent
from subscriptions.publisher import Publisher
from subscriptions.topics import TOPICS
from subscriptions.wire.registry import outgoing

TOPIC = "crm.customers.updated"


async def _records(
    bootstrap: str, topic: str, expected: int
) -> list[tuple[int, bytes, bytes, list]]:
    """(partition, key, value, headers) of the first `expected` records of `topic`,
    partition by partition in offset order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(TOPICS[topic])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[tuple[int, bytes, bytes, list]] = []
        async with asyncio.timeout(20):
            while len(found) < expected:
                for place, records in (await consumer.getmany(timeout_ms=500)).items():
                    found.extend(
                        (place.partition, r.key, r.value, list(r.headers)) for r in records
                    )
        return found
    finally:
        await consumer.stop()


async def test_records_go_where_send_would_put_them_each_partition_in_order(
    publisher: Publisher, own_broker: str
) -> None:
    now = datetime.now(UTC)
    # Twelve customers, each renamed often enough (with long names) that some of their
    # partitions fill more than one batch of the producer's 16 KB.
    events = [
        PublishedEvent(
            sequence=n + 1,
            event=CustomerUpdated(
                aggregate_id=f"C-{n % 12}",
                tenant_id="tenant-batches",
                occurred_at=now,
                party_id=None,
                name=f"n{n} " + "x" * 400,
                email=None,
                phone=None,
                billing_terms_id=None,
                version=n,
            ),
            correlation_id=str(uuid.uuid4()),
        )
        for n in range(240)
    ]
    await publisher.publish(events)

    found = await _records(own_broker, TOPIC, len(events))
    assert len(found) == len(events)
    partitions = list(range(TOPICS[TOPIC]))
    by_partition: dict[int, list[tuple[bytes, bytes, list]]] = defaultdict(list)
    for partition, key, value, headers in found:
        by_partition[partition].append((key, value, headers))
    expected: dict[int, list[tuple[bytes, bytes, list]]] = defaultdict(list)
    for published in events:
        key = published.event.aggregate_id.encode()
        record = outgoing(published)
        partition = partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]
        expected[partition].append((key, record.value, record.headers))
    assert by_partition == expected
