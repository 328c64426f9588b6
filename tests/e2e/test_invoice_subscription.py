"""`invoiceStatusChanged` over a real websocket, fed by the outbox, Kafka and the hub."""

from __future__ import annotations

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, token
from tests.e2e.service_order_steps import open_shop
from tests.e2e.test_invoices_api import CANCEL, PADS, POST, draft
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
