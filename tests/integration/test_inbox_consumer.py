"""The inbound consumer against the real broker and database, on topics of its own.

Its own topics and group keep the session gateway out of the way, and a short backoff
(0.05 s, 0.1 s, 0.2 s) keeps the seeds' retry shape fast.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import DomainEvent
from domain.finance.periods import PeriodClosed
from persistence.tables import financial_periods, inbox
from persistence.unit_of_work import UnitOfWork
from resolvers.finance.periods import close_financial_period
from subscriptions.inbound.consumer import InboundConsumer
from subscriptions.inbound.retry import Backoff
from subscriptions.topics import ensure_topics
from subscriptions.wire.registry import Route, WireFormat
from tests.conftest import GROUP_TIMING, Services


class FailsTwice:
    """Closes the period on its third call; the first two raise, as a flaky dependency would."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, uow: UnitOfWork, event: PeriodClosed) -> None:
        self.calls += 1
        await close_financial_period(uow, event)
        if self.calls <= 2:
            raise RuntimeError(f"dependency unavailable (call {self.calls})")


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


def envelope(event_type: str, tenant: str, period_id: str) -> dict[str, Any]:
    return {
        "eventType": event_type,
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-02-03T17:00:00Z",
        "aggregateId": period_id,
        "tenantId": tenant,
        "payload": {
            "periodId": period_id,
            "periodStart": "2026-01-01",
            "periodEnd": "2026-01-31",
            "closedAt": "2026-02-03T17:00:00Z",
            "closedBy": "controller@example.com",
        },
    }


async def first_dead_letter(services: Services, topic: str) -> ConsumerRecord:
    consumer = AIOKafkaConsumer(
        f"{topic}.dlq", bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            return await consumer.getone()
    finally:
        await consumer.stop()


async def count(engine: AsyncEngine, statement: Any) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def test_a_flaky_handler_succeeds_on_a_retry_and_an_unhandled_type_is_dead_lettered(
    services: Services, engine: AsyncEngine, topic: str, producer: AIOKafkaProducer, tenant: str
) -> None:
    routes = {
        "FinancialPeriodClosedEvent": Route(topic, WireFormat.ENVELOPE, "financial_period"),
        "FinancialPeriodReopenedEvent": Route(topic, WireFormat.ENVELOPE, "financial_period"),
    }
    handler = FailsTwice()
    consumer = InboundConsumer(
        engine,
        services.bootstrap_servers,
        group_id=f"{topic}-inbound",
        handlers={"PeriodClosed": handler},
        backoff=Backoff(3, 0.05),
        routes=routes,
        timing=GROUP_TIMING,
    )
    closed = envelope("FinancialPeriodClosedEvent", tenant, "2026-01")
    reopened = envelope("FinancialPeriodReopenedEvent", tenant, "2026-01")
    await consumer.start()
    try:
        for event in (closed, reopened):
            await producer.send_and_wait(topic, json.dumps(event).encode(), key=b"k")
        letter = await first_dead_letter(services, topic)
    finally:
        await consumer.stop()

    assert handler.calls == 3
    periods = select(func.count()).where(financial_periods.c.tenant_id == tenant)
    assert await count(engine, periods) == 1
    claimed = select(func.count()).where(inbox.c.tenant_id == tenant)
    assert await count(engine, claimed) == 1
    headers = {key: value.decode() for key, value in letter.headers}
    assert json.loads(letter.value)["eventId"] == reopened["eventId"]
    assert (headers["dlq-reason"], headers["dlq-error-code"]) == ("no-handler", "NO_HANDLER")
    assert headers["dlq-attempts"] == "0"


async def test_a_restarted_consumer_does_not_apply_what_its_group_already_settled(
    services: Services, engine: AsyncEngine, topic: str, producer: AIOKafkaProducer, tenant: str
) -> None:
    routes = {"FinancialPeriodClosedEvent": Route(topic, WireFormat.ENVELOPE, "financial_period")}
    calls: list[str] = []

    async def handler(uow: UnitOfWork, event: DomainEvent) -> None:
        calls.append(event.event_id)
        await close_financial_period(uow, event)

    def consumer() -> InboundConsumer:
        return InboundConsumer(
            engine,
            services.bootstrap_servers,
            group_id=f"{topic}-inbound",
            handlers={"PeriodClosed": handler},
            backoff=Backoff(3, 0.05),
            routes=routes,
            timing=GROUP_TIMING,
        )

    first = envelope("FinancialPeriodClosedEvent", tenant, "2026-01")
    second = envelope("FinancialPeriodClosedEvent", tenant, "2026-02")
    await producer.send_and_wait(topic, json.dumps(first).encode(), key=b"k")
    for settled, event in enumerate((first, second), start=1):
        running = consumer()
        await running.start()
        try:
            if event is second:
                await producer.send_and_wait(topic, json.dumps(event).encode(), key=b"k")
            # Settled means committed with its inbox claim: a consumer stopped between
            # the handler's call and that commit rightly hands the event on again.
            claimed = select(func.count()).where(inbox.c.tenant_id == tenant)
            async with asyncio.timeout(20):
                while await count(engine, claimed) < settled:
                    await asyncio.sleep(0.05)
        finally:
            await running.stop()

    assert calls == [first["eventId"], second["eventId"]]
