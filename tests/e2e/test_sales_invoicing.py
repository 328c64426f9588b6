"""Invoices from other systems' events, over HTTP and the real broker: an order fulfilled
through the gateway ends as a posted invoice (`SalesOrder.invoice`) with nobody re-keying
it, a replayed or re-sent fulfilment invoices nothing twice, a malformed one and one the
tax rules refuse are dead-lettered with their codes; a contract renewal bills its period
once."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from tests.conftest import Api, Services
from tests.e2e.test_sales_orders import COMPLETE, PROCESS, START

FULFILLED = "sales.order.fulfilled"
RENEWAL = "contracts.renewal"
SHOP = """mutation {
  createPart(input: {productId: "PART-1", sku: "OIL-1", name: "Oil", unitPrice: "9.00",
                     taxCode: "TAXABLE_GOODS"}) { productId }
  createLocation(input: {locationId: "LOC-A", name: "Main"}) { locationId }
  createCustomer(input: {customerId: "CUST-1", name: "Fleet Co"}) { version }
}"""
TAXED = """mutation {
  goods: upsertTaxCode(input: {locationId: "LOC-A", taxCode: "TAXABLE_GOODS",
    description: "8%", rate: "0.08", applicableItemTypes: [PART]}) { taxCode }
  services: upsertTaxCode(input: {locationId: "LOC-A", taxCode: "TAXABLE_SERVICES",
    description: "5%", rate: "0.05", applicableItemTypes: [SERVICE]}) { taxCode }
  receiveStock(input: {sku: "OIL-1", locationId: "LOC-A", quantity: "10", unitCost: "4.50"}) {
    level { onHand } }
}"""
INVOICE = """invoiceId invoiceNumber status salesOrderId contractId billingPeriodStart
  billingPeriodEnd subtotal taxAmount totalAmount openBalance postingDate dueDate note
  createdBy postedBy
  lines { lineNo description itemType quantity unitPrice taxCode netAmount taxAmount }
  journal { lines { account debit credit } }"""
ORDER_INVOICE = f"""query($id: ID!) {{ salesOrder(orderId: $id) {{
  invoice {{ {INVOICE} salesOrder {{ orderId status }} customer {{ name }} }} }} }}"""
INVOICES = """{ invoices(filter: {customerId: "CUST-1"}) {
  items { invoiceId invoiceNumber salesOrderId contractId billingPeriodStart totalAmount }
  totalCount } }"""


async def open_shop(api: Api) -> None:
    await api.data(SHOP)
    await api.data(TAXED)


async def fulfilled_order(api: Api, quantity: str) -> str:
    lines = [{"sku": "OIL-1", "locationId": "LOC-A", "quantity": quantity}]
    taken = (await api.data(PROCESS, {"customer": "CUST-1", "lines": lines}))["processOrder"]
    order_id, version = taken["orderId"], taken["order"]["version"]
    started = (await api.data(START, {"id": order_id, "v": version}))["startOrderFulfillment"]
    await api.data(COMPLETE, {"id": order_id, "v": started["version"]})
    return order_id


async def invoice_of(api: Api, order_id: str) -> dict[str, Any]:
    """The order's invoice, once accounts receivable has posted it."""
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(ORDER_INVOICE, {"id": order_id}))["salesOrder"]["invoice"]
            if found is not None:
                return found
            await asyncio.sleep(0.1)


async def invoices_once(api: Api, count: int) -> dict[str, Any]:
    """The invoices once `count` are there. The page and its `totalCount` are read by two
    statements, so an invoice committed between them is counted but not yet listed:
    wait until both show it."""
    async with asyncio.timeout(30):
        while True:
            found = (await api.data(INVOICES))["invoices"]
            if found["totalCount"] >= count and len(found["items"]) >= count:
                return found
            await asyncio.sleep(0.1)


