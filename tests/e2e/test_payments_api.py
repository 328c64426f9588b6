"""Payments through the API: recorded with allocations or oldest due first, partial and
over payments, unapplied cash applied later, reversals, the refusals with their codes,
the journal and the event, cancelling an invoice with money applied, and races (50
clients paying one invoice, a payment racing a cancel). After every scenario the ledger
invariant holds (tests/e2e/ledger_checks.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from persistence.tables import financial_periods, outbox
from tests.conftest import Api
from tests.e2e.ledger_checks import assert_the_ledger_holds

PAYMENT = """paymentId paymentNumber customerId status paymentMethod paymentDate bankReference
  amount currency appliedAmount unappliedAmount version statementId
  allocations { lineNo invoiceId amount appliedOn invoice { invoiceNumber status openBalance } }
  journal { entryId postedOn lines { account debit credit } }"""
RECORD = (
    f"""mutation($input: RecordPaymentInput!) {{ recordPayment(input: $input) {{ {PAYMENT} }} }}"""
)
APPLY = f"""mutation($id: ID!, $version: Int!, $allocations: [AllocationInput!]) {{
  applyUnappliedCash(paymentId: $id, version: $version, allocations: $allocations) {{
    {PAYMENT} }} }}"""
REVERSE = f"""mutation($id: ID!, $version: Int!, $reason: String!) {{
  reversePayment(paymentId: $id, version: $version, reason: $reason) {{ {PAYMENT} }} }}"""
GET = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT} }} }}"
INVOICE = """query($id: ID!) { invoice(id: $id) { invoiceId invoiceNumber status openBalance
  version allocations { paymentId amount reversed payment { paymentNumber } } } }"""
CANCEL = """mutation($id: ID!, $version: Int!) {
  cancelInvoice(invoiceId: $id, version: $version, reason: "Duplicate") { status } }"""


async def ar_shop(api: Api, customers: int = 1) -> list[str]:
    """Customers and a location whose NONE tax code taxes nothing (round amounts)."""
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-001", name: "North"}) { locationId } }'
    )
    await api.data(
        'mutation { upsertTaxCode(input: {locationId: "LOC-001", taxCode: "NONE", '
        'description: "none", rate: "0", applicableItemTypes: [PART, LABOR]}) { taxCode } }'
    )
    ids = []
    for n in range(customers):
        created = await api.data(
            "mutation($name: String!) { createCustomer(input: {name: $name}) { customerId } }",
            {"name": f"Fleet {n}"},
        )
        ids.append(created["createCustomer"]["customerId"])
    return ids


async def posted_invoice(api: Api, customer: str, amount: str, on: str | None = None) -> dict:
    """A posted invoice of one line of `amount`, untaxed, on `on` (default today)."""
    created = await api.data(
        """mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoiceId } }""",
        {
            "input": {
                "customerId": customer,
                "locationId": "LOC-001",
                "items": [
                    {
                        "description": "Service",
                        "itemType": "LABOR",
                        "quantity": "1",
                        "unitPrice": amount,
                        "taxCode": "NONE",
                    }
                ],
            }
        },
    )
    posted = await api.data(
        """mutation($id: ID!, $on: Date) { postInvoice(invoiceId: $id, version: 1,
          postingDate: $on) { invoiceId invoiceNumber dueDate version } }""",
        {"id": created["createInvoice"]["invoiceId"], "on": on},
    )
    return posted["postInvoice"]


def payment_input(
    customer: str, amount: str, *allocations: tuple[str, str], **more: object
) -> dict:
    given = {
        "customerId": customer,
        "amount": amount,
        "currency": "USD",
        "paymentMethod": "ACH",
        "bankReference": "ACH-2026-8831",
        **more,
    }
    if allocations:
        given["allocations"] = [{"invoiceId": i, "amount": a} for i, a in allocations]
    return {"input": given}


async def invoice(api: Api, invoice_id: str) -> dict:
    return (await api.data(INVOICE, {"id": invoice_id}))["invoice"]


async def test_partial_full_and_over_payments_with_explicit_allocations(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    first = await posted_invoice(api, customer, "1200.00")
    second = await posted_invoice(api, customer, "300.00")
    partial = (
        await api.data(RECORD, payment_input(customer, "500.00", (first["invoiceId"], "500.00")))
    )["recordPayment"]
    assert (partial["status"], partial["appliedAmount"], partial["unappliedAmount"]) == (
        "RECEIVED",
        "500.00",
        "0.00",
    )
    assert partial["paymentNumber"].startswith(f"PMT-{datetime.now(UTC).year}-")
    assert partial["allocations"][0]["invoice"] == {
        "invoiceNumber": first["invoiceNumber"],
        "status": "PARTIALLY_PAID",
        "openBalance": "700.00",
    }
    assert partial["journal"][0]["lines"] == [
        {"account": "1000", "debit": "500.00", "credit": "0.00"},
        {"account": "1200", "debit": "0.00", "credit": "500.00"},
    ]
    await assert_the_ledger_holds(api, engine)

    over = (
        await api.data(
            RECORD,
            payment_input(
                customer, "1100.00", (first["invoiceId"], "700.00"), (second["invoiceId"], "300.00")
            ),
        )
    )["recordPayment"]
    assert (over["appliedAmount"], over["unappliedAmount"]) == ("1000.00", "100.00")
    assert [a["invoice"]["status"] for a in over["allocations"]] == ["PAID", "PAID"]
    assert over["journal"][0]["lines"] == [
        {"account": "1000", "debit": "1100.00", "credit": "0.00"},
        {"account": "1200", "debit": "0.00", "credit": "700.00"},
        {"account": "1200", "debit": "0.00", "credit": "300.00"},
        {"account": "1200", "debit": "0.00", "credit": "100.00"},
    ]
    lines = await api.data(
        "query($id: ID!) { payment(id: $id) { journal { lines { account invoiceId "
        "invoice { status } } } } }",
        {"id": over["paymentId"]},
    )
    assert lines["payment"]["journal"][0]["lines"] == [
        {"account": "1000", "invoiceId": None, "invoice": None},
        {"account": "1200", "invoiceId": first["invoiceId"], "invoice": {"status": "PAID"}},
        {"account": "1200", "invoiceId": second["invoiceId"], "invoice": {"status": "PAID"}},
        {"account": "1200", "invoiceId": None, "invoice": None},
    ]
    listed = (await invoice(api, first["invoiceId"]))["allocations"]
    assert [(a["paymentId"], a["amount"], a["reversed"]) for a in listed] == [
        (partial["paymentId"], "500.00", False),
        (over["paymentId"], "700.00", False),
    ]
    assert await assert_the_ledger_holds(api, engine) == Decimal("-100.00")
    customer_view = await api.data(
        "query($id: ID!) { customer(id: $id) { balance payments { items { paymentId } } } }",
        {"id": customer},
    )
    assert customer_view["customer"] == {
        "balance": "-100.00",
        "payments": {
            "items": [{"paymentId": over["paymentId"]}, {"paymentId": partial["paymentId"]}]
        },
    }
    async with engine.connect() as connection:
        recorded = await connection.execute(
            select(outbox.c.event_type).where(
                outbox.c.tenant_id == api.tenant, outbox.c.aggregate_id == over["paymentId"]
            )
        )
        assert recorded.scalars().all() == ["PaymentReceived"]


async def test_without_allocations_the_oldest_due_invoice_is_paid_first_and_the_rest_waits(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    today = datetime.now(UTC).date()
    newer = await posted_invoice(api, customer, "100.00", today.isoformat())
    older = await posted_invoice(api, customer, "100.00", (today - timedelta(days=40)).isoformat())
    paid = (await api.data(RECORD, payment_input(customer, "150.00")))["recordPayment"]
    assert [(a["invoiceId"], a["amount"]) for a in paid["allocations"]] == [
        (older["invoiceId"], "100.00"),
        (newer["invoiceId"], "50.00"),
    ]
    await assert_the_ledger_holds(api, engine)
    cash = (await api.data(RECORD, payment_input(customer, "80.00")))["recordPayment"]
    assert [(a["invoiceId"], a["amount"]) for a in cash["allocations"]] == [
        (newer["invoiceId"], "50.00")
    ]
    assert cash["unappliedAmount"] == "30.00"
    listed = await api.data("{ unappliedCash { items { paymentId unappliedAmount } totalCount } }")
    assert listed["unappliedCash"] == {
        "items": [{"paymentId": cash["paymentId"], "unappliedAmount": "30.00"}],
        "totalCount": 1,
    }
    assert await assert_the_ledger_holds(api, engine) == Decimal("-30.00")

    later = await posted_invoice(api, customer, "50.00")
    applied = (await api.data(APPLY, {"id": cash["paymentId"], "version": cash["version"]}))[
        "applyUnappliedCash"
    ]
    assert applied["unappliedAmount"] == "0.00"
    assert [(a["invoiceId"], a["amount"]) for a in applied["allocations"]][-1] == (
        later["invoiceId"],
        "30.00",
    )
    assert applied["journal"][-1]["lines"] == [
        {"account": "1200", "debit": "30.00", "credit": "0.00"},
        {"account": "1200", "debit": "0.00", "credit": "30.00"},
    ]
    assert (await invoice(api, later["invoiceId"]))["status"] == "PARTIALLY_PAID"
    assert (await api.data("{ unappliedCash { totalCount } }"))["unappliedCash"]["totalCount"] == 0
    assert await api.error_codes(
        APPLY, {"id": cash["paymentId"], "version": applied["version"]}
    ) == ["NOTHING_TO_APPLY"]
    assert await assert_the_ledger_holds(api, engine) == Decimal("20.00")


async def test_refusals_have_their_codes_and_change_nothing(api: Api, engine: AsyncEngine) -> None:
    customer, other = await ar_shop(api, 2)
    owed = await posted_invoice(api, customer, "100.00")
    theirs = await posted_invoice(api, other, "100.00")

    async def codes(
        *allocations: tuple[str, str], amount: str = "100.00", **more: object
    ) -> list[str]:
        return await api.error_codes(RECORD, payment_input(customer, amount, *allocations, **more))

    assert await codes((owed["invoiceId"], "100.00"), currency="EUR") == ["CURRENCY_MISMATCH"]
    assert await codes((owed["invoiceId"], "100.01"), amount="200.00") == [
        "ALLOCATION_EXCEEDS_OPEN_BALANCE"
    ]
    assert await codes((owed["invoiceId"], "60.00"), amount="50.00") == [
        "ALLOCATION_EXCEEDS_PAYMENT"
    ]
    assert await codes((theirs["invoiceId"], "10.00")) == ["INVOICE_OF_ANOTHER_CUSTOMER"]
    assert await codes(("INVC-404", "10.00")) == ["INVOICE_NOT_FOUND"]
    assert await codes(amount="0") == ["BAD_USER_INPUT"]
    assert await codes((owed["invoiceId"], "10.00"), (owed["invoiceId"], "10.00")) == [
        "BAD_USER_INPUT"
    ]
    for named in ((), ((theirs["invoiceId"], "10.00"),), (("INVC-404", "10.00"),)):
        assert await api.error_codes(RECORD, payment_input("CUST-404", "10.00", *named)) == [
            "CUSTOMER_NOT_FOUND"
        ]
    assert await api.error_codes(GET, {"id": "PAY-404"}) == ["PAYMENT_NOT_FOUND"]
    reader = api.as_tenant(api.tenant, permissions=[Permission.INVOICE_READ])
    assert await reader.error_codes(RECORD, payment_input(customer, "10.00")) == ["FORBIDDEN"]
    assert (await invoice(api, owed["invoiceId"]))["openBalance"] == "100.00"
    assert await assert_the_ledger_holds(api, engine) == Decimal("200.00")


async def test_a_payment_posts_to_the_tenants_cash_account_and_never_in_a_closed_period(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    owed = await posted_invoice(api, customer, "100.00")
    await api.data(
        'mutation { setGlAccount(role: CASH, number: "1010", name: "Operating Bank") { number } }'
    )
    async with engine.begin() as connection:
        await connection.execute(
            insert(financial_periods).values(
                tenant_id=api.tenant,
                period_id="2026-01",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 1, 31),
                closed_at=datetime(2026, 2, 3, tzinfo=UTC),
                closed_by="controller",
            )
        )
    paying = payment_input(customer, "40.00", (owed["invoiceId"], "40.00"))
    assert await api.error_codes(
        RECORD, {"input": {**paying["input"], "paymentDate": "2026-01-31"}}
    ) == ["FINANCIAL_PERIOD_CLOSED"]
    paid = (await api.data(RECORD, {"input": {**paying["input"], "paymentDate": "2026-02-01"}}))[
        "recordPayment"
    ]
    assert paid["journal"][0]["lines"] == [
        {"account": "1010", "debit": "40.00", "credit": "0.00"},
        {"account": "1200", "debit": "0.00", "credit": "40.00"},
    ]
    assert (await invoice(api, owed["invoiceId"]))["openBalance"] == "60.00"
    assert await assert_the_ledger_holds(api, engine) == Decimal("60.00")


async def test_a_reversed_payment_reopens_its_invoices_and_a_paid_invoice_is_not_cancelled(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    owed = await posted_invoice(api, customer, "100.00")
    paid = (
        await api.data(RECORD, payment_input(customer, "120.00", (owed["invoiceId"], "100.00")))
    )["recordPayment"]
    current = await invoice(api, owed["invoiceId"])
    body = await api(CANCEL, {"id": owed["invoiceId"], "version": current["version"]})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVOICE_HAS_PAYMENTS"
    assert paid["paymentId"] in error["message"]
    assert error["extensions"]["paymentIds"] == paid["paymentId"]

    reversed_ = (
        await api.data(
            REVERSE, {"id": paid["paymentId"], "version": paid["version"], "reason": "Chargeback"}
        )
    )["reversePayment"]
    assert (reversed_["status"], reversed_["unappliedAmount"]) == ("REVERSED", "0.00")
    assert reversed_["journal"][-1]["lines"] == [
        {"account": "1000", "debit": "0.00", "credit": "120.00"},
        {"account": "1200", "debit": "100.00", "credit": "0.00"},
        {"account": "1200", "debit": "20.00", "credit": "0.00"},
    ]
    reopened = await invoice(api, owed["invoiceId"])
    assert (reopened["status"], reopened["openBalance"]) == ("POSTED", "100.00")
    assert reopened["allocations"][0]["reversed"] is True
    assert await api.error_codes(
        REVERSE, {"id": paid["paymentId"], "version": reversed_["version"], "reason": "Again"}
    ) == ["INVALID_TRANSITION"]
    assert await assert_the_ledger_holds(api, engine) == Decimal("100.00")
    cancelled = await api.data(CANCEL, {"id": owed["invoiceId"], "version": reopened["version"]})
    assert cancelled["cancelInvoice"]["status"] == "CANCELLED"
    assert await assert_the_ledger_holds(api, engine) == Decimal("0.00")
    async with engine.connect() as connection:
        recorded = await connection.execute(
            select(outbox.c.event_type)
            .where(outbox.c.tenant_id == api.tenant, outbox.c.aggregate_id == paid["paymentId"])
            .order_by(outbox.c.position)
        )
        assert recorded.scalars().all() == ["PaymentReceived", "PaymentReversed"]


async def test_fifty_clients_paying_one_invoice_at_once_never_over_allocate_it(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    owed = await posted_invoice(api, customer, "195.00")
    bodies = await asyncio.gather(
        *(
            api(RECORD, payment_input(customer, "10.00", (owed["invoiceId"], "10.00")))
            for _ in range(50)
        )
    )
    refused = [b["errors"][0]["extensions"]["code"] for b in bodies if b.get("errors")]
    assert len(bodies) - len(refused) == 19
    assert set(refused) == {"ALLOCATION_EXCEEDS_OPEN_BALANCE"}
    found = await invoice(api, owed["invoiceId"])
    assert (found["status"], found["openBalance"], len(found["allocations"])) == (
        "PARTIALLY_PAID",
        "5.00",
        19,
    )
    assert await assert_the_ledger_holds(api, engine) == Decimal("5.00")


async def test_a_payment_racing_a_cancel_leaves_a_consistent_ledger(
    api: Api, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    for _ in range(5):
        owed = await posted_invoice(api, customer, "100.00")
        paying, cancelling = await asyncio.gather(
            api(RECORD, payment_input(customer, "100.00", (owed["invoiceId"], "100.00"))),
            api(CANCEL, {"id": owed["invoiceId"], "version": owed["version"]}),
        )
        found = await invoice(api, owed["invoiceId"])
        paid, cancelled = "errors" not in paying, "errors" not in cancelling
        assert paid != cancelled, (paying, cancelling)
        assert found["status"] == ("PAID" if paid else "CANCELLED")
        if not paid:
            assert paying["errors"][0]["extensions"]["code"] == "INVOICE_NOT_OPEN"
        await assert_the_ledger_holds(api, engine)
