"""Telling that the broker lost records it had acknowledged, so the relay can send them again.

A broker acknowledges a record and the relay stamps the row published; if that broker
then loses its store (the embedded Tansu broker keeps everything in memory, so a restart
empties it; on Apache Kafka, deleted topics or a cluster rebuilt from nothing), nothing
in Kafka's protocol says so: a producer reconnects to the new broker without an error,
and consumers see only that their offsets are gone.

So the relay writes a marker, a record of its own on `gateway.relay.marker` (one
partition, compacted: retention never removes the latest), and remembers it in the
database. A broker holding no record on that topic, when the database says a marker was
written, lost what it had. The relay then publishes again every event it published
within `RELAY_REPUBLISH_HOURS` (by default 168, Kafka's default retention: what a
healthy broker would still hold) and writes a new marker. Consumers drop what they
already had: the inbox by event id, the hubs by sequence.

The first marker ever (a new database, or a gateway upgraded to this) is written without
publishing anything again: nothing says a broker lost anything before it.
"""

from __future__ import annotations

import contextlib

from aiokafka import AIOKafkaConsumer, TopicPartition

MARKER_TOPIC = "gateway.relay.marker"
MARKER_PARTITION = TopicPartition(MARKER_TOPIC, 0)


class BrokerMarker:
    """Whether the broker still holds a marker; one consumer, with no group, to ask it."""

    def __init__(self, bootstrap_servers: str, client_id: str):
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._consumer: AIOKafkaConsumer | None = None

    async def present(self) -> bool:
        """True if the marker topic holds any record (its end offset is past 0)."""
        consumer = await self._ready()
        try:
            ends = await consumer.end_offsets([MARKER_PARTITION])
        except Exception:
            await self.close()
            raise
        return ends[MARKER_PARTITION] > 0

    async def _ready(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._client_id}-marker",
                enable_auto_commit=False,
                request_timeout_ms=5000,
            )
            try:
                await consumer.start()
            except BaseException:
                await consumer.stop()
                raise
            self._consumer = consumer
        return self._consumer

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            with contextlib.suppress(Exception):
                await consumer.stop()