async def records(services: Services, topic: str, tenant: str, count: int) -> list[ConsumerRecord]:
    """The first `count` records of `tenant` on `topic` (by header, else by envelope)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < count:
                batches = await consumer.getmany(timeout_ms=500)
                found += [r for rs in batches.values() for r in rs if _tenant_of(r) == tenant]
    finally:
        await consumer.stop()
    return found


def _tenant_of(record: ConsumerRecord) -> str | None:
    named = dict(record.headers).get("tenant-id")
    if named is not None:
        return named.decode()
    try:
        return json.loads(record.value).get("tenantId")
    except ValueError:
        return record.key.decode() if record.key else None


async def send(producer: AIOKafkaProducer, topic: str, key: str, event: dict | bytes) -> None:
    raw = event if isinstance(event, bytes) else json.dumps(event).encode()
    await producer.send_and_wait(topic, raw, key=key.encode())


def fulfilment(tenant: str, order_id: str, product_id: str = "PART-1") -> dict[str, Any]:
    return {
        "eventType": "SalesOrderFulfilledEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-03-02T09:30:00Z",
        "aggregateId": order_id,
        "tenantId": tenant,
        "payload": {
            "orderId": order_id,
            "customerId": "CUST-1",
            "fulfillmentId": f"{order_id}-F1",
            "lines": [
                {
                    "lineNumber": 1,
                    "productId": product_id,
                    "sku": "OIL-1",
                    "locationId": "LOC-A",
                    "quantity": 2,
                    "unitPrice": 9.00,
                    "lineTotal": 18.00,
                    "reservationId": f"{order_id}-L1",
                }
            ],
            "totalAmount": 18.00,
            "currency": "USD",
            "fulfilledAt": "2026-03-02T09:30:00Z",
            "fulfilledBy": "picker-1",
        },
    }


def renewal(tenant: str, start: str, end: str, at: str) -> dict[str, Any]:
    return {
        "eventType": "ContractRenewalEvent",
        "eventId": str(uuid.uuid4()),
        "timestamp": at,
        "aggregateId": "CTR-7",
        "tenantId": tenant,
        "payload": {
            "contractId": "CTR-7",
            "customerId": "CUST-1",
            "locationId": "LOC-A",
            "periodStart": start,
            "periodEnd": end,
            "currency": "USD",
            "items": [
                {
                    "description": "Fleet maintenance plan",
                    "itemType": "SERVICE",
                    "quantity": 1,
                    "unitPrice": 199.00,
                    "taxCode": "TAXABLE_SERVICES",
                }
            ],
        },
    }


async def test_an_order_fulfilled_through_the_gateway_ends_as_a_posted_invoice(
    api: Api,
) -> None:
    await open_shop(api)

    order_id = await fulfilled_order(api, "3")
    invoice = await invoice_of(api, order_id)

    today = datetime.now(UTC).date()
    assert invoice == {
        "invoiceId": invoice["invoiceId"],
        "invoiceNumber": f"INV-{today.year}-000001",
        "status": "POSTED",
        "salesOrderId": order_id,
        "contractId": None,
        "billingPeriodStart": None,
        "billingPeriodEnd": None,
        "subtotal": "27.00",
        "taxAmount": "2.16",
        "totalAmount": "29.16",
        "openBalance": "29.16",
        "postingDate": today.isoformat(),
        "dueDate": (today + timedelta(days=30)).isoformat(),
        "note": None,
        "createdBy": "sales",
        "postedBy": "sales",
        "lines": [
            {
                "lineNo": 1,
                "description": f"OIL-1 (order {order_id}, line 1)",
                "itemType": "PART",
                "quantity": "3.0000",
                "unitPrice": "9.00",
                "taxCode": "TAXABLE_GOODS",
                "netAmount": "27.00",
                "taxAmount": "2.16",
            }
        ],
        "journal": [
            {
                "lines": [
                    {"account": "1200", "debit": "29.16", "credit": "0.00"},
                    {"account": "4000", "debit": "0.00", "credit": "27.00"},
                    {"account": "2100", "debit": "0.00", "credit": "2.16"},
                ]
            }
        ],
        "salesOrder": {"orderId": order_id, "status": "FULFILLMENT_IN_PROGRESS"},
        "customer": {"name": "Fleet Co"},
    }


async def test_a_replayed_fulfilment_invoices_nothing_twice(
    api: Api, producer: AIOKafkaProducer, services: Services
) -> None:
    await open_shop(api)
    order_id = await fulfilled_order(api, "2")
    first = await invoice_of(api, order_id)
    [published] = await records(services, FULFILLED, api.tenant, 1)

    for _ in range(2):
        await producer.send_and_wait(
            FULFILLED, published.value, key=published.key, headers=list(published.headers)
        )
    resent = {**json.loads(published.value), "eventId": str(uuid.uuid4())}
    await send(producer, FULFILLED, order_id, resent)
    # One key, one partition: once this last one is invoiced, the others have had their turn.
    await send(producer, FULFILLED, order_id, fulfilment(api.tenant, "SO-900"))

    found = await invoices_once(api, 2)

    assert found["totalCount"] == 2
    numbers = {i["salesOrderId"]: i["invoiceNumber"] for i in found["items"]}
    assert sorted(numbers) == [order_id, "SO-900"]
    assert numbers[order_id] == first["invoiceNumber"]
    assert await invoice_of(api, order_id) == first


async def test_a_malformed_fulfilment_and_one_the_tax_rules_refuse_are_dead_lettered(
    api: Api, producer: AIOKafkaProducer, services: Services
) -> None:
    await open_shop(api)
    broken = fulfilment(api.tenant, "SO-901")
    del broken["payload"]["lines"]
    await send(producer, FULFILLED, "SO-901", broken)
    await send(producer, FULFILLED, "SO-902", fulfilment(api.tenant, "SO-902", "PART-NONE"))

    found = [
        {k: v.decode() for k, v in r.headers}
        for r in await records(services, f"{FULFILLED}.dlq", api.tenant, 2)
    ]

    assert sorted((h["dlq-reason"], h["dlq-error-code"]) for h in found) == [
        ("handler-failed", "MISSING_TAX_CODE"),
        ("malformed", "MALFORMED_EVENT"),
    ]
    assert (await api.data(INVOICES))["invoices"]["totalCount"] == 0


async def test_a_contract_renewal_bills_its_period_once(
    api: Api, producer: AIOKafkaProducer
) -> None:
    await open_shop(api)
    march = renewal(api.tenant, "2026-03-01", "2026-03-31", "2026-03-01T00:00:00Z")
    for event in (march, march, {**march, "eventId": str(uuid.uuid4())}):
        await send(producer, RENEWAL, "CTR-7", event)
    await send(
        producer,
        RENEWAL,
        "CTR-7",
        renewal(api.tenant, "2026-04-01", "2026-04-30", "2026-04-01T00:00:00Z"),
    )

    found = await invoices_once(api, 2)

    assert found["totalCount"] == 2
    assert sorted(
        (i["contractId"], i["billingPeriodStart"], i["invoiceNumber"], i["totalAmount"])
        for i in found["items"]
    ) == [
        ("CTR-7", "2026-03-01", "INV-2026-000001", "208.95"),
        ("CTR-7", "2026-04-01", "INV-2026-000002", "208.95"),
    ]
    march_invoice = next(i for i in found["items"] if i["billingPeriodStart"] == "2026-03-01")
    read = await api.data(
        f"query($id: ID!) {{ invoice(id: $id) {{ {INVOICE} }} }}",
        {"id": march_invoice["invoiceId"]},
    )
    assert {
        k: read["invoice"][k]
        for k in ("billingPeriodEnd", "postingDate", "dueDate", "note", "createdBy", "lines")
    } == {
        "billingPeriodEnd": "2026-03-31",
        "postingDate": "2026-03-01",
        "dueDate": "2026-03-31",
        "note": "Contract CTR-7, period 2026-03-01 to 2026-03-31.",
        "createdBy": "contracts",
        "lines": [
            {
                "lineNo": 1,
                "description": "Fleet maintenance plan",
                "itemType": "SERVICE",
                "quantity": "1.0000",
                "unitPrice": "199.00",
                "taxCode": "TAXABLE_SERVICES",
                "netAmount": "199.00",
                "taxAmount": "9.95",
            }
        ],
    }


SET_LOCATION_ACCOUNT = """mutation {
  setLocationGlAccount(locationId: "LOC-A", role: REVENUE, number: "4000-01",
                       name: "Revenue, Main") { role number source } }"""
LOCATION_ACCOUNTS = """query($id: ID!) { locationGlAccounts(locationId: $id) {
  role number name source } }"""


async def test_an_order_at_a_location_with_its_own_revenue_account_posts_to_it(
    api: Api,
) -> None:
    await open_shop(api)
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-B", name: "North"}) { locationId } }'
    )
    placed = (await api.data(SET_LOCATION_ACCOUNT))["setLocationGlAccount"]
    assert {"role": "REVENUE", "number": "4000-01", "source": "LOCATION"} in placed

    invoice = await invoice_of(api, await fulfilled_order(api, "1"))

    assert [line["account"] for line in invoice["journal"][0]["lines"]] == [
        "1200",
        "4000-01",
        "2100",
    ]
    north = (await api.data(LOCATION_ACCOUNTS, {"id": "LOC-B"}))["locationGlAccounts"]
    assert {"role": "REVENUE", "number": None, "name": None, "source": "NOT_CONFIGURED"} in north
    assert {
        "role": "RECEIVABLES",
        "number": "1200",
        "name": "Accounts Receivable",
        "source": "DEFAULT",
    } in north
    unknown = await api(LOCATION_ACCOUNTS, {"id": "LOC-404"})
    assert unknown["errors"][0]["extensions"]["code"] == "LOCATION_NOT_FOUND"
