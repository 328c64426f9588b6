"""Publishing events to Kafka in their contract's wire format, waiting for the broker's ack.

An event stored with a sampled trace context gets a producer span in that trace (from
the send to the broker's ack), a sibling of the consumers' spans: the record carries the
stored context itself, not the span's, so a retried record is the same bytes. One the
sampler left out goes with its context and no span.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder
from opentelemetry.trace import NoOpTracer, Span, SpanKind, Status, StatusCode, Tracer

from domain.events import PublishedEvent
from persistence.trace_context import context_of, sampled
from subscriptions.topics import BrokerLink
from subscriptions.wire.cloudevents import DEFAULT_ENVIRONMENT
from subscriptions.wire.registry import outgoing

log = logging.getLogger("gateway.kafka.publisher")


@dataclass(frozen=True)
class ProducerSettings:
    """Producer tuning, and the environment the records are stamped with, from configuration.

    Idempotence is off by default because the embedded broker's memory store does not
    support idempotent producers; turn it on against Apache Kafka or Redpanda.
    """

    acks: str = "all"
    enable_idempotence: bool = False
    linger_ms: int = 5
    compression_type: str | None = None
    request_timeout_ms: int = 10_000
    environment: str = DEFAULT_ENVIRONMENT
    """CloudEvents' `durion:environment` on every record: where the events come from."""


class Publisher:
    def __init__(
        self,
        bootstrap_servers: str,
        client_id: str,
        settings: ProducerSettings,
        broker: BrokerLink | None = None,
        tracer: Tracer | None = None,
    ):
        self._bootstrap = bootstrap_servers
        self._tracer = tracer or NoOpTracer()
        self._client_id = client_id
        self._settings = settings
        self._broker = broker
        self._producer: AIOKafkaProducer | None = None
        self._topics_checked = False

    async def publish(self, events: Sequence[PublishedEvent]) -> None:
        """Send every event (key = aggregate id) and return once the broker acked them all."""
        spans: list[Span] = []
        try:
            async with self._sending() as producer:
                batches = _Batches(producer)
                for published in events:
                    record = outgoing(published, self._settings.environment)
                    if sampled(published.traceparent):
                        spans.append(self._span(record.topic, published))
                    await batches.add(
                        record.topic,
                        published.event.aggregate_id.encode(),
                        record.value,
                        record.headers,
                    )
                await batches.acked()
        except Exception as error:
            for span in spans:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            raise
        finally:
            for span in spans:
                span.end()

    async def put(self, topic: str, value: bytes) -> None:
        """Send one record of the gateway's own, not an event (the relay's marker), and
        return once the broker acked it."""
        async with self._sending() as producer:
            await (await producer.send(topic, value=value))

    async def reconnect(self) -> None:
        """Start the next send from a fresh producer, declaring the topics first: a broker
        that lost its store lacks them, and a producer's cached metadata would send to
        partitions the broker no longer has."""
        self._topics_checked = False
        await self.close()

    @contextlib.asynccontextmanager
    async def _sending(self) -> AsyncIterator[AIOKafkaProducer]:
        """The producer, dropped on any failure (see `reconnect`)."""
        producer = await self._ready()
        try:
            yield producer
        except Exception:
            await self.reconnect()
            raise

    def _span(self, topic: str, published: PublishedEvent) -> Span:
        return self._tracer.start_span(
            f"{topic} publish",
            context=context_of(published.traceparent),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "send",
                "messaging.destination.name": topic,
                "messaging.message.id": published.event.event_id,
                "event.type": published.event.event_type,
            },
        )

    async def _ready(self) -> AIOKafkaProducer:
        if self._broker is not None and not self._topics_checked:
            await self._broker.ensure_topics()
            self._topics_checked = True
        if self._producer is None:
            s = self._settings
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._client_id}-relay",
                acks="all" if s.acks == "all" else int(s.acks),
                enable_idempotence=s.enable_idempotence,
                linger_ms=s.linger_ms,
                compression_type=s.compression_type,
                request_timeout_ms=s.request_timeout_ms,
            )
            try:
                await producer.start()
            except BaseException:
                # A producer that could not reach the broker still holds its client:
                # close it, or every retry during an outage leaks one.
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                async with asyncio.timeout(5):
                    await producer.stop()
            except Exception:
                log.debug("producer did not stop cleanly", exc_info=True)


class _Batches:
    """One publish's records in one batch per partition, each partition's in their order.

    Built here rather than record by record through `send`, the producer keeps one future
    per batch instead of one per record (each record's `send` also looked its topic's
    partitions up and sized it again). The partition is the one `send` would pick, the
    producer's default partitioner's (murmur2 of the key), and the batches linger as the
    producer's own do, so records, keys, headers and partitions are the same.
    """

    def __init__(self, producer: AIOKafkaProducer):
        self._producer = producer
        self._open: dict[tuple[str, int], BatchBuilder] = {}
        self._sent: list[asyncio.Future[Any]] = []
        self._partitions: dict[str, list[int]] = {}
        """Each topic's partitions, looked up at its first record in this publish."""

    async def add(
        self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        partitions = self._partitions.get(topic)
        if partitions is None:
            partitions = self._partitions[topic] = list(await self._producer.partitions_for(topic))
        place = (topic, _PARTITIONER(key, partitions, partitions))
        batch = self._open.get(place)
        if batch is not None:
            if batch.append(key=key, value=value, timestamp=None, headers=headers) is not None:
                return
            # Full: it goes now, and the partition's next records start another.
            await self._send(place, batch)
        # A new batch takes its first record whatever its size, as `send`'s does.
        batch = self._open[place] = self._producer.create_batch()
        batch.append(key=key, value=value, timestamp=None, headers=headers)

    async def acked(self) -> None:
        """Send the batches still open and wait until the broker acked every one."""
        for place, batch in self._open.items():
            await self._send(place, batch)
        self._open.clear()
        await asyncio.gather(*self._sent)

    async def _send(self, place: tuple[str, int], batch: BatchBuilder) -> None:
        topic, partition = place
        self._sent.append(await self._producer.send_batch(batch, topic, partition=partition))


_PARTITIONER = DefaultPartitioner()
