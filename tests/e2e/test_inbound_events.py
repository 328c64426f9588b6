"""Events from other domains, sent with a real producer to the running gateway's broker.

The session gateway consumes `finance.period.closed` in the shared inbound group with
the seeds' retry shape (three retries, each waiting twice the one before) on the short
base the tests configure (INBOUND_RETRY_BASE_SECONDS). Every record of a test carries the test's
tenant as its key, so they share a partition and arrive in the order sent, and the
test finds its own dead letters by key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import inbox
from tests.conftest import INBOUND_RETRY_BASE_SECONDS, Api, Services

TOPIC = "finance.period.closed"
DLQ = f"{TOPIC}.dlq"
CLOSED = "{ closedFinancialPeriods { periodId periodStart periodEnd closedAt closedBy } }"


def period_closed(tenant: str, period_id: str, start: str, end: str, **envelope: Any) -> dict:
    return {
        "eventType": "FinancialPeriodClosedEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-02-03T17:00:00Z",
        "aggregateId": period_id,
        "tenantId": tenant,
        "payload": {
            "periodId": period_id,
            "periodStart": start,
            "periodEnd": end,
            "closedAt": "2026-02-03T17:00:00Z",
            "closedBy": "controller@example.com",
        },
        **envelope,
    }


async def send(producer: AIOKafkaProducer, tenant: str, value: dict | bytes) -> None:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    await producer.send_and_wait(TOPIC, value=raw, key=tenant.encode())


async def closed_periods(api: Api, *, until: str) -> list[dict[str, Any]]:
    """The tenant's closed periods, once `until` is among them."""
    async with asyncio.timeout(30):
        while True:
            periods = (await api.data(CLOSED))["closedFinancialPeriods"]
            if any(p["periodId"] == until for p in periods):
                return periods
            await asyncio.sleep(0.1)


