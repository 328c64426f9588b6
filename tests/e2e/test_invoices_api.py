"""Invoices through the API: a manual invoice created, posted and cancelled; the invoice a
billed order got; lists by customer, status, due dates and overdue; the graph between
invoices, customers and orders; permissions and tenancy. The rules themselves are tested
on the use cases: tests/use_cases/test_invoices.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from persistence.tables import outbox
from tests.conftest import Api
from tests.e2e.service_order_steps import BILL, finalized, open_shop, read

INVOICE = """invoiceId invoiceNumber status currency subtotal taxAmount totalAmount openBalance
  postingDate dueDate note overdue version serviceOrderId
  lines { lineNo description itemType quantity unitPrice discount taxCode netAmount taxAmount }
  journal { entryId postedOn lines { account accountName debit credit } }"""
CREATE = (
    f"""mutation($input: CreateInvoiceInput!) {{ createInvoice(input: $input) {{ {INVOICE} }} }}"""
)
POST = f"""mutation($id: ID!, $version: Int!, $on: Date) {{
  postInvoice(invoiceId: $id, version: $version, postingDate: $on) {{ {INVOICE} }} }}"""
CANCEL = f"""mutation($id: ID!, $version: Int!, $reason: String!) {{
  cancelInvoice(invoiceId: $id, version: $version, reason: $reason) {{ {INVOICE} }} }}"""
GET = f"""query($id: ID!) {{ invoice(id: $id) {{ {INVOICE} customer {{ customerId name }}
  serviceOrder {{ serviceOrderId status }} }} }}"""
LIST = """query($filter: InvoiceFilter) { invoices(filter: $filter) {
  items { invoiceId status dueDate } totalCount hasNextPage } }"""
PADS = {
    "description": "Brake pads",
    "itemType": "PART",
    "quantity": "2",
    "unitPrice": "89.99",
    "taxCode": "TAXABLE_GOODS",
}


async def draft(api: Api, shop: dict[str, str], *items: dict[str, str]) -> dict:
    created = await api.data(
        CREATE,
        {"input": {"customerId": shop["customer"], "locationId": "LOC-001", "items": list(items)}},
    )
    return created["createInvoice"]


async def test_a_manual_invoice_is_drafted_posted_and_cancelled(
    api: Api, engine: AsyncEngine
) -> None:
    shop = await open_shop(api)
    invoice = await draft(api, shop, PADS, {**PADS, "discount": "9.98"})
    assert (invoice["status"], invoice["invoiceNumber"], invoice["openBalance"]) == (
        "DRAFT",
        None,
        "0.00",
    )
    assert [(line["netAmount"], line["taxAmount"]) for line in invoice["lines"]] == [
        ("179.98", "14.40"),
        ("170.00", "13.60"),
    ]
    today = datetime.now(UTC).date()
    posted = (await api.data(POST, {"id": invoice["invoiceId"], "version": 1}))["postInvoice"]
    assert posted["invoiceNumber"] == f"INV-{today.year}-000001"
    assert (posted["status"], posted["totalAmount"], posted["openBalance"]) == (
        "POSTED",
        "377.98",
        "377.98",
    )
    assert posted["postingDate"] == today.isoformat()
    assert posted["dueDate"] == (today + timedelta(days=30)).isoformat()
    assert posted["journal"][0]["lines"] == [
        {
            "account": "1200",
            "accountName": "Accounts Receivable",
            "debit": "377.98",
            "credit": "0.00",
        },
        {"account": "4000", "accountName": "Revenue", "debit": "0.00", "credit": "349.98"},
        {"account": "2100", "accountName": "Sales Tax Payable", "debit": "0.00", "credit": "28.00"},
    ]
    assert await api.error_codes(POST, {"id": invoice["invoiceId"], "version": 1}) == [
        "VERSION_CONFLICT"
    ]
    cancelled = (
        await api.data(
            CANCEL, {"id": invoice["invoiceId"], "version": posted["version"], "reason": "Typo"}
        )
    )["cancelInvoice"]
    assert (cancelled["status"], cancelled["openBalance"], len(cancelled["journal"])) == (
        "CANCELLED",
        "0.00",
        2,
    )
    async with engine.connect() as connection:
        recorded = await connection.execute(
            select(outbox.c.event_type)
            .where(outbox.c.tenant_id == api.tenant, outbox.c.aggregate_id == invoice["invoiceId"])
            .order_by(outbox.c.position)
        )
        assert recorded.scalars().all() == ["InvoicePosted", "InvoiceCancelled"]


async def test_refusals_have_their_codes_and_fields(api: Api) -> None:
    shop = await open_shop(api)
    body = await api(
        CREATE,
        {
            "input": {
                "customerId": shop["customer"],
                "locationId": "LOC-001",
                "items": [{**PADS, "quantity": "0"}, {**PADS, "taxCode": "NOPE"}],
            }
        },
    )
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
        ("BAD_USER_INPUT", "items[0].quantity"),
    ]
    empty = await draft(api, shop)
    assert await api.error_codes(POST, {"id": empty["invoiceId"], "version": 1}) == [
        "EMPTY_INVOICE"
    ]
    assert await api.error_codes(GET, {"id": "INVC-404"}) == ["INVOICE_NOT_FOUND"]
    other = api.as_tenant("t-other-" + api.tenant)
    assert await other.error_codes(GET, {"id": empty["invoiceId"]}) == ["INVOICE_NOT_FOUND"]
    reader = api.as_tenant(api.tenant, permissions=[Permission.INVOICE_READ])
    status = "query($id: ID!) { invoice(id: $id) { status } }"
    assert (await reader.data(status, {"id": empty["invoiceId"]}))["invoice"] == {"status": "DRAFT"}
    assert await reader.error_codes(POST, {"id": empty["invoiceId"], "version": 1}) == ["FORBIDDEN"]


async def test_invoices_are_listed_by_customer_status_due_range_and_overdue(api: Api) -> None:
    shop = await open_shop(api)
    posted, draft_only = await draft(api, shop, PADS), await draft(api, shop, PADS)
    long_ago = (datetime.now(UTC).date() - timedelta(days=60)).isoformat()
    await api.data(POST, {"id": posted["invoiceId"], "version": 1, "on": long_ago})

    async def ids(filter: dict) -> list[str]:
        found = (await api.data(LIST, {"filter": filter}))["invoices"]
        return [item["invoiceId"] for item in found["items"]]

    assert await ids({}) == [draft_only["invoiceId"], posted["invoiceId"]]
    assert await ids({"status": ["POSTED"]}) == [posted["invoiceId"]]
    assert await ids({"overdue": True}) == [posted["invoiceId"]]
    assert await ids({"customerId": "CUST-404"}) == []
    assert await ids({"dueFrom": datetime.now(UTC).date().isoformat()}) == []
    codes = await api.error_codes(
        LIST, {"filter": {"dueFrom": "2026-03-02", "dueTo": "2026-03-01"}}
    )
    assert codes == ["BAD_USER_INPUT"]
    customer = await api.data(
        "query($id: ID!) { customer(id: $id) { invoices { items { invoiceId overdue } } } }",
        {"id": shop["customer"]},
    )
    assert customer["customer"]["invoices"]["items"] == [
        {"invoiceId": draft_only["invoiceId"], "overdue": False},
        {"invoiceId": posted["invoiceId"], "overdue": True},
    ]


async def test_a_billed_order_has_exactly_one_invoice_both_ways(api: Api) -> None:
    shop = await open_shop(api)
    order_id = await finalized(api, shop)
    await api.data(BILL, await read(api, {"id": order_id}))
    found = await api.data(
        "query($id: ID!) { serviceOrder(id: $id) { invoice { invoiceId invoiceNumber "
        "totalAmount serviceOrder { serviceOrderId } } } }",
        {"id": order_id},
    )
    invoice = found["serviceOrder"]["invoice"]
    assert invoice["totalAmount"] == "453.58"
    assert invoice["serviceOrder"] == {"serviceOrderId": order_id}
    listed = (await api.data(LIST, {"filter": {"customerId": shop["customer"]}}))["invoices"]
    assert [i["invoiceId"] for i in listed["items"]] == [invoice["invoiceId"]]


async def test_the_trial_balance_shows_the_journal_and_balances(api: Api) -> None:
    shop = await open_shop(api)
    invoice = await draft(api, shop, PADS)
    await api.data(POST, {"id": invoice["invoiceId"], "version": 1})
    report = (
        await api.data(
            "{ trialBalance { accounts { account debit credit balance } totalDebit totalCredit } }"
        )
    )["trialBalance"]
    assert report["accounts"] == [
        {"account": "1200", "debit": "194.38", "credit": "0.00", "balance": "194.38"},
        {"account": "2100", "debit": "0.00", "credit": "14.40", "balance": "-14.40"},
        {"account": "4000", "debit": "0.00", "credit": "179.98", "balance": "-179.98"},
    ]
    assert report["totalDebit"] == report["totalCredit"] == "194.38"
    clerk = api.as_tenant(api.tenant, permissions=[Permission.INVOICE_READ])
    assert await clerk.error_codes("{ trialBalance { totalDebit } }") == ["FORBIDDEN"]


async def test_a_tenant_sets_its_own_revenue_account(api: Api) -> None:
    shop = await open_shop(api)
    chart = (
        await api.data(
            'mutation { setGlAccount(role: REVENUE, number: "4010", name: "Parts Revenue") '
            "{ role number name isDefault } }"
        )
    )["setGlAccount"]
    assert {
        "role": "REVENUE",
        "number": "4010",
        "name": "Parts Revenue",
        "isDefault": False,
    } in chart
    assert {
        "role": "RECEIVABLES",
        "number": "1200",
        "name": "Accounts Receivable",
        "isDefault": True,
    } in chart
    invoice = await draft(api, shop, PADS)
    posted = (await api.data(POST, {"id": invoice["invoiceId"], "version": 1}))["postInvoice"]
    assert [line["account"] for line in posted["journal"][0]["lines"]] == ["1200", "4010", "2100"]
    taken = 'mutation { setGlAccount(role: SALES_RETURNS, number: "4100", name: "R") { number } }'
    assert await api.error_codes(taken) == ["GL_ACCOUNT_TAKEN"]
    reader = api.as_tenant(api.tenant, permissions=[Permission.LEDGER_READ])
    assert len((await reader.data("{ chartOfAccounts { role } }"))["chartOfAccounts"]) == 7
    assert await reader.error_codes(taken) == ["FORBIDDEN"]
