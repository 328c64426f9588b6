"""Finalizing and billing through the API: the seed's totals, the GL posting, exactly once
under concurrent requests. Which orders may be finalized or billed, and when (closed
periods included), is tested on the use cases: tests/use_cases/test_service_orders.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import outbox, service_order_gl_entries
from tests.conftest import Api
from tests.e2e.service_order_steps import (
    BILL,
    FINALIZE,
    GET,
    completed,
    finalized,
    open_shop,
    read,
)

GL = [
    {"account": "1200", "accountName": "Accounts Receivable", "side": "DEBIT", "amount": "453.58"},
    {"account": "2100", "accountName": "Sales Tax Payable", "side": "CREDIT", "amount": "33.60"},
    {"account": "4100", "accountName": "Service Revenue", "side": "CREDIT", "amount": "419.98"},
]
"""The order's invoice posting in account order: the total receivable, the tax owed,
revenue net of tax."""


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


async def test_billing_posts_receivable_and_revenue_and_moves_the_order_to_billed(
    api: Api,
) -> None:
    shop = await open_shop(api)
    order_id = await finalized(api, shop)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    billed = (await api.data(BILL, await read(api, {"id": order_id, "on": tomorrow})))[
        "billServiceOrder"
    ]
    assert billed["status"] == "BILLED" and billed["billedAt"].startswith(f"{tomorrow}T")
    assert billed["glEntries"] == GL
    assert (await api.data(GET, {"id": order_id}))["serviceOrder"]["glEntries"] == GL


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
        assert (postings.scalar_one(), billed_events.scalar_one()) == (3, 1)