async def dead_letters(services: Services, tenant: str, count: int) -> list[ConsumerRecord]:
    """The first `count` records keyed `tenant` on the dead-letter topic."""
    consumer = AIOKafkaConsumer(
        DLQ, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < count:
                batches = await consumer.getmany(timeout_ms=500)
                found += [r for rs in batches.values() for r in rs if r.key == tenant.encode()]
    finally:
        await consumer.stop()
    return found


def headers(record: ConsumerRecord) -> dict[str, str]:
    return {key: value.decode() for key, value in record.headers}


async def inbox_rows(engine: AsyncEngine, event_id: str) -> int:
    async with engine.connect() as connection:
        counted = select(func.count()).where(inbox.c.event_id == event_id)
        return int((await connection.execute(counted)).scalar_one())


async def test_a_closed_period_event_closes_the_period_for_its_tenant(
    api: Api, producer: AIOKafkaProducer, engine: AsyncEngine
) -> None:
    event = period_closed(api.tenant, "2026-01", "2026-01-01", "2026-01-31")
    await send(producer, api.tenant, event)

    periods = await closed_periods(api, until="2026-01")

    assert periods == [
        {
            "periodId": "2026-01",
            "periodStart": "2026-01-01",
            "periodEnd": "2026-01-31",
            "closedAt": "2026-02-03T17:00:00+00:00",
            "closedBy": "controller@example.com",
        }
    ]
    assert await inbox_rows(engine, event["eventId"]) == 1
    assert (await api.as_tenant("t-other")(CLOSED))["data"] == {"closedFinancialPeriods": []}


async def test_the_same_event_delivered_twice_has_one_effect_and_one_inbox_row(
    api: Api, producer: AIOKafkaProducer, engine: AsyncEngine
) -> None:
    event = period_closed(api.tenant, "2026-01", "2026-01-01", "2026-01-31")
    await send(producer, api.tenant, event)
    await send(producer, api.tenant, event)
    await send(
        producer, api.tenant, period_closed(api.tenant, "2026-02", "2026-02-01", "2026-02-28")
    )

    periods = await closed_periods(api, until="2026-02")

    assert [p["periodId"] for p in periods] == ["2026-02", "2026-01"]
    assert await inbox_rows(engine, event["eventId"]) == 1


async def test_malformed_records_go_to_the_dead_letter_topic_and_the_next_event_is_handled(
    api: Api, producer: AIOKafkaProducer, services: Services
) -> None:
    unknown = period_closed(
        api.tenant, "2026-01", "2026-01-01", "2026-01-31", eventType="PeriodReopenedEvent"
    )
    missing = period_closed(api.tenant, "2026-01", "2026-01-01", "2026-01-31")
    del missing["eventId"]
    await send(producer, api.tenant, b"not json {")
    await send(producer, api.tenant, unknown)
    await send(producer, api.tenant, missing)
    await send(
        producer, api.tenant, period_closed(api.tenant, "2026-03", "2026-03-01", "2026-03-31")
    )

    assert [p["periodId"] for p in await closed_periods(api, until="2026-03")] == ["2026-03"]
    letters = await dead_letters(services, api.tenant, 3)

    assert [r.value for r in letters] == [
        b"not json {",
        json.dumps(unknown).encode(),
        json.dumps(missing).encode(),
    ]
    found = [headers(r) for r in letters]
    assert {h["dlq-reason"] for h in found} == {"malformed"}
    assert {h["dlq-error-code"] for h in found} == {"MALFORMED_EVENT"}
    assert {h["dlq-original-topic"] for h in found} == {TOPIC}
    assert "not JSON" in found[0]["dlq-error"]
    assert "PeriodReopenedEvent" in found[1]["dlq-error"]
    assert "'eventId' is missing" in found[2]["dlq-error"]
    assert all(h["dlq-original-offset"].isdigit() and h["dlq-failed-at"] for h in found)


def inbound_log(caplog: pytest.LogCaptureFixture, starts: str) -> list[logging.LogRecord]:
    """The session gateway's inbound-consumer log lines whose message starts `starts`."""
    return [r for r in caplog.records if r.name == "gateway.inbound" and r.msg.startswith(starts)]


async def test_a_poison_event_is_retried_with_backoff_then_dead_lettered_with_its_error(
    api: Api,
    producer: AIOKafkaProducer,
    services: Services,
    engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    poison = period_closed(api.tenant, "2026-04", "2026-04-30", "2026-04-01")
    await send(producer, api.tenant, poison)
    await send(
        producer, api.tenant, period_closed(api.tenant, "2026-05", "2026-05-01", "2026-05-31")
    )

    [letter] = await dead_letters(services, api.tenant, 1)

    found = headers(letter)
    assert found["dlq-reason"] == "handler-failed"
    assert found["dlq-error-code"] == "INVALID_FINANCIAL_PERIOD"
    assert "ends (2026-04-01) before it starts (2026-04-30)" in found["dlq-error"]
    assert found["dlq-attempts"] == "4"
    # The session gateway's log: each retry came after its wait (base, 2 x base,
    # 4 x base), and the dead letter right after the last attempt failed.
    retried = [
        r.created for r in inbound_log(caplog, "%s %s failed") if r.args[1] == poison["eventId"]
    ]
    origin = (TOPIC, int(found["dlq-original-partition"]), int(found["dlq-original-offset"]))
    [lettered] = [r.created for r in inbound_log(caplog, "dead-lettered") if r.args[:3] == origin]
    backoff = [INBOUND_RETRY_BASE_SECONDS * factor for factor in (1, 2, 4)]
    assert len(retried) == len(backoff)
    waits = [b - a for a, b in zip(retried, [*retried[1:], lettered], strict=True)]
    assert all(waited >= wait - 0.01 for waited, wait in zip(waits, backoff, strict=True)), waits
    assert [p["periodId"] for p in await closed_periods(api, until="2026-05")] == ["2026-05"]
    assert await inbox_rows(engine, poison["eventId"]) == 0
