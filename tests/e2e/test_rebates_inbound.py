"""Sales Rebates' `RebateIssuedEvent`, sent with a real producer to the running gateway:
it creates the credit memo it names, on account; a replay (the same event, or the same
rebate under another event id) changes nothing; a malformed one is dead-lettered."""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import credit_memos
from tests.conftest import Api, Services
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.test_inbound_events import inbox_rows

TOPIC = "sales.rebate.issued"
MEMO = """query($id: ID!) { creditMemo(id: $id) { creditMemoId customerId invoiceId amount
  currency reason issuedBy issuedAt claimId journal { lines { account debit credit } } } }"""


def rebate(tenant: str, memo_id: str = "CM-2026-REB-205", **payload: Any) -> dict[str, Any]:
    return {
        "eventType": "RebateIssuedEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-02-10T12:00:00Z",
        "aggregateId": "REB-2026-02",
        "tenantId": tenant,
        "payload": {
            "claimId": "REB-2026-02",
            "customerId": "cst-205",
            "amount": 420.00,
            "settlementMethod": "CREDIT_MEMO",
            "creditMemoId": memo_id,
            "currency": "USD",
            **payload,
        },
    }


async def send(producer: AIOKafkaProducer, tenant: str, value: dict[str, Any]) -> None:
    await producer.send_and_wait(TOPIC, value=json.dumps(value).encode(), key=tenant.encode())


async def memo_once_there(api: Api, memo_id: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            body = await api(MEMO, {"id": memo_id})
            if body.get("data"):
                return body["data"]["creditMemo"]
            await asyncio.sleep(0.1)


async def memo_count(engine: AsyncEngine, tenant: str) -> int:
    async with engine.connect() as connection:
        counted = select(func.count()).where(credit_memos.c.tenant_id == tenant)
        return int((await connection.execute(counted)).scalar_one())


async def dead_letters(services: Services, tenant: str, count: int) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(
        f"{TOPIC}.dlq", bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
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


async def test_a_rebate_creates_its_credit_memo_once_and_a_malformed_one_is_dead_lettered(
    api: Api, producer: AIOKafkaProducer, engine: AsyncEngine, services: Services
) -> None:
    await api.data(
        'mutation { createCustomer(input: {customerId: "cst-205", name: "Rebated"}) '
        "{ customerId } }"
    )
    event = rebate(api.tenant)
    await send(producer, api.tenant, event)
    memo = await memo_once_there(api, "CM-2026-REB-205")
    assert memo == {
        "creditMemoId": "CM-2026-REB-205",
        "customerId": "cst-205",
        "invoiceId": None,
        "amount": "420.00",
        "currency": "USD",
        "reason": "Rebate REB-2026-02",
        "issuedBy": "sales-rebates",
        "issuedAt": "2026-02-10T12:00:00+00:00",
        "claimId": "REB-2026-02",
        "journal": [
            {
                "lines": [
                    {"account": "4900", "debit": "420.00", "credit": "0.00"},
                    {"account": "1200", "debit": "0.00", "credit": "420.00"},
                ]
            }
        ],
    }
    broken = rebate(api.tenant)
    del broken["payload"]["creditMemoId"]
    await send(producer, api.tenant, event)
    await send(producer, api.tenant, rebate(api.tenant))  # the same rebate, another event id
    await send(producer, api.tenant, broken)
    await send(producer, api.tenant, rebate(api.tenant, "CM-2026-REB-206", amount=80.00))
    await memo_once_there(api, "CM-2026-REB-206")

    assert await inbox_rows(engine, event["eventId"]) == 1
    assert await memo_count(engine, api.tenant) == 2
    on_account = await assert_the_ledger_holds(api, engine, credits_on_account=Decimal("500.00"))
    assert on_account == Decimal("-500.00")
    [letter] = await dead_letters(services, api.tenant, 1)
    assert json.loads(letter.value) == broken
    assert "creditMemoId" in dict(letter.headers)["dlq-error"].decode()
