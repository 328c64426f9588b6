"""The in-process hub: hands each published event to the subscriptions that want it.

Events reach a replica from Kafka, across partitions and so out of order, possibly
twice. Every event carries the gateway's gap-free sequence number, so the hub delivers
strictly in sequence: it holds an early event until the ones before it arrive, drops
anything it already delivered, and fills a gap that Kafka does not close quickly from
the outbox table itself. A subscriber therefore sees each event once, in order, and
"the last sequence I saw" is a cursor that loses nothing.

Kafka is the fast path between replicas; the replica that relays hands each acked batch
to its own hub directly (see `gateway/events.py`), and the Kafka copy is then dropped as
already delivered. As a safety net, the hub also checks the outbox every few
seconds for published events it has not seen (a consumer that lost its partitions
while the broker restarted, say) and delivers them from there.

Each subscriber has a bounded queue. One that falls behind is closed with a clear
error instead of growing memory or slowing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

from domain.errors import DomainError
from domain.events import DomainEvent, PublishedEvent
from persistence.repositories.outbox import OutboxReader

log = logging.getLogger("gateway.hub")


class SubscriberTooSlow(DomainError):
    code = "SUBSCRIBER_TOO_SLOW"

    def __init__(self) -> None:
        super().__init__(
            "This subscription fell too far behind the event stream and was closed; "
            "reconnect with `since` set to the last cursor you received."
        )


class Subscription:
    """One subscriber's view of the stream: its tenant, its filter, its bounded queue."""

    def __init__(
        self, hub: EventHub, tenant_id: str, accepts: Callable[[DomainEvent], bool], capacity: int
    ):
        self._hub = hub
        self.tenant_id = tenant_id
        self.accepts = accepts
        self._queue: asyncio.Queue[PublishedEvent | None] = asyncio.Queue(capacity)
        self.overflowed = False

    def offer(self, published: PublishedEvent) -> None:
        """Queue an event; on overflow, drop everything queued: the subscriber's last cursor
        then marks exactly where a reconnect with `since` resumes, with no gap before it."""
        if self.overflowed:
            return
        try:
            self._queue.put_nowait(published)
        except asyncio.QueueFull:
            self.overflowed = True
            self._hub.unsubscribe(self)
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    async def events(self) -> AsyncIterator[PublishedEvent]:
        try:
            while True:
                published = await self._queue.get()
                if published is None:
                    raise SubscriberTooSlow()
                yield published
        finally:
            self._hub.unsubscribe(self)


class EventHub:
    def __init__(
        self,
        reader: OutboxReader,
        *,
        capacity: int = 1000,
        gap_timeout: float = 0.5,
        catch_up_seconds: float = 5.0,
    ):
        self._reader = reader
        self._capacity = capacity
        self._gap_timeout = gap_timeout
        self._by_tenant: dict[str, set[Subscription]] = defaultdict(set)
        self._held: dict[int, PublishedEvent] = {}
        self._next: int | None = None
        self._gap_task: asyncio.Task[None] | None = None
        self._catch_up_seconds = catch_up_seconds
        self._catch_up_task: asyncio.Task[None] | None = None
        self.delivered = 0

    async def start(self) -> None:
        self._next = await self._reader.next_sequence()
        if self._catch_up_seconds > 0:
            self._catch_up_task = asyncio.create_task(self._catch_up())

    async def close(self) -> None:
        for task in (self._gap_task, self._catch_up_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @property
    def next_sequence(self) -> int | None:
        return self._next

    def subscribe(self, tenant_id: str, accepts: Callable[[DomainEvent], bool]) -> Subscription:
        subscription = Subscription(self, tenant_id, accepts, self._capacity)
        self._by_tenant[tenant_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._by_tenant.get(subscription.tenant_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._by_tenant[subscription.tenant_id]

    def subscriber_count(self, tenant_id: str) -> int:
        """How many subscriptions of `tenant_id` are open: each one counted here gets every
        event the hub delivers from now on (tests wait on it before they publish)."""
        return len(self._by_tenant.get(tenant_id, ()))

    def offer(self, published: PublishedEvent) -> None:
        """Take an event (from Kafka, or from this replica's relay); deliver it and any held
        ones that now follow in order. One already delivered is dropped."""
        if self._next is None:
            self._next = published.sequence
        if published.sequence < self._next:
            return
        self._held[published.sequence] = published
        self._release()
        if self._held and (self._gap_task is None or self._gap_task.done()):
            self._gap_task = asyncio.create_task(self._close_gap())

    def _release(self) -> None:
        assert self._next is not None
        while self._next in self._held:
            self._deliver(self._held.pop(self._next))
            self._next += 1

    def _deliver(self, published: PublishedEvent) -> None:
        self.delivered += 1
        event = published.event
        for subscription in list(self._by_tenant.get(event.tenant_id, ())):
            if subscription.accepts(event):
                subscription.offer(published)

    async def _close_gap(self) -> None:
        """Wait briefly for Kafka to close a gap, then read the missing events from the outbox.

        The held event is read back too: the relay numbers an event in the outbox before
        it publishes it, so a record whose number the outbox gives another event, or none,
        was not published from this database (another deployment's on the same topics,
        or one published before the database was restored to an earlier state). Such a
        record is dropped; skipping to it would drop every event this database numbers
        up to it as already delivered.
        """
        await asyncio.sleep(self._gap_timeout)
        while self._held and self._next is not None:
            first_held = min(self._held)
            try:
                found = await self._reader.between(self._next, first_held)
            except Exception:
                log.warning(
                    "could not read events %d..%d to close a gap",
                    self._next,
                    first_held,
                    exc_info=True,
                )
                await asyncio.sleep(self._gap_timeout)
                continue
            # Kafka or the relay may have delivered some of these while the outbox was read,
            # the held one too: only what still follows the last delivered counts.
            held = self._held.pop(first_held, None)
            if held is not None and all(p.event.event_id != held.event.event_id for p in found):
                log.warning(
                    "dropping event %s numbered %d: this database's outbox does not hold it",
                    held.event.event_id,
                    first_held,
                )
            found = [published for published in found if published.sequence >= self._next]
            self._held.update((published.sequence, published) for published in found)
            if found and self._next not in self._held:
                log.warning(
                    "events %d..%d are missing from the outbox; skipping them",
                    self._next,
                    found[0].sequence - 1,
                )
                self._next = found[0].sequence
            self._release()

    async def _catch_up(self) -> None:
        while True:
            await asyncio.sleep(self._catch_up_seconds)
            try:
                last = await self._reader.last_published()
                if self._next is not None and self._next <= last:
                    for published in await self._reader.between(self._next, last):
                        self.offer(published)
            except Exception:
                log.warning("could not check the outbox for missed events", exc_info=True)
