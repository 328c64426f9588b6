"""Write-offs and credit memos through the API: four eyes on a write-off (Dr 6500 /
Cr 1200, the invoice WRITTEN_OFF), credit memos against an invoice and on account
(Dr 4900 / Cr 1200), with the ledger invariant checked after each scenario."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api, Services, token
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.service_order_steps import open_shop
from tests.e2e.test_credit_control import outbox_types
from tests.e2e.test_invoices_api import PADS, POST, draft
from tests.e2e.test_service_order_events import records_of

WRITE_OFF_TOPIC = "finance.ar.writeoff.approved"
MEMO_TOPIC = "finance.ar.credit.memo.issued"

LINES = "journal { entryId lines { account debit credit } }"
PROPOSE = f"""mutation($id: ID!, $reason: String!) {{
  proposeWriteOff(invoiceId: $id, reason: $reason) {{
    writeOffId invoiceId amount status proposedBy version {LINES} }} }}"""
APPROVE = f"""mutation($id: ID!, $v: Int!) {{ approveWriteOff(writeOffId: $id, version: $v) {{
  writeOffId status approvedBy amount version {LINES}
  invoice {{ status openBalance }} customer {{ name }} }} }}"""
ISSUE = f"""mutation($c: ID!, $amount: Decimal!, $reason: String!, $invoice: ID,
  $currency: String) {{
  issueCreditMemo(customerId: $c, amount: $amount, reason: $reason, invoiceId: $invoice,
    currency: $currency) {{
    creditMemoId invoiceId amount currency reason issuedBy {LINES}
    invoice {{ status openBalance }} }} }}"""
INVOICE = "query($id: ID!) { invoice(id: $id) { status openBalance version } }"


async def posted_invoice(api: Api, shop: dict[str, str]) -> dict:
    invoice = await draft(api, shop, PADS)
    return (await api.data(POST, {"id": invoice["invoiceId"], "version": 1}))["postInvoice"]


async def test_a_write_off_is_proposed_by_one_user_and_approved_by_another(
    api: Api, engine: AsyncEngine, services: Services
) -> None:
    shop = await open_shop(api)
    invoice = await posted_invoice(api, shop)
    other = await posted_invoice(api, shop)
    proposed = (await api.data(PROPOSE, {"id": invoice["invoiceId"], "reason": "Went bust"}))[
        "proposeWriteOff"
    ]
    assert (proposed["amount"], proposed["status"], proposed["journal"]) == (
        "194.38",
        "PROPOSED",
        [],
    )
    approve = {"id": proposed["writeOffId"], "v": proposed["version"]}
    [own] = (await api(APPROVE, approve))["errors"]
    assert own["extensions"]["code"] == "WRITE_OFF_SELF_APPROVAL"
    assert (await api.data(INVOICE, {"id": invoice["invoiceId"]}))["invoice"]["status"] == (
        "POSTED"
    )
    approved = (await api(APPROVE, approve, token_value=token(api.tenant, user="user-2")))["data"][
        "approveWriteOff"
    ]
    assert approved == {
        "writeOffId": proposed["writeOffId"],
        "status": "APPROVED",
        "approvedBy": "user-2",
        "amount": "194.38",
        "version": proposed["version"] + 1,
        "journal": [
            {
                "entryId": f"{proposed['writeOffId']}-APPROVE",
                "lines": [
                    {"account": "6500", "debit": "194.38", "credit": "0.00"},
                    {"account": "1200", "debit": "0.00", "credit": "194.38"},
                ],
            }
        ],
        "invoice": {"status": "WRITTEN_OFF", "openBalance": "0.00"},
        "customer": {"name": "Fleet Co"},
    }
    again = await api(
        APPROVE, {**approve, "v": approved["version"]}, token_value=token(api.tenant, user="user-3")
    )
    assert [e["extensions"]["code"] for e in again["errors"]] == ["INVALID_TRANSITION"]
    assert await api.error_codes(PROPOSE, {"id": invoice["invoiceId"], "reason": "x"}) == [
        "INVALID_TRANSITION"
    ]
    assert await outbox_types(engine, api.tenant, proposed["writeOffId"]) == ["WriteOffApproved"]
    [published] = (await records_of(services, api.tenant, {WRITE_OFF_TOPIC: 1}))[WRITE_OFF_TOPIC]
    assert published["payload"] == {
        "writeOffId": proposed["writeOffId"],
        "invoiceId": invoice["invoiceId"],
        "customerId": shop["customer"],
        "amount": 194.38,
        "reason": "Went bust",
        "proposedBy": "user-1",
        "approvedBy": "user-2",
        "approvedAt": published["payload"]["approvedAt"],
        "glEntries": [
            {"accountId": "6500-00", "debit": 194.38, "credit": 0.0},
            {"accountId": "1200-00", "debit": 0.0, "credit": 194.38},
        ],
    }
    assert (await api.data(INVOICE, {"id": other["invoiceId"]}))["invoice"]["status"] == "POSTED"
    await assert_the_ledger_holds(api, engine)


async def test_credit_memos_against_an_invoice_and_on_account(
    api: Api, engine: AsyncEngine, services: Services
) -> None:
    shop = await open_shop(api)
    customer = shop["customer"]
    invoice = await posted_invoice(api, shop)
    memo = (
        await api.data(
            ISSUE,
            {
                "c": customer,
                "amount": "94.38",
                "reason": "Pricing adjustment",
                "invoice": invoice["invoiceId"],
            },
        )
    )["issueCreditMemo"]
    assert memo == {
        "creditMemoId": memo["creditMemoId"],
        "invoiceId": invoice["invoiceId"],
        "amount": "94.38",
        "currency": "USD",
        "reason": "Pricing adjustment",
        "issuedBy": "user-1",
        "journal": [
            {
                "entryId": f"{memo['creditMemoId']}-ISSUE",
                "lines": [
                    {"account": "4900", "debit": "94.38", "credit": "0.00"},
                    {"account": "1200", "debit": "0.00", "credit": "94.38"},
                ],
            }
        ],
        "invoice": {"status": "PARTIALLY_PAID", "openBalance": "100.00"},
    }
    await assert_the_ledger_holds(api, engine)
    too_much = {"c": customer, "amount": "100.01", "reason": "x", "invoice": invoice["invoiceId"]}
    assert await api.error_codes(ISSUE, too_much) == ["CREDIT_EXCEEDS_OPEN_BALANCE"]
    assert await api.error_codes(ISSUE, {"c": customer, "amount": "5", "reason": "x"}) == [
        "BAD_USER_INPUT"
    ]
    on_account = (
        await api.data(
            ISSUE, {"c": customer, "amount": "25.00", "reason": "Goodwill", "currency": "USD"}
        )
    )["issueCreditMemo"]
    assert (on_account["invoiceId"], on_account["invoice"]) == (None, None)
    assert await outbox_types(engine, api.tenant, on_account["creditMemoId"]) == [
        "CreditMemoIssued"
    ]
    await assert_the_ledger_holds(api, engine, credits_on_account=Decimal("25.00"))
    rest = {
        "c": customer,
        "amount": "100.00",
        "reason": "Returned",
        "invoice": invoice["invoiceId"],
    }
    settled = (await api.data(ISSUE, rest))["issueCreditMemo"]
    assert settled["invoice"] == {"status": "PAID", "openBalance": "0.00"}
    await assert_the_ledger_holds(api, engine, credits_on_account=Decimal("25.00"))
    published = (await records_of(services, api.tenant, {MEMO_TOPIC: 3}))[MEMO_TOPIC]
    in_issue_order = sorted(published, key=lambda p: p["payload"]["creditMemoId"])
    assert [(p["payload"]["invoiceId"], p["payload"]["amount"]) for p in in_issue_order] == [
        (invoice["invoiceId"], 94.38),
        (None, 25.0),
        (invoice["invoiceId"], 100.0),
    ]
