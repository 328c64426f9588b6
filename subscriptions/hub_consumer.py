"""Feeds this replica's hub from Kafka.

Every replica consumes the gateway's topics in a consumer group of its own (broadcast),
so a subscriber connected to any replica sees changes made through any other. The group
commits no offsets: whenever it is given partitions (at start, or after the broker lost
them) it starts at their end, because Kafka is only the fast path here. Anything
published while the consumer was not reading reaches the hub from the outbox table, by
its gap filling and catch-up (see `subscriptions/hub.py`).

The replica that relays the outbox reads nothing from Kafka: every event on the
gateway's topics is one it relays itself and hands its hub directly, so fetching them
back would only be dropped as duplicates. That fetch was not free: each one encodes and
decodes every partition of some twenty-five topics, and under load it cost the relaying
gateway about 0.36 ms of CPU and the broker about 0.26 ms per mutation (bench.estimates).
So the consumer pauses its partitions while its replica relays, and reads again from
their end when it stops; events another replica relayed in between reach the hub from
the outbox, as after any other interruption.

A few topics carry other systems' records too (an acknowledgement sent by an external
People, Order or Accounting, Inventory's shortage alerts): those have no
`gateway-sequence` header and are not the hub's to offer (what they cause reaches it
from the outbox), so they are passed over without a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from subscriptions.consumer_groups import GroupTiming
from subscriptions.hub import EventHub
from subscriptions.wire.headers import GATEWAY_SEQUENCE, header
from subscriptions.wire.registry import MalformedEvent, published_from, published_topics

log = logging.getLogger("gateway.hub")


def replica_group(prefix: str) -> str:
    """A consumer group only this process uses."""
    return f"{prefix}-hub-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class _StartAtTheEnd(ConsumerRebalanceListener):
    def __init__(self, consumer: AIOKafkaConsumer, relaying: Callable[[], bool]):
        self._consumer = consumer
        self._relaying = relaying
        self.assigned = asyncio.Event()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if assigned:
            await self._consumer.seek_to_end(*assigned)
            if self._relaying():
                self._consumer.pause(*assigned)
        self.assigned.set()


class HubConsumer:
    def __init__(
        self,
        hub: EventHub,
        bootstrap_servers: str,
        group_prefix: str,
        fetch_max_wait_ms: int,
        timing: GroupTiming,
    ):
        self._hub = hub
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=replica_group(group_prefix),
            auto_offset_reset="latest",
            enable_auto_commit=False,
            # Notice re-created topics (a restarted broker) within seconds, not minutes.
            metadata_max_age_ms=10_000,
            # A broker that holds a fetch for its whole wait (Tansu does) delays by up to
            # that wait the events other replicas relayed; this replica's own reach its
            # hub straight from its relay (gateway/events.py).
            fetch_max_wait_ms=fetch_max_wait_ms,
            **timing.consumer_options(),
        )
        self._relaying = False
        self._listener = _StartAtTheEnd(self._consumer, lambda: self._relaying)
        self._task: asyncio.Task[None] | None = None
        self._resuming: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._consumer.subscribe(topics=published_topics(), listener=self._listener)
        self._task = asyncio.create_task(self._run())

    def relaying(self, relaying: bool) -> None:
        """Pause fetching while this replica relays; once it stops, read from the end.

        Pausing keeps the partitions (no rebalance), so reading resumes at once. Events
        another replica relayed before then are left to the hub's gap filling.
        """
        self._relaying = relaying
        if relaying:
            self._consumer.pause(*self._consumer.assignment())
            log.info("hub consumer paused: this replica relays every event itself")
        elif self._resuming is None or self._resuming.done():
            # One already under way looks at `_relaying` once it has sought the end.
            self._resuming = asyncio.create_task(self._read_from_the_end())

    async def _read_from_the_end(self) -> None:
        partitions = self._consumer.assignment()
        await self._consumer.seek_to_end(*partitions)
        if not self._relaying:
            self._consumer.resume(*partitions)
            log.info("hub consumer reading again: another replica relays")

    async def lag(self) -> int:
        """Records on this replica's partitions its hub has not read yet, as of the last
        fetch (no request to the broker); 0 while this replica relays, since its hub then
        gets every event from the relay and this consumer reads nothing."""
        if self._relaying:
            return 0
        behind = 0
        for partition in self._consumer.assignment():
            highwater = self._consumer.highwater(partition)
            if highwater is not None:
                behind += max(highwater - await self._consumer.position(partition), 0)
        return behind

    async def wait_assigned(self) -> None:
        """Return once the broker has given this replica its partitions."""
        await self._listener.assigned.wait()

    async def stop(self) -> None:
        for task in (self._task, self._resuming):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # Leaving the group needs the broker; do not let a dead one hold up shutdown.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=1000, max_records=1000)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("hub consumer: %s; retrying", error)
                await asyncio.sleep(1)
                continue
            for partition, messages in batches.items():
                for message in messages:
                    if header(message.headers, GATEWAY_SEQUENCE) is None:
                        continue
                    try:
                        published = published_from(partition.topic, message.headers, message.value)
                    except MalformedEvent as error:
                        log.warning("skipping a malformed event on %s: %s", partition.topic, error)
                        continue
                    self._hub.offer(published)
