"""The finance effects of an approval, through the real broker: the quote-approved event
books cost transactions once however often it arrives, and a locked month holds them."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.estimates import QuoteApproved
from domain.events import new_event_id
from domain.identity import Permission
from persistence.unit_of_work import unit_of_work_factory as uow_of
from subscriptions.wire import registry
from subscriptions.wire.quote import QUOTE_APPROVED
from tests.conftest import ALL_PERMISSIONS, Api
from tests.e2e.estimate_shop import APPROVE, open_shop, run, submitted
from tests.e2e.test_estimates_api import codes_and_fields

COSTS = """
query($q: ID!) {
  costTransactions(quoteId: $q) { idempotencyKey quoteId costType amount bookedOn }
}"""
POSTING = (
    "query($id: ID!) { estimate(id: $id) { status quoteId financePosting { status detail } } }"
)
LOCK = "mutation($y: Int!, $m: Int!) { lockFinanceMonth(year: $y, month: $m) { label } }"
UNLOCK = "mutation($y: Int!, $m: Int!) { unlockFinanceMonth(year: $y, month: $m) { label } }"


async def costs_once(api: Api, quote_id: str, count: int) -> list[dict[str, Any]]:
    """The quote's cost transactions once there are `count` of them (they come via Kafka)."""
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(COSTS, {"q": quote_id}))["costTransactions"]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.1)


async def posting_once(api: Api, estimate_id: str, status: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(POSTING, {"id": estimate_id}))["estimate"]
            if (found["financePosting"] or {}).get("status") == status:
                return found
            await asyncio.sleep(0.1)


async def approved(api: Api) -> dict[str, Any]:
    await open_shop(api)
    pending = await submitted(api)
    return await run(api, APPROVE, estimateId="EST-001", version=pending["version"])


async def test_an_approval_books_services_and_materials_once_posted(api: Api) -> None:
    estimate = await approved(api)
    assert estimate["status"] == "APPROVED"
    quote_id = (await api.data(POSTING, {"id": "EST-001"}))["estimate"]["quoteId"]
    assert uuid.UUID(quote_id).version == 5

    costs = await costs_once(api, quote_id, 2)

    today = datetime.now(UTC).date().isoformat()
    assert costs == [
        {
            "idempotencyKey": f"quote:{quote_id}:service",
            "quoteId": quote_id,
            "costType": "THIRD_PARTY",
            "amount": "60.00",
            "bookedOn": today,
        },
        {
            "idempotencyKey": f"quote:{quote_id}:material",
            "quoteId": quote_id,
            "costType": "PARTS",
            "amount": "89.99",
            "bookedOn": today,
        },
    ]
    assert (await api.data(COSTS, {"q": "EST-001"}))["costTransactions"] == costs
    assert (await posting_once(api, "EST-001", "POSTED"))["financePosting"]["detail"] is None


async def test_a_quote_as_trakservice_sends_it_books_its_costs_once(
    api: Api, producer: AIOKafkaProducer
) -> None:
    quote_id = str(uuid.uuid4())
    record = {
        "event_name": QUOTE_APPROVED,
        "aggregate_type": "quote",
        "aggregate_id": quote_id,
        "idempotency_key": f"quote:{quote_id}:approved:v1",
        "data": {
            "quote_id": quote_id,
            "quote_number": "QT-20260108-0001",
            "work_order_id": str(uuid.uuid4()),
            "status": "approved",
            "total": 1450.00,
            "subtotal_services": 1000.00,
            "subtotal_materials": 500.00,
            "discount_percent": 5.00,
            "discount_amount": 50.00,
            "approved_at": datetime.now(UTC).isoformat(),
            "approved_by_id": None,
            "valid_until": "2026-02-08",
            "item_count": 3,
        },
    }
    headers = [("tenant-id", api.tenant.encode())]
    for _ in range(2):
        await producer.send_and_wait(
            QUOTE_APPROVED, value=json.dumps(record).encode(), headers=headers, partition=0
        )

    costs = await costs_once(api, quote_id, 2)
    assert [(c["idempotencyKey"], c["amount"]) for c in costs] == [
        (f"quote:{quote_id}:service", "1000.00"),
        (f"quote:{quote_id}:material", "500.00"),
    ]


async def test_the_same_quote_event_published_again_books_nothing_new(
    api: Api, engine: AsyncEngine, producer: AIOKafkaProducer
) -> None:
    await approved(api)
    before = await costs_once(api, "EST-001", 2)
    quote_id = before[0]["quoteId"]
    async with uow_of(engine, api.tenant)() as work:
        [published] = await work.event_log.after(0, [QuoteApproved.__name__], quote_id, 1)
    quote = published.event
    assert isinstance(quote, QuoteApproved)
    sentinel = replace(quote, aggregate_id="QT-SENTINEL", quote_number="QT-SENTINEL")
    for event in (
        quote,  # redelivered: the inbox drops it
        replace(quote, event_id=new_event_id()),  # re-sent: the keys hold
        replace(sentinel, event_id=new_event_id()),
    ):
        await producer.send_and_wait(QUOTE_APPROVED, value=registry.encode(event), partition=0)

    assert len(await costs_once(api, "QT-SENTINEL", 2)) == 2
    assert (await api.data(COSTS, {"q": "EST-001"}))["costTransactions"] == before


async def test_a_locked_month_holds_the_costs_back_until_it_is_unlocked(api: Api) -> None:
    now = datetime.now(UTC)
    month = {"y": now.year, "m": now.month}
    finance_clerk = api.as_tenant(
        api.tenant, [p for p in ALL_PERMISSIONS if p != Permission.FINANCE_PERIOD_LOCK]
    )
    assert codes_and_fields(await finance_clerk(LOCK, month)) == [("FORBIDDEN", None)]
    locked = await api.data(LOCK, month)
    assert locked["lockFinanceMonth"] == [{"label": f"{now.year:04d}-{now.month:02d}"}]
    bad = await api(LOCK, {"y": 2026, "m": 13})
    assert codes_and_fields(bad) == [("BAD_USER_INPUT", "month")]

    await approved(api)
    blocked = await posting_once(api, "EST-001", "BLOCKED_BY_LOCK")

    assert blocked["status"] == "APPROVED"
    assert "locked" in blocked["financePosting"]["detail"]
    assert (await api.data(COSTS, {"q": "EST-001"}))["costTransactions"] == []

    assert (await api.data(UNLOCK, month))["unlockFinanceMonth"] == []
    posted = (await api.data(POSTING, {"id": "EST-001"}))["estimate"]
    assert posted["financePosting"] == {"status": "POSTED", "detail": None}
    booked = (await api.data(COSTS, {"q": "EST-001"}))["costTransactions"]
    quote_id = posted["quoteId"]
    assert sorted(c["idempotencyKey"] for c in booked) == [
        f"quote:{quote_id}:material",
        f"quote:{quote_id}:service",
    ]
    assert (await api.data(UNLOCK, month))["unlockFinanceMonth"] == []
    assert len((await api.data(COSTS, {"q": "EST-001"}))["costTransactions"]) == 2
