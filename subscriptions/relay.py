"""The outbox relay: moves committed events from PostgreSQL to Kafka.

One replica at a time relays (a PostgreSQL advisory lock elects it; the others wait and
take over if it goes away), so no row is sent twice in normal operation and every event
gets its sequence number in one place. Idle, it sleeps until LISTEN/NOTIFY tells it a
transaction committed events, with a slow poll as a fallback; busy, it looks for new
events every few milliseconds, and writers do not notify it. Which of the two it is, the
writers learn from an advisory lock (`ASLEEP_LOCK`, migration 0037) it holds only while
asleep: the outbox's trigger notifies if it cannot take that lock shared, and otherwise
holds it until its transaction ends, so the relay, which falls asleep only by taking the
lock, never sleeps through a writer that did not notify. A NOTIFY per commit had cost,
at ten clients reserving stock, a fifth of the database's CPU and a tenth of the
gateway's: the relay's session woken in PostgreSQL and a notification read per request.

Events are published in sequence order, a batch acked whole before the next is
numbered, so what is published is every event up to one sequence: the relay marks them
published by advancing that mark (`published_through` in the outbox's cursor row), not
by writing each row. A batch costs one statement under load: the statement that numbers
the pending events and returns them also advances the mark past the batch before, which
the broker has acked since. When no batch follows within `stamp_within_seconds` (a few
milliseconds), the mark is advanced by a statement of its own, so the outbox shows the
events published that much later than the broker has them. A broker outage delays
events, never loses them: the relay retries the same batch, and its rows stay
unpublished until the broker acks them. Delivery is at-least-once: a leader that stopped
after numbering or after the ack but before the mark left rows numbered and
unpublished, and whichever replica takes the lead next (itself included) sends those
first; consumers drop duplicates by event id or sequence. A broker that lost what it
had acknowledged (the embedded one on a restart) is noticed by the marker the relay
keeps there, and what was published recently is published again
(subscriptions/broker_marker.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.events import PublishedEvent
from persistence.driver import Driver
from persistence.repositories.outbox import OutboxRelayStore
from subscriptions.broker_marker import MARKER_TOPIC, BrokerMarker
from subscriptions.publisher import Publisher

log = logging.getLogger("gateway.relay")

RELAY_LOCK = 7_303_014_660_398_712  # any constant the whole deployment agrees on
CHANNEL = "outbox"


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publisher: Publisher,
        *,
        batch_size: int = 500,
        poll_seconds: float = 5.0,
        max_backoff_seconds: float = 5.0,
        on_published: Callable[[Sequence[PublishedEvent]], None] | None = None,
        on_lead_changed: Callable[[bool], None] | None = None,
        marker: BrokerMarker | None = None,
        marker_check_seconds: float = 5.0,
        republish_window: timedelta = timedelta(days=7),
        stamp_within_seconds: float = 0.01,
        look_again_seconds: float = 0.005,
        look_again_at_most_seconds: float = 0.05,
    ):
        """`on_published` sees each batch the broker acked: the relaying replica hands it
        to its own hub there, without waiting for its consumer to fetch it back.
        `on_lead_changed` hears when this replica starts and stops relaying: while it
        relays, every event on the gateway's topics passes through it anyway. With a
        `marker`, the leader checks every `marker_check_seconds` that the broker still
        holds it, and publishes again what it published within `republish_window` when
        it does not. Acked events wait at most `stamp_within_seconds` for the next
        numbering to mark them published. Awake (since a writer's NOTIFY woke it, until it
        finds nothing new and no writer that did not notify is still in its transaction),
        the relay looks for new events every `look_again_seconds`, twice as long after
        each look that found nothing, up to `look_again_at_most_seconds`."""
        self._engine = engine
        self._store = OutboxRelayStore(engine)
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._on_published = on_published
        self._on_lead_changed = on_lead_changed
        self._marker = marker
        self._marker_check_seconds = marker_check_seconds
        self._republish_window = republish_window
        self._marker_checked_at = -math.inf
        self._stamp_within = stamp_within_seconds
        self._look_again = look_again_seconds
        self._look_again_at_most = look_again_at_most_seconds
        self._acked: int | None = None
        """The last sequence the broker acked that the outbox does not show published yet."""
        self.is_leader = False
        self.published = 0
        self.republished = 0

    async def run(self) -> None:
        """Relay until cancelled, surviving database and broker failures."""
        backoff = 0.2
        while True:
            try:
                await self._lead()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outbox relay interrupted (%s); retrying in %.1fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def _lead(self) -> None:
        async with self._engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            # The leader's statements run on the session that holds its lock: no pool
            # checkout per statement, and none of them runs once that session ended.
            async with self._store.holding(Driver(raw)):
                await self._lead_on(connection, raw)

    async def _lead_on(self, connection: AsyncConnection, raw: Any) -> None:
        """Relay while the session `raw` (of `connection`) holds the lock, if it gets it."""
        try:
            if not await raw.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK):
                await asyncio.sleep(self._poll_seconds)
                return
            self._lead_changed(True)
            log.info("this replica relays the outbox")
            wake = asyncio.Event()
            await raw.add_listener(CHANNEL, lambda *_: wake.set())
            # The lock lives as long as this session; a statement on it fails once it
            # was cut, but only this tells an idle leader (whose lock another replica
            # may already have taken).
            raw.add_termination_listener(lambda *_: wake.set())
            await self._check_marker()
            await self._resend_leftovers()
            asleep = False  # whether this session holds ASLEEP_LOCK: writers notify only then
            look_again = self._look_again
            while True:
                if raw.is_closed():
                    raise ConnectionError("the session holding the relay lock ended")
                wake.clear()
                if time.monotonic() - self._marker_checked_at >= self._marker_check_seconds:
                    await self._check_marker()
                found = await self._drain()
                if found and asleep:
                    # A writer woke it: the ones after need not notify while it drains.
                    await self._store.wake_up()
                    asleep = False
                elif not found and not asleep and await self._store.fall_asleep():
                    # Every writer that did not notify has ended its transaction: what it
                    # wrote is committed, and numbered now, before the relay sleeps.
                    asleep = True
                    await self._drain()
                if not asleep:
                    # Finding nothing yet kept awake, it waits on a writer's long transaction
                    # (each look reads past that one's uncommitted rows): look less often.
                    look_again = (
                        self._look_again if found else min(look_again * 2, self._look_again_at_most)
                    )
                    await asyncio.sleep(look_again)
                    continue
                if self._acked is not None and not await _woken(wake, self._stamp_within):
                    await self._mark_acked()
                await _woken(wake, self._poll_seconds)
        finally:
            self._lead_changed(False)
            try:
                # What the broker acked is marked now, or the next leader sends it again
                # (which it does if this fails: never marked later, when another leader
                # may have moved the mark back to send those events again).
                with contextlib.suppress(Exception):
                    await self._mark_acked()
            finally:
                self._acked = None
                # The locks and the listener belong to this session: never hand it back
                # to the pool still holding them, even when cancelled while marking.
                await connection.invalidate()

    def _lead_changed(self, leading: bool) -> None:
        if leading != self.is_leader:
            self.is_leader = leading
            if self._on_lead_changed is not None:
                self._on_lead_changed(leading)

    async def _check_marker(self) -> None:
        """Publish again what a broker that lost its marker had acknowledged, then mark it.

        The rows are made unpublished before the new marker is written: a leader that
        stops in between finds the broker still unmarked and does the same again.
        """
        if self._marker is None:
            return
        self._marker_checked_at = time.monotonic()
        if await self._marker.present():
            return
        known = await self._store.broker_marker()
        if known is not None:
            # Marked after the mark goes back, they would never be sent again.
            await self._mark_acked()
            await self._publisher.reconnect()
            since = datetime.now(UTC) - self._republish_window
            count = await self._store.republish_since(since)
            log.warning(
                "the broker no longer holds marker %s: it lost what it had acknowledged "
                "(restarted on an empty store, or its topics were deleted); publishing again "
                "the %d events published since %s",
                known,
                count,
                since.isoformat(),
            )
        marker = str(uuid.uuid4())
        await self._publisher.put(MARKER_TOPIC, marker.encode())
        await self._store.remember_broker_marker(marker)
        if known is not None:
            before = self.published
            await self._resend_leftovers()
            self.republished += self.published - before

    async def _resend_leftovers(self) -> None:
        """Publish what an earlier leader numbered but never marked, before anything new.

        Their sequences come before any this leader gives, and only a leader that
        stopped between numbering and marking leaves them, so they are read once per
        lead rather than on every drain.
        """
        await self._publish_batches(self._leftovers)

    async def _leftovers(self, limit: int) -> list[PublishedEvent]:
        # Marked first, or a batch just acked would come back as a leftover again.
        await self._mark_acked()
        return await self._store.unpublished(limit)

    async def _drain(self) -> int:
        """Number and publish pending events, batch by batch, until a batch comes up short;
        how many.

        A short batch means nothing else was waiting to be numbered when it was taken,
        so another round would find nothing; events committed since then are found by
        the next look, or sent a NOTIFY if the relay fell asleep meanwhile.
        """
        return await self._publish_batches(self._number_pending)

    async def _number_pending(self, limit: int) -> list[PublishedEvent]:
        batch = await self._store.number_pending(limit, self._acked)
        self._acked = None
        return batch

    async def _mark_acked(self) -> None:
        """Mark published what the broker acked and no numbering has marked yet."""
        if self._acked is not None:
            await self._store.mark_published(self._acked)
            self._acked = None

    async def _publish_batches(self, take: Callable[[int], Awaitable[list[PublishedEvent]]]) -> int:
        published = 0
        while True:
            batch = await take(self._batch_size)
            if batch:
                await self._publish(batch)
                published += len(batch)
            if len(batch) < self._batch_size:
                return published

    async def _publish(self, events: Sequence[PublishedEvent]) -> None:
        """Send `events` until the broker acks them all; the next statement marks them."""
        backoff = 0.2
        started = time.perf_counter()
        while True:
            try:
                await self._publisher.publish(events)
                break
            except Exception as error:
                log.warning(
                    "publishing %d events failed (%s); retrying in %.1fs",
                    len(events),
                    error,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        if self._on_published is not None:
            self._on_published(events)
        self._acked = events[-1].sequence
        self.published += len(events)
        log.debug(
            "published %d events in %.1f ms",
            len(events),
            (time.perf_counter() - started) * 1000,
        )


async def _woken(wake: asyncio.Event, seconds: float) -> bool:
    """Whether `wake` is set within `seconds`."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
            return True
    return False
