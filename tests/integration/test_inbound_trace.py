"""An inbound event continues the trace its record names, on the real broker and database:
the handler's statements belong to the request that caused the event, wherever it ran.

Its own topic and group keep the session gateway out of the way (as in
test_inbox_consumer.py); the spans are read from the OpenTelemetry SDK's in-memory exporter.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.finance.periods import PeriodClosed
from persistence.database import create_engine
from persistence.statement_spans import trace_statements
from persistence.unit_of_work import UnitOfWork
from resolvers.finance.periods import close_financial_period
from subscriptions.inbound.consumer import InboundConsumer
from subscriptions.inbound.retry import Backoff
from subscriptions.topics import ensure_topics
from subscriptions.wire.registry import Route, WireFormat
from tests.conftest import GROUP_TIMING, Services, until
from tests.integration.test_inbox_consumer import envelope


@pytest.fixture
async def topic(services: Services) -> str:
    name = f"it-{uuid.uuid4().hex[:8]}.finance.period.closed"
    admin = AIOKafkaAdminClient(bootstrap_servers=services.bootstrap_servers)
    await admin.start()
    try:
        await ensure_topics(admin, {name: 1, f"{name}.dlq": 1})
    finally:
        await admin.close()
    return name


@pytest.fixture
async def traced_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of its own: statement spans are set up on a pool before it connects."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def test_a_handled_event_continues_the_trace_of_its_traceparent_header(
    services: Services,
    traced_engine: AsyncEngine,
    topic: str,
    producer: AIOKafkaProducer,
    tenant: str,
) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = provider.get_tracer("test")
    engine = traced_engine
    trace_statements(engine, tracer)
    handled: list[str] = []

    async def close(work: UnitOfWork, event: PeriodClosed) -> None:
        await close_financial_period(work, event)
        handled.append(event.event_id)

    consumer = InboundConsumer(
        engine,
        services.bootstrap_servers,
        group_id=f"{topic}-inbound",
        handlers={"PeriodClosed": close},
        backoff=Backoff(3, 0.05),
        routes={
            "FinancialPeriodClosedEvent": Route(topic, WireFormat.ENVELOPE, "financial_period")
        },
        timing=GROUP_TIMING,
        tracer=tracer,
    )
    trace_id, caller = secrets.token_hex(16), secrets.token_hex(8)
    traced = envelope("FinancialPeriodClosedEvent", tenant, "2026-01")
    untraced = envelope("FinancialPeriodClosedEvent", tenant, "2026-02")
    await consumer.start()
    try:
        await producer.send_and_wait(
            topic,
            json.dumps(traced).encode(),
            key=b"k",
            headers=[("traceparent", f"00-{trace_id}-{caller}-01".encode())],
        )
        await producer.send_and_wait(topic, json.dumps(untraced).encode(), key=b"k")
        await until(lambda: len(handled) == 2, timeout=20)
    finally:
        await consumer.stop()
        provider.shutdown()

    finished = spans.get_finished_spans()
    processed = [s for s in finished if s.kind is SpanKind.CONSUMER]
    assert len(processed) == 2
    continued = next(s for s in processed if f"{s.context.trace_id:032x}" == trace_id)
    assert continued.parent is not None and f"{continued.parent.span_id:016x}" == caller
    assert continued.name == f"{topic} process"
    statements = [
        s
        for s in finished
        if s.parent is not None and s.parent.span_id == continued.context.span_id
    ]
    assert any("inbox" in str((s.attributes or {})["db.query.text"]) for s in statements)
    assert all(s.kind is SpanKind.CLIENT for s in statements)
    started = next(s for s in processed if s is not continued)
    assert started.parent is None, "a record without a traceparent starts a trace of its own"
