"""`invoiceStatusChanged` over a real websocket, fed by the outbox, Kafka and the hub:
an invoice's own posting and cancelling, and the money that moves it (a payment, its
reversal, a credit memo, a write-off)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, token
from tests.e2e.ledger_checks import assert_the_ledger_holds
from tests.e2e.service_order_steps import open_shop
from tests.e2e.test_invoices_api import CANCEL, PADS, POST, draft
from tests.e2e.test_payments_api import RECORD, REVERSE, ar_shop, payment_input, posted_invoice
from tests.e2e.test_write_offs_and_credit_memos import APPROVE, ISSUE, PROPOSE
from tests.graphql_ws import Subscriber

WATCH = """subscription($invoiceId: ID, $customerId: ID) {
  invoiceStatusChanged(invoiceId: $invoiceId, customerId: $customerId) {
    invoiceId customerId previousStatus newStatus invoiceNumber totalAmount reason
  }
}"""


async def watch(
    gateway: RunningGateway, tenant: str, permissions: list[str], **variables: str
) -> Subscriber:
    subscriber = await Subscriber(gateway.url, token(tenant, permissions)).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(WATCH, variables)
    return subscriber


async def test_a_finance_dashboard_sees_invoices_posted_and_cancelled(
    api: Api, gateway: RunningGateway
) -> None:
    shop = await open_shop(api)
    invoice = await draft(api, shop, PADS)
    dashboard = await watch(gateway, api.tenant, [Permission.INVOICE_READ])
    other_customer = await watch(
        gateway, api.tenant, [Permission.INVOICE_READ], customerId="CUST-404"
    )
    await gateway.subscribed(api.tenant, 2)
    try:
        posted = (await api.data(POST, {"id": invoice["invoiceId"], "version": 1}))["postInvoice"]
        await api.data(CANCEL, {"id": invoice["invoiceId"], "version": 2, "reason": "Typo"})
        seen = [(await dashboard.next_data())["invoiceStatusChanged"] for _ in range(2)]
        await other_customer.nothing_for(0.5)
    finally:
        for subscriber in (dashboard, other_customer):
            await subscriber.close()
    about = {"invoiceId": invoice["invoiceId"], "customerId": shop["customer"]}
    assert seen == [
        {
            **about,
            "previousStatus": "DRAFT",
            "newStatus": "POSTED",
            "invoiceNumber": posted["invoiceNumber"],
            "totalAmount": "194.38",
            "reason": None,
        },
        {
            **about,
            "previousStatus": "POSTED",
            "newStatus": "CANCELLED",
            "invoiceNumber": None,
            "totalAmount": None,
            "reason": "Typo",
        },
    ]


MOVED = """subscription($invoiceId: ID) { invoiceStatusChanged(invoiceId: $invoiceId) {
  eventType invoiceId previousStatus newStatus openBalance } }"""


async def test_a_payment_its_reversal_a_credit_memo_and_a_write_off_move_the_invoice(
    api: Api, gateway: RunningGateway, engine: AsyncEngine
) -> None:
    [customer] = await ar_shop(api)
    owed = await posted_invoice(api, customer, "100.00")
    other = await posted_invoice(api, customer, "40.00")
    # The invoices' postings are not among the moves this dashboard is to see.
    await gateway.caught_up(api.tenant)
    dashboard = await Subscriber(
        gateway.url, token(api.tenant, [Permission.INVOICE_READ])
    ).connect()
    await dashboard.acknowledged()
    await dashboard.subscribe(MOVED, {"invoiceId": owed["invoiceId"]})
    await gateway.subscribed(api.tenant, 1)

    async def next_move() -> tuple[str, str, str, str]:
        seen = (await dashboard.next_data())["invoiceStatusChanged"]
        assert seen["invoiceId"] == owed["invoiceId"]
        return seen["eventType"], seen["previousStatus"], seen["newStatus"], seen["openBalance"]

    try:
        both = (owed["invoiceId"], "60.00"), (other["invoiceId"], "40.00")
        paid = (await api.data(RECORD, payment_input(customer, "100.00", *both)))["recordPayment"]
        moves = [await next_move()]
        back = {"id": paid["paymentId"], "version": paid["version"], "reason": "Bounced"}
        await api.data(REVERSE, back)
        moves.append(await next_move())
        memo = {
            "c": customer,
            "amount": "30.00",
            "reason": "Goodwill",
            "invoice": owed["invoiceId"],
        }
        await api.data(ISSUE, memo)
        moves.append(await next_move())
        proposed = (await api.data(PROPOSE, {"id": owed["invoiceId"], "reason": "Went bust"}))[
            "proposeWriteOff"
        ]
        approve = {"id": proposed["writeOffId"], "v": proposed["version"]}
        await api(APPROVE, approve, token_value=token(api.tenant, user="user-2"))
        moves.append(await next_move())
        await dashboard.nothing_for(0.5)
    finally:
        await dashboard.close()
    # Each notice says what the invoice was before the money moved it.
    assert moves == [
        ("PaymentReceivedEvent", "POSTED", "PARTIALLY_PAID", "40.00"),
        ("PaymentReversedEvent", "PARTIALLY_PAID", "POSTED", "100.00"),
        ("CreditMemoIssuedEvent", "POSTED", "PARTIALLY_PAID", "70.00"),
        ("WriteOffApprovedEvent", "PARTIALLY_PAID", "WRITTEN_OFF", "0.00"),
    ]
    assert await assert_the_ledger_holds(api, engine) == Decimal("40.00")
