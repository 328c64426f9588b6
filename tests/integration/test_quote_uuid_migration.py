"""Migration 0012: quotes approved before quotes had UUIDs move to their revision's UUID,
with their cost transactions and postings, so unlocking a month still finds them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from domain.estimates.quotes import quote_id_of
from persistence.database import create_engine
from persistence.migrate import upgrade_async
from persistence.tables import cost_transactions, finance_postings, outbox
from tests.conftest import database_of_its_own

BEFORE = "0011_stock_reservations"
TRAKSERVICE_QUOTE = "0b9e4c1a-2d3f-4e5a-8b7c-6d5e4f3a2b10"
APPROVED_AT = datetime(2026, 1, 25, 10, 30, tzinfo=UTC)


def quote_row(tenant: str, quote_id: str, event_id: str) -> dict[str, object]:
    return {
        "event_id": event_id,
        "tenant_id": tenant,
        "event_type": "QuoteApproved",
        "aggregate_type": "quote",
        "aggregate_id": quote_id,
        "occurred_at": APPROVED_AT,
        "payload": {"quote_number": quote_id},
        "sequence": None,
    }


def costs(tenant: str, quote_id: str) -> list[dict[str, object]]:
    return [
        {
            "tenant_id": tenant,
            "idempotency_key": f"quote:{quote_id}:{side}",
            "quote_id": quote_id,
            "cost_type": kind,
            "amount": 10,
            "booked_on": date(2026, 1, 25),
        }
        for side, kind in (("service", "THIRD_PARTY"), ("material", "PARTS"))
    ]


async def test_gateway_quotes_move_to_their_uuid_and_trakservice_quotes_stay(
    database_url: str,
) -> None:
    async with database_of_its_own(database_url, BEFORE) as url:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(outbox),
                    [
                        quote_row("tenant-a", "EST-001", "e1"),
                        quote_row("tenant-b", "EST-001", "e2"),
                        quote_row("tenant-a", TRAKSERVICE_QUOTE, "e3"),
                    ],
                )
                await connection.execute(
                    insert(cost_transactions),
                    costs("tenant-a", "EST-001") + costs("tenant-a", TRAKSERVICE_QUOTE),
                )
                await connection.execute(
                    insert(finance_postings),
                    [
                        {"tenant_id": "tenant-a", "quote_id": q, "status": "POSTED"}
                        for q in ("EST-001", TRAKSERVICE_QUOTE)
                    ],
                )
            await upgrade_async(url)
            async with engine.connect() as connection:
                quotes = (
                    await connection.execute(
                        select(outbox.c.event_id, outbox.c.aggregate_id).order_by("event_id")
                    )
                ).all()
                booked = (
                    await connection.execute(
                        select(cost_transactions.c.quote_id, cost_transactions.c.idempotency_key)
                    )
                ).all()
                posted = set(await connection.scalars(select(finance_postings.c.quote_id)))
        finally:
            await engine.dispose()

    ours = quote_id_of("tenant-a", "EST-001")
    assert quotes == [
        ("e1", ours),
        ("e2", quote_id_of("tenant-b", "EST-001")),
        ("e3", TRAKSERVICE_QUOTE),
    ]
    assert sorted(booked) == sorted(
        (quote, f"quote:{quote}:{side}")
        for quote in (ours, TRAKSERVICE_QUOTE)
        for side in ("service", "material")
    )
    assert posted == {ours, TRAKSERVICE_QUOTE}
