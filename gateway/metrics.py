"""`/metrics`: the gateway's state in Prometheus's text format, for dashboards and alerts.

Each app has a registry of its own (several apps share a process in the tests). Counts
that change with traffic are kept as they happen: GraphQL operations (`schema/metrics.py`),
open sockets and subscriptions, events relayed, records dead-lettered. What a query can
tell is read when Prometheus scrapes, so it costs one small query per scrape and
nothing per request, and is as fresh as the scrape: the outbox backlog (the same reading
as `/readyz`, on the outbox's partial indexes), the hub consumer's lag (from what the
last fetch told, no request to the broker) and the database pool's connections.
docs/operations.md says what each metric means and what to alert on.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Iterator
from typing import TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import Response

from gateway.events import EventBackbone
from schema.metrics import GraphQLMetrics

log = logging.getLogger("gateway.metrics")
T = TypeVar("T")

SAMPLE_TIMEOUT_SECONDS = 2.0
"""A stalled database or broker must not hold the scrape: its readings are NaN then."""


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.graphql = GraphQLMetrics(self.registry)
        self.websockets = Gauge(
            "graphql_websocket_connections",
            "Websocket connections open on /graphql.",
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "graphql_active_subscriptions",
            "Subscription operations running on this replica's sockets.",
            registry=self.registry,
        )
        self.events_relayed = Counter(
            "outbox_events_relayed",
            "Outbox events this replica published and the broker acknowledged.",
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "inbound_dead_letters",
            "Inbound records sent to their dead-letter topic, by inbound topic.",
            ["topic"],
            registry=self.registry,
        )
        self.outbox_unpublished = Gauge(
            "outbox_unpublished_events",
            "Committed events not yet published (all replicas'), read at scrape time.",
            registry=self.registry,
        )
        self.outbox_oldest_age = Gauge(
            "outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished event, 0 when none waits; read at scrape time.",
            registry=self.registry,
        )
        self.requests_waiting = Gauge(
            "graphql_requests_waiting",
            "GraphQL requests over HTTP waiting for their turn (MAX_CONCURRENT_REQUESTS).",
            registry=self.registry,
        )
        self.requests_over_limit = Counter(
            "graphql_requests_over_limit",
            "GraphQL requests over HTTP that waited ADMISSION_WAIT_SECONDS and ran without "
            "their turn.",
            registry=self.registry,
        )
        self.hub_consumer_lag = Gauge(
            "hub_consumer_lag_records",
            "Records on the gateway's topics this replica's hub has not read yet.",
            registry=self.registry,
        )

    def watch_pool(self, engine: AsyncEngine, capacity: int) -> None:
        self.registry.register(_PoolUsage(engine, capacity))

    async def sample(self, events: EventBackbone) -> None:
        """Read the backlogs; NaN for any that cannot be read within the timeout."""
        outbox = await _within(events.lag())
        self.outbox_unpublished.set(math.nan if outbox is None else outbox["unsent"])
        self.outbox_oldest_age.set(math.nan if outbox is None else outbox["oldestAgeSeconds"])
        lag = await _within(events.hub_consumer_lag())
        self.hub_consumer_lag.set(math.nan if lag is None else lag)

    async def exposition(self, events: EventBackbone) -> Response:
        await self.sample(events)
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


async def _within(reading: Awaitable[T]) -> T | None:
    try:
        async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
            return await reading
    except Exception as error:
        log.debug("metrics: a reading failed: %s: %s", type(error).__name__, error)
        return None


class _PoolUsage(Collector):
    """The database pool's connections, read from SQLAlchemy's pool when scraped."""

    def __init__(self, engine: AsyncEngine, capacity: int):
        self._engine = engine
        self._capacity = capacity

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self._engine.pool
        yield GaugeMetricFamily(
            "db_pool_checked_out",
            "Database connections in use by requests, the relay and consumers.",
            value=pool.checkedout(),  # type: ignore[attr-defined]
        )
        yield GaugeMetricFamily(
            "db_pool_capacity",
            "Most connections the pool opens (DB_POOL_SIZE + DB_MAX_OVERFLOW).",
            value=self._capacity,
        )
