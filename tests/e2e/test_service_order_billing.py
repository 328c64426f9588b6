"""Finalizing and billing through the API: the seed's totals, the GL posting, exactly once."""

from __future__ import annotations

import asyncio
import json
import uuid

from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import outbox, service_order_gl_entries
from tests.conftest import Api, Services
from tests.e2e.service_order_steps import (
    BILL,
    FINALIZE,
    GET,
    RECORD_SESSION,
    completed,
    finalized,
    in_progress,
    open_shop,
    read,
    session,
)

GL = [
    {"account": "1200", "accountName": "Accounts Receivable", "side": "DEBIT", "amount": "453.58"},
    {"account": "4100", "accountName": "Service Revenue", "side": "CREDIT", "amount": "453.58"},
]


async def test_finalizing_captures_the_seed_snapshot_to_the_cent(api: Api) -> None:
    shop = await open_shop(api)
    order_id = await completed(api, shop)
    order = (
        await api.data(
            FINALIZE,
            await read(api, {"id": order_id, "rate": "60.00", "code": "LABOR_TAX", "po": "PO-1"}),
        )
    )["finalizeServiceOrder"]
    snapshot = order["billableSnapshot"]
    assert {k: snapshot[k] for k in ("partsTotal", "laborTotal", "taxTotal", "grandTotal")} == {
        "partsTotal": "179.98",
        "laborTotal": "240.00",
        "taxTotal": "33.60",
        "grandTotal": "453.58",
    }
    assert snapshot["currencyUomId"] == "USD"
    assert snapshot["labor"] == [
        {"workSessionId": "WS-001", "billableMinutes": 240, "amount": "240.00"}
    ]
    assert order["status"] == "COMPLETED" and order["glEntries"] == []


async def test_finalizing_is_for_completed_orders_once_with_every_line_taxed(api: Api) -> None:
    shop = await open_shop(api)
    working = await in_progress(api, shop)
    args = {"rate": "60.00", "code": "LABOR_TAX"}
    assert await api.error_codes(FINALIZE, await read(api, {"id": working, **args})) == [
        "INVALID_TRANSITION"
    ]
    done = await completed(api, shop)
    assert await api.error_codes(FINALIZE, await read(api, {"id": done, "rate": "60.00"})) == [
        "MISSING_TAX_CODE"
    ]
    assert await api.error_codes(
        FINALIZE, await read(api, {"id": done, "rate": "-1", "code": "LABOR_TAX"})
    ) == ["BAD_USER_INPUT"]
    await api.data(FINALIZE, await read(api, {"id": done, **args}))
    assert await api.error_codes(FINALIZE, await read(api, {"id": done, **args})) == [
        "SNAPSHOT_ALREADY_FINALIZED"
    ]


async def test_billing_posts_receivable_and_revenue_and_moves_the_order_to_billed(
    api: Api,
) -> None:
    shop = await open_shop(api)
    unfinalized = await completed(api, shop)
    assert await api.error_codes(BILL, await read(api, {"id": unfinalized})) == [
        "BILLABLE_SNAPSHOT_MISSING"
    ]
    order_id = await finalized(api, shop)
    billed = (await api.data(BILL, await read(api, {"id": order_id})))["billServiceOrder"]
    assert billed["status"] == "BILLED" and billed["billedAt"]
    assert billed["glEntries"] == GL
    assert (await api.data(GET, {"id": order_id}))["serviceOrder"]["glEntries"] == GL
    assert await api.error_codes(BILL, await read(api, {"id": order_id})) == ["INVALID_TRANSITION"]
    assert await api.error_codes(RECORD_SESSION, await read(api, {"input": session(order_id)})) == [
        "INVALID_TRANSITION"
    ]


async def test_concurrent_bills_bill_once(api: Api, engine: AsyncEngine) -> None:
    shop = await open_shop(api)
    order_id = await finalized(api, shop)

    seen = await read(api, {"id": order_id})
    bodies = await asyncio.gather(*(api(BILL, seen) for _ in range(6)))

    won = [b for b in bodies if not b.get("errors")]
    lost = [b["errors"][0]["extensions"]["code"] for b in bodies if b.get("errors")]
    assert len(won) == 1 and lost == ["VERSION_CONFLICT"] * 5
    async with engine.connect() as connection:
        postings = await connection.execute(
            select(func.count()).where(
                service_order_gl_entries.c.tenant_id == api.tenant,
                service_order_gl_entries.c.service_order_id == order_id,
            )
        )
        billed_events = await connection.execute(
            select(func.count()).where(
                outbox.c.tenant_id == api.tenant,
                outbox.c.event_type == "ServiceOrderBilled",
            )
        )
        assert (postings.scalar_one(), billed_events.scalar_one()) == (2, 1)


async def test_billing_into_a_closed_period_is_refused(api: Api, services: Services) -> None:
    shop = await open_shop(api)
    order_id = await finalized(api, shop)
    producer = AIOKafkaProducer(bootstrap_servers=services.bootstrap_servers, acks="all")
    await producer.start()
    try:
        closed = {
            "eventType": "FinancialPeriodClosedEvent",
            "eventId": str(uuid.uuid4()),
            "timestamp": "2026-02-03T17:00:00Z",
            "aggregateId": "2026-01",
            "tenantId": api.tenant,
            "payload": {
                "periodId": "2026-01",
                "periodStart": "2026-01-01",
                "periodEnd": "2026-01-31",
                "closedAt": "2026-02-03T17:00:00Z",
                "closedBy": "controller@example.com",
            },
        }
        await producer.send_and_wait(
            "finance.period.closed", json.dumps(closed).encode(), key=api.tenant.encode()
        )
    finally:
        await producer.stop()
    async with asyncio.timeout(30):
        while not (await api.data("{ closedFinancialPeriods { periodId } }"))[
            "closedFinancialPeriods"
        ]:
            await asyncio.sleep(0.1)

    body = await api(BILL, await read(api, {"id": order_id, "on": "2026-01-31"}))
    assert body["errors"][0]["extensions"]["code"] == "FINANCIAL_PERIOD_CLOSED"
    assert "2026-01" in body["errors"][0]["message"]
    after = (await api.data(GET, {"id": order_id}))["serviceOrder"]
    assert (after["status"], after["glEntries"]) == ("COMPLETED", [])
    billed = (await api.data(BILL, await read(api, {"id": order_id, "on": "2026-02-01"})))[
        "billServiceOrder"
    ]
    assert billed["status"] == "BILLED"
