"""The inbound consumer: one shared group, each event applied once, nothing ever stuck.

All replicas join one consumer group, so each record is handled by one of them. Per
record, in partition order:

1. decode it; a malformed record is dead-lettered at once;
2. find its handler; an event type without one is dead-lettered (`no-handler`), so it
   takes effect if replayed once a handler exists (nothing was recorded in the inbox);
3. in one transaction for the event's tenant, claim the event id in the inbox and run
   the handler: both commit or neither; an id already claimed is a duplicate and is
   skipped with no effect;
4. a failing handler is retried after 1 s, 2 s and 4 s, then dead-lettered with the
   error in the headers;
5. only then is the record's offset committed (auto-commit is off), so a crash redelivers
   at most what was not settled, and the inbox drops what was.

Each record is handled in a consumer span continuing the trace its `traceparent` header
names (the request that caused the event, for the gateway's own), or starting one: the
handler's statements, and the events it records, belong to that trace. Likewise the
events it records carry the record's correlation id (its `correlation-id` header, else a
CloudEvent's `data.correlationId`, seed 001's place), or a new one when it has none.

Only topics carrying a handled event type are subscribed: events no handler applies
yet stay in their topic, and the group reads them from the beginning when one arrives.
A database or broker outage is not the event's fault: the record is retried from the
same offset after a pause instead of being dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord
from opentelemetry.trace import NoOpTracer, SpanKind, Status, StatusCode, Tracer, get_current_span
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import DomainEvent
from persistence.correlation import correlated, new_correlation_id, usable
from persistence.driver import LOST_CONNECTION
from persistence.trace_context import context_of
from persistence.unit_of_work import UnitOfWork
from subscriptions.consumer_groups import GroupTiming
from subscriptions.inbound.dead_letter import NoHandler, Origin, Reason, dead_letter_headers
from subscriptions.inbound.handlers import Handler, handled_routes
from subscriptions.inbound.retry import Backoff
from subscriptions.inbound.topics import INBOUND, dead_letter_topic, decode_inbound, inbound_topics
from subscriptions.wire import json
from subscriptions.wire.cloudevents import CORRELATION_ID as DATA_CORRELATION_ID
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.headers import CORRELATION_ID, TRACEPARENT, header
from subscriptions.wire.registry import Route

log = logging.getLogger("gateway.inbound")


def inbound_group(prefix: str) -> str:
    """The one consumer group every replica shares (and the inbox's consumer name)."""
    return f"{prefix}-inbound"


def is_outage(error: BaseException) -> bool:
    """True for a lost connection: waited out, never blamed on the event."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OSError, InterfaceError, *LOST_CONNECTION))


class _Assigned(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.assigned = asyncio.Event()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.assigned.set()


class InboundConsumer:
    def __init__(
        self,
        engine: AsyncEngine,
        bootstrap_servers: str,
        *,
        group_id: str,
        handlers: Mapping[str, Handler],
        backoff: Backoff | None = None,
        routes: Mapping[str, Route] = INBOUND,
        client_id: str = "field-service-gateway",
        timing: GroupTiming,
        on_dead_lettered: Callable[[str], None] | None = None,
        tracer: Tracer | None = None,
    ):
        """`on_dead_lettered` hears the inbound topic of each record the broker has
        accepted on its dead-letter topic (the gateway counts them for its alerts)."""
        self._engine = engine
        self._on_dead_lettered = on_dead_lettered
        self._tracer = tracer or NoOpTracer()
        self._group = group_id
        self._handlers = dict(handlers)
        self._backoff = backoff or Backoff()
        self._routes = routes
        self.topics = inbound_topics(handled_routes(self._handlers, routes))
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._timing = timing
        self._listener = _Assigned()
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer
        self._producer: AIOKafkaProducer

    async def start(self) -> None:
        """Join the group and start consuming; nothing at all when no event is handled."""
        if not self.topics:
            return
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap, client_id=f"{self._client_id}-dlq", acks="all"
        )
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self._group,
            client_id=f"{self._client_id}-inbound",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=10_000,
            **self._timing.consumer_options(),
        )
        await self._producer.start()
        await self._consumer.start()
        self._consumer.subscribe(topics=self.topics, listener=self._listener)
        self._task = asyncio.create_task(self._run(), name="inbound-consumer")

    async def wait_assigned(self) -> None:
        """Return once the group has given this replica its partitions."""
        await self._listener.assigned.wait()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        for client in (self._consumer, self._producer):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await client.stop()

    async def _run(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=1000, max_records=100)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("inbound consumer: %s; retrying", error)
                await asyncio.sleep(1)
                continue
            unsettled = {tp: records[0].offset for tp, records in batches.items() if records}
            try:
                for tp, records in batches.items():
                    for record in records:
                        await self._settle(tp, record)
                        unsettled[tp] = record.offset + 1
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("inbound consumer: %s; retrying from the first unsettled record", error)
                self._rewind(unsettled)
                await asyncio.sleep(1)

    def _rewind(self, offsets: Mapping[TopicPartition, int]) -> None:
        assigned = self._consumer.assignment()
        for tp, offset in offsets.items():
            if tp in assigned:
                self._consumer.seek(tp, offset)

    async def _settle(self, tp: TopicPartition, record: ConsumerRecord) -> None:
        """Apply or dead-letter `record`, then commit its offset, in the record's trace."""
        with self._tracer.start_as_current_span(
            f"{tp.topic} process",
            context=context_of(_traceparent(record)),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": tp.topic,
                "messaging.destination.partition.id": str(tp.partition),
                "messaging.kafka.offset": record.offset,
                "messaging.consumer.group.name": self._group,
            },
        ) as span:
            found = _correlation_id(record)
            with correlated(found or new_correlation_id(span.get_span_context().trace_id)):
                await self._handle(tp, record)

    async def _handle(self, tp: TopicPartition, record: ConsumerRecord) -> None:
        try:
            event = decode_inbound(tp.topic, record.headers, record.value, self._routes)
        except MalformedEvent as error:
            await self._dead_letter(record, Reason.MALFORMED, error, attempts=0)
        except NoHandler as error:
            await self._dead_letter(record, Reason.NO_HANDLER, error, attempts=0)
        else:
            handler = self._handlers.get(event.event_type)
            if handler is None:
                await self._dead_letter(
                    record, Reason.NO_HANDLER, NoHandler(event.event_type), attempts=0
                )
            else:
                await self._apply_with_retries(record, event, handler)
        await self._consumer.commit({tp: record.offset + 1})

    async def _apply_with_retries(
        self, record: ConsumerRecord, event: DomainEvent, handler: Handler
    ) -> None:
        waits = self._backoff.delays()
        for attempt in range(1, self._backoff.attempts + 1):
            try:
                applied = await self._apply(record.topic, event, handler)
            except Exception as error:
                if is_outage(error):
                    raise
                if attempt > len(waits):
                    await self._dead_letter(record, Reason.HANDLER_FAILED, error, attempt)
                    return
                wait = waits[attempt - 1]
                log.warning(
                    "%s %s failed (attempt %d): %s; retrying in %.2fs",
                    event.event_type,
                    event.event_id,
                    attempt,
                    error,
                    wait,
                )
                await asyncio.sleep(wait)
            else:
                if not applied:
                    log.info("skipping duplicate %s %s", event.event_type, event.event_id)
                return

    async def _apply(self, topic: str, event: DomainEvent, handler: Handler) -> bool:
        """Run the handler with the inbox claim in one transaction; False for a duplicate."""
        async with UnitOfWork(self._engine, event.tenant_id) as work:
            if not await work.inbox.claim(self._group, event.event_id, topic, event.event_type):
                return False
            await handler(work, event)
            await work.commit()
            return True

    async def _dead_letter(
        self, record: ConsumerRecord, reason: Reason, error: BaseException, attempts: int
    ) -> None:
        """Publish `record` to `<topic>.dlq` and wait for the broker's acknowledgement.

        The failure is stamped with the machine's time, the time of the logs and the
        broker an operator compares it with, not the use cases' (possibly manual) clock.
        """
        origin = Origin(record.topic, record.partition, record.offset, record.headers)
        failed_at = datetime.now(UTC)
        headers = dead_letter_headers(
            origin, reason, error, attempts=attempts, consumer=self._group, failed_at=failed_at
        )
        await self._producer.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        if self._on_dead_lettered is not None:
            self._on_dead_lettered(record.topic)
        get_current_span().set_status(Status(StatusCode.ERROR, f"dead-lettered: {reason}"))
        log.warning(
            "dead-lettered %s[%d]@%d (%s): %s",
            record.topic,
            record.partition,
            record.offset,
            reason,
            error,
        )


def _traceparent(record: ConsumerRecord) -> str | None:
    """The record's `traceparent` header; None for a header that is not text, which
    must not stop the record from being handled (or dead-lettered) on its merits."""
    try:
        return header(record.headers, TRACEPARENT)
    except MalformedEvent:
        return None


def _correlation_id(record: ConsumerRecord) -> str | None:
    """The correlation id `record` names: its `correlation-id` header, else a CloudEvent's
    `data.correlationId`; None for none or one that is not usable (the record is still
    handled on its merits, under a new one)."""
    try:
        found = header(record.headers, CORRELATION_ID)
    except MalformedEvent:
        found = None
    if found is None and record.value and record.value.lstrip().startswith(b"{"):
        try:
            data = json.loads(record.value).get("data")
        except (MalformedEvent, RecursionError):
            return None
        candidate = data.get(DATA_CORRELATION_ID) if isinstance(data, dict) else None
        found = candidate if isinstance(candidate, str) else None
    return usable(found)
