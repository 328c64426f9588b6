"""The event backbone of one replica: the outbox relay, the hub and its Kafka consumer,
and the consumer of other domains' events.

Started after the database and broker are reachable, stopped before they close. Every
replica runs the hub and its consumer; the relay runs everywhere but only the replica
holding the advisory lock relays (see `subscriptions/relay.py`). Every replica runs the
SLA monitor too; its alerts are published once however many do (`subscriptions/sla_monitor.py`),
the reservation sweeper, whose expiries are recorded once however many do
(`gateway/reservation_sweeper.py`), and the acknowledgement sweeper, whose alerts are
raised once however many do (`gateway/acknowledgement_sweeper.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from opentelemetry.trace import Tracer
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.events import PublishedEvent
from gateway.acknowledgement_sweeper import AcknowledgementSweeper
from gateway.inbound_handlers import HANDLERS
from gateway.reservation_sweeper import ReservationSweeper
from gateway.settings import Settings
from persistence.repositories.outbox import OutboxReader, OutboxRelayStore
from subscriptions.broker_marker import BrokerMarker
from subscriptions.consumer_groups import GroupTiming
from subscriptions.hub import EventHub
from subscriptions.hub_consumer import HubConsumer
from subscriptions.inbound.consumer import InboundConsumer, inbound_group
from subscriptions.inbound.retry import Backoff
from subscriptions.publisher import ProducerSettings, Publisher
from subscriptions.relay import OutboxRelay
from subscriptions.sla_monitor import ShiftedClock, SlaMonitor
from subscriptions.topics import BrokerLink

log = logging.getLogger("gateway.events")


class EventBackbone:
    def __init__(
        self,
        engine: AsyncEngine,
        broker: BrokerLink,
        settings: Settings,
        clock: Clock,
        on_dead_lettered: Callable[[str], None] | None = None,
        on_relayed: Callable[[int], None] | None = None,
        tracer: Tracer | None = None,
    ):
        """`on_relayed` hears how many events each acknowledged batch held, and
        `on_dead_lettered` the inbound topic of each record dead-lettered; `tracer`
        makes the spans of events published and handled."""
        assert settings.kafka_bootstrap_servers
        timing = GroupTiming(
            settings.kafka_session_timeout_ms, settings.kafka_heartbeat_interval_ms
        )
        self.hub = EventHub(
            OutboxReader(engine),
            capacity=settings.hub_queue_size,
            catch_up_seconds=settings.hub_catch_up_seconds,
        )
        self._consumer = HubConsumer(
            self.hub,
            settings.kafka_bootstrap_servers,
            settings.kafka_group_prefix,
            settings.kafka_fetch_max_wait_ms,
            timing,
        )
        self._publisher = Publisher(
            settings.kafka_bootstrap_servers,
            settings.kafka_client_id,
            ProducerSettings(
                acks=settings.kafka_acks,
                enable_idempotence=settings.kafka_enable_idempotence,
                linger_ms=settings.kafka_linger_ms,
                compression_type=settings.kafka_compression_type,
                environment=settings.event_environment,
            ),
            broker,
            tracer,
        )
        self._marker = BrokerMarker(settings.kafka_bootstrap_servers, settings.kafka_client_id)
        self.relay = OutboxRelay(
            engine,
            self._publisher,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            on_published=self._deliver_here,
            on_lead_changed=self._consumer.relaying,
            marker=self._marker,
            marker_check_seconds=settings.relay_marker_check_seconds,
            republish_window=timedelta(hours=settings.relay_republish_hours),
        )
        self.inbound = InboundConsumer(
            engine,
            settings.kafka_bootstrap_servers,
            group_id=inbound_group(settings.kafka_group_prefix),
            handlers=HANDLERS if settings.inbound_enabled else {},
            backoff=Backoff(settings.inbound_max_retries, settings.inbound_retry_base_seconds),
            client_id=settings.kafka_client_id,
            timing=timing,
            on_dead_lettered=on_dead_lettered,
            tracer=tracer,
        )
        self._on_relayed = on_relayed
        self._store = OutboxRelayStore(engine)
        self._relay_enabled = settings.relay_enabled
        self._lag_alert = settings.outbox_lag_alert_seconds
        self.sla_monitor = SlaMonitor(
            engine,
            ShiftedClock(clock, timedelta(seconds=settings.sla_clock_offset_seconds)),
            poll_seconds=settings.sla_monitor_poll_seconds,
        )
        self._sla_monitor_enabled = settings.sla_monitor_enabled
        self.reservation_sweeper = ReservationSweeper(
            engine, clock, interval_seconds=settings.reservation_sweep_seconds
        )
        self._sweeping = settings.reservation_sweep_seconds > 0
        self.acknowledgement_sweeper = AcknowledgementSweeper(
            engine,
            clock,
            timeout_seconds=settings.acknowledgement_timeout_seconds,
            interval_seconds=settings.acknowledgement_sweep_seconds,
        )
        self._sweeping_acknowledgements = settings.acknowledgement_sweep_seconds > 0
        self._tasks: list[asyncio.Task[None]] = []

    def _deliver_here(self, events: Sequence[PublishedEvent]) -> None:
        """This replica's subscribers get what it relays as soon as the broker has it.

        Fetching it back from Kafka would add the consumer's fetch wait to every event
        (the embedded broker holds a fetch for its whole wait), and a short wait costs a
        poll every few milliseconds on every topic partition: measured on an idle
        gateway, a fifth of a core in the broker and a tenth in the gateway at 20 ms.
        While this replica relays, its hub consumer reads nothing (see
        `subscriptions/hub_consumer.py`); other replicas get these events from Kafka.
        They are counted here too (`on_relayed`): the broker has acknowledged them.
        """
        for published in events:
            self.hub.offer(published)
        if self._on_relayed is not None:
            self._on_relayed(len(events))

    async def start(self) -> None:
        await self.hub.start()
        await self._consumer.start()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self._consumer.wait_assigned()
        await self.inbound.start()
        if self._relay_enabled:
            self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        self._tasks.append(asyncio.create_task(self._watch_lag(), name="outbox-lag"))
        if self._sla_monitor_enabled:
            self._tasks.append(asyncio.create_task(self.sla_monitor.run(), name="sla-monitor"))
        if self._sweeping:
            self._tasks.append(
                asyncio.create_task(self.reservation_sweeper.run(), name="reservation-sweeper")
            )
        if self._sweeping_acknowledgements:
            self._tasks.append(
                asyncio.create_task(
                    self.acknowledgement_sweeper.run(), name="acknowledgement-sweeper"
                )
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._consumer.stop()
        await self.inbound.stop()
        await self.hub.close()
        await self._publisher.close()
        await self._marker.close()

    async def lag(self) -> dict[str, float | int | bool]:
        unsent, oldest = await self._store.lag()
        return {
            "unsent": unsent,
            "oldestAgeSeconds": round(oldest, 3),
            "relaying": self.relay.is_leader,
            "healthy": oldest < self._lag_alert,
        }

    async def hub_consumer_lag(self) -> int:
        return await self._consumer.lag()

    async def _watch_lag(self) -> None:
        """Log outbox lag once a minute when events wait longer than the alert threshold."""
        while True:
            await asyncio.sleep(60)
            with contextlib.suppress(Exception):
                unsent, oldest = await self._store.lag()
                if oldest >= self._lag_alert:
                    log.warning("outbox lag: %d unsent events, oldest %.0fs old", unsent, oldest)
