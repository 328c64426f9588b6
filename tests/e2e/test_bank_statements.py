"""Treasury's bank statements, sent with a real producer to the running gateway: each line
becomes a payment matched by the invoice number in its reference, else to the
customer's oldest open invoices, else kept as unapplied cash; a replay (same event id or
a new one) changes nothing; a malformed statement is dead-lettered. Records are keyed by
the test's tenant, so they arrive in the order sent."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api, Services
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.test_payments_api import INVOICE, ar_shop, posted_invoice

TOPIC = "treasury.bank.statement.imported"
PAYMENTS = """query($id: ID!) { customer(id: $id) { payments { items {
  statementId amount unappliedAmount paymentMethod bankReference
  allocations { invoiceId amount } } } } }"""


def statement(tenant: str, statement_id: str, *lines: dict[str, Any], **envelope: Any) -> dict:
    today = datetime.now(UTC).date().isoformat()
    return {
        "eventType": "BankStatementImportedEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": f"{today}T18:00:00Z",
        "aggregateId": statement_id,
        "tenantId": tenant,
        "payload": {
            "statementId": statement_id,
            "statementDate": today,
            "lines": [
                {"lineNo": n, "currency": "USD", "valueDate": today, **line}
                for n, line in enumerate(lines, start=1)
            ],
        },
        **envelope,
    }


async def send(producer: AIOKafkaProducer, tenant: str, value: dict | bytes) -> None:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    await producer.send_and_wait(TOPIC, value=raw, key=tenant.encode())


async def payments_of(api: Api, customer: str, count: int) -> list[dict[str, Any]]:
    """The customer's payments, oldest first, once there are `count` (counted by the
    page's items: a total, read after them, could count one committed in between)."""
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(PAYMENTS, {"id": customer}))["customer"]["payments"]
            if len(found["items"]) >= count:
                return found["items"][::-1]
            await asyncio.sleep(0.1)


async def test_statement_lines_pay_the_named_invoice_else_the_oldest_else_wait_for_a_clerk(
    api: Api, producer: AIOKafkaProducer, engine: AsyncEngine
) -> None:
    named_payer, oldest_payer, unknown_payer = await ar_shop(api, 3)
    today = datetime.now(UTC).date()
    named = await posted_invoice(api, named_payer, "500.00")
    await posted_invoice(api, named_payer, "70.00", (today - timedelta(days=50)).isoformat())
    older = await posted_invoice(
        api, oldest_payer, "80.00", (today - timedelta(days=9)).isoformat()
    )
    newer = await posted_invoice(api, oldest_payer, "90.00")
    imported = statement(
        api.tenant,
        "STMT-1",
        {"customerId": named_payer, "amount": 200.00, "reference": f"Pay {named['invoiceNumber']}"},
        {"customerId": oldest_payer, "amount": 100.00, "reference": "May services"},
        {"customerId": unknown_payer, "amount": 40.00, "reference": "??", "bankReference": "B-9"},
    )
    await send(producer, api.tenant, imported)

    [by_number] = await payments_of(api, named_payer, 1)
    assert by_number["allocations"] == [{"invoiceId": named["invoiceId"], "amount": "200.00"}]
    assert (by_number["statementId"], by_number["paymentMethod"]) == ("STMT-1", "BANK_TRANSFER")
    [by_age] = await payments_of(api, oldest_payer, 1)
    assert by_age["allocations"] == [
        {"invoiceId": older["invoiceId"], "amount": "80.00"},
        {"invoiceId": newer["invoiceId"], "amount": "20.00"},
    ]
    [unmatched] = await payments_of(api, unknown_payer, 1)
    assert (unmatched["unappliedAmount"], unmatched["bankReference"]) == ("40.00", "B-9")
    clerk = (await api.data("{ unappliedCash { items { customerId unappliedAmount } } }"))[
        "unappliedCash"
    ]["items"]
    assert clerk == [{"customerId": unknown_payer, "unappliedAmount": "40.00"}]
    total = await assert_the_ledger_holds(api, engine)

    # the same record again, the statement under a new event id, then a marker statement
    await send(producer, api.tenant, imported)
    await send(producer, api.tenant, {**imported, "eventId": str(uuid.uuid4())})
    await send(
        producer,
        api.tenant,
        statement(
            api.tenant, "STMT-2", {"customerId": unknown_payer, "amount": 1.00, "reference": "x"}
        ),
    )
    await payments_of(api, unknown_payer, 2)
    for customer in (named_payer, oldest_payer):
        assert len(await payments_of(api, customer, 1)) == 1
    assert (await api.data(INVOICE, {"id": named["invoiceId"]}))["invoice"]["openBalance"] == (
        "300.00"
    )
    assert await assert_the_ledger_holds(api, engine) == total - Decimal("1.00")


async def test_a_malformed_statement_is_dead_lettered_and_the_next_one_applied(
    api: Api, producer: AIOKafkaProducer, services: Services, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    broken = statement(
        api.tenant, "STMT-1", {"customerId": customer, "amount": -5, "reference": "x"}
    )
    await send(producer, api.tenant, broken)
    await send(
        producer,
        api.tenant,
        statement(api.tenant, "STMT-2", {"customerId": customer, "amount": 5.00, "reference": "x"}),
    )
    [applied] = await payments_of(api, customer, 1)
    assert applied["statementId"] == "STMT-2"
    consumer = AIOKafkaConsumer(
        f"{TOPIC}.dlq", bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            found: list[Any] = []
            while not found:
                batches = await consumer.getmany(timeout_ms=500)
                found = [r for rs in batches.values() for r in rs if r.key == api.tenant.encode()]
    finally:
        await consumer.stop()
    assert json.loads(found[0].value)["eventId"] == broken["eventId"]
    assert await assert_the_ledger_holds(api, engine) == Decimal("-5.00")
