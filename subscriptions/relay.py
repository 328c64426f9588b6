"""The outbox relay: moves committed events from PostgreSQL to Kafka.

One replica at a time relays (a PostgreSQL advisory lock elects it; the others wait and
take over if it goes away), so no row is sent twice in normal operation and every event
gets its sequence number in one place. It wakes on LISTEN/NOTIFY when a transaction
commits events, with a slow poll as a fallback. A broker outage delays events, never
loses them: rows stay unpublished until the broker acks them. Delivery is
at-least-once (a crash between ack and stamp resends); consumers drop duplicates by
event id or sequence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.repositories.outbox import OutboxRelayStore
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
    ):
        self._engine = engine
        self._store = OutboxRelayStore(engine)
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self.is_leader = False
        self.published = 0

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
                self.is_leader = False
                log.warning("outbox relay interrupted (%s); retrying in %.1fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def _lead(self) -> None:
        async with self._engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            try:
                if not await raw.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK):
                    await asyncio.sleep(self._poll_seconds)
                    return
                self.is_leader = True
                log.info("this replica relays the outbox")
                wake = asyncio.Event()
                await raw.add_listener(CHANNEL, lambda *_: wake.set())
                while True:
                    wake.clear()
                    await self._drain()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._poll_seconds):
                            await wake.wait()
            finally:
                self.is_leader = False
                # The lock and the listener belong to this session: never hand it back
                # to the pool still holding them.
                await connection.invalidate()

    async def _drain(self) -> None:
        backoff = 0.2
        while True:
            await self._store.number_pending(self._batch_size)
            pending = await self._store.unpublished(self._batch_size)
            if not pending:
                return
            started = time.perf_counter()
            try:
                await self._publisher.publish(pending)
            except Exception as error:
                log.warning(
                    "publishing %d events failed (%s); retrying in %.1fs",
                    len(pending),
                    error,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            await self._store.mark_published(p.sequence for p in pending)
            self.published += len(pending)
            backoff = 0.2
            log.debug(
                "published %d events in %.1f ms",
                len(pending),
                (time.perf_counter() - started) * 1000,
            )
