"""What a service order publishes: live status changes over websockets, the seed's topics."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiokafka import AIOKafkaConsumer

from domain.identity import Permission
from tests.conftest import Api, RunningGateway, Services, token
from tests.e2e.service_order_steps import (
    ASSIGN,
    BILL,
    CANCEL,
    END,
    SCHEDULE,
    START,
    create_order,
    finalized,
    open_shop,
    read,
)
from tests.graphql_ws import Subscriber

WATCH = """subscription($id: ID, $loc: ID) {
  serviceOrderStatusChanged(serviceOrderId: $id, locationId: $loc) {
    cursor serviceOrderId locationId previousStatus newStatus technicianId reason } }"""


async def watch(gateway: RunningGateway, tenant: str, **variables: Any) -> Subscriber:
    subscriber = await Subscriber(gateway.url, token(tenant)).connect()
    await subscriber.acknowledged()
    await subscriber.subscribe(WATCH, variables)
    return subscriber


async def test_a_dispatch_board_sees_its_orders_change_status(
    api: Api, gateway: RunningGateway
) -> None:
    shop = await open_shop(api)
    await api.data(
        'mutation { createLocation(input: {locationId: "LOC-002", name: "South"}) { locationId } }'
    )
    subscriber = await watch(gateway, api.tenant, loc="LOC-001")
    await gateway.subscribed(api.tenant)
    try:
        elsewhere = (await create_order(api, shop, locationId="LOC-002"))["serviceOrderId"]
        await api.data(SCHEDULE, await read(api, {"id": elsewhere, "start": START, "end": END}))
        order_id = (await create_order(api, shop))["serviceOrderId"]
        await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
        await api.data(ASSIGN, await read(api, {"id": order_id, "tech": "TECH-001"}))
        await api.data(CANCEL, await read(api, {"id": order_id, "reason": "Customer away"}))
        # Changes arrive in the order they happened: the other location's would come first.
        changes = [(await subscriber.next_data())["serviceOrderStatusChanged"] for _ in range(3)]
        # Positive control: the board's next change is the next one at its location.
        control = (await create_order(api, shop))["serviceOrderId"]
        await api.data(SCHEDULE, await read(api, {"id": control, "start": START, "end": END}))
        after = (await subscriber.next_data())["serviceOrderStatusChanged"]
    finally:
        await subscriber.close()
    assert (after["serviceOrderId"], after["newStatus"]) == (control, "SCHEDULED")
    assert [(c["serviceOrderId"], c["previousStatus"], c["newStatus"]) for c in changes] == [
        (order_id, "REQUESTED", "SCHEDULED"),
        (order_id, "SCHEDULED", "DISPATCHED"),
        (order_id, "DISPATCHED", "CANCELLED"),
    ]
    assert changes[1]["technicianId"] == "TECH-001"
    assert changes[2]["reason"] == "Customer away"
    assert {c["locationId"] for c in changes} == {"LOC-001"}


async def test_one_order_can_be_watched_and_needs_the_read_permission(
    api: Api, gateway: RunningGateway
) -> None:
    shop = await open_shop(api)
    first = (await create_order(api, shop))["serviceOrderId"]
    second = (await create_order(api, shop))["serviceOrderId"]
    subscriber = await watch(gateway, api.tenant, id=second)
    refused = await Subscriber(gateway.url, token(api.tenant, [Permission.EVENTS_READ])).connect()
    try:
        await api.data(SCHEDULE, await read(api, {"id": first, "start": START, "end": END}))
        await api.data(SCHEDULE, await read(api, {"id": second, "start": START, "end": END}))
        change = (await subscriber.next_data())["serviceOrderStatusChanged"]
        assert (change["serviceOrderId"], change["newStatus"]) == (second, "SCHEDULED")
        await refused.acknowledged()
        await refused.subscribe(WATCH, {})
        message = await refused.receive()
        assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        await subscriber.close()
        await refused.close()


async def records_of(services: Services, tenant: str, topics: dict[str, int]) -> dict[str, list]:
    """The values published for `tenant`, once each topic has at least its count."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: dict[str, list] = {topic: [] for topic in topics}
    try:
        async with asyncio.timeout(30):
            while any(len(found[t]) < n for t, n in topics.items()):
                for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                    for record in records:
                        headers = dict(record.headers)
                        if headers.get("tenant-id") == tenant.encode():
                            found[partition.topic].append(json.loads(record.value))
    finally:
        await consumer.stop()
    return found


async def test_the_seed_events_are_published_on_the_seed_topics(
    api: Api, services: Services
) -> None:
    shop = await open_shop(api)
    order_id = await finalized(api, shop)
    await api.data(BILL, await read(api, {"id": order_id}))

    found = await records_of(
        services,
        api.tenant,
        {
            "crm.serviceorders.created": 1,
            "crm.serviceorders.scheduled": 1,
            "crm.serviceorders.completed": 1,
            "crm.serviceorders.billed": 1,
            "workexec.workorder.status_changed": 5,
            "workexec.workorder.work_session_recorded": 1,
            "workexec.workorder.parts_usage_recorded": 1,
            "workexec.workorder.ready_for_billing": 1,
            "workexec.workorder.snapshot_finalized": 1,
            "finance.ar.invoice.posted": 1,
        },
    )

    [created] = found["crm.serviceorders.created"]
    assert (created["eventType"], created["aggregateId"], created["tenantId"]) == (
        "ServiceOrderCreatedEvent",
        order_id,
        api.tenant,
    )
    assert created["payload"] == {
        "serviceOrderId": order_id,
        "customerId": shop["customer"],
        "priority": "HIGH",
        "status": "REQUESTED",
    }
    [billed] = found["crm.serviceorders.billed"]
    assert billed["payload"] == {
        "serviceOrderId": order_id,
        "customerId": shop["customer"],
        "amount": 453.58,
        "currency": "USD",
    }
    [invoice] = found["finance.ar.invoice.posted"]
    assert invoice["eventType"] == "InvoicePostedEvent"
    assert invoice["payload"]["customerId"] == shop["customer"]
    assert invoice["payload"]["invoiceNumber"].endswith("-000001")
    assert (invoice["payload"]["totalAmount"], invoice["payload"]["taxAmount"]) == (453.58, 33.60)
    assert invoice["payload"]["glEntries"] == [
        {"accountId": "1200-00", "debit": 453.58, "credit": 0.00},
        {"accountId": "4100-00", "debit": 0.00, "credit": 419.98},
        {"accountId": "2100-00", "debit": 0.00, "credit": 33.60},
    ]
    [session] = found["workexec.workorder.work_session_recorded"]
    assert (session["specversion"], session["subject"]) == ("1.0", f"{order_id}|WS-001")
    assert session["data"]["billableMinutes"] == 240
    moves = [
        (
            e["data"]["previousStatus"],
            e["data"]["newStatus"],
            e["data"]["appointmentId"],
            e["data"]["statusChangedBy"],
            e["data"]["metadata"]["estimatedCompletionTime"],
        )
        for e in found["workexec.workorder.status_changed"]
    ]
    visit_ends = "2026-01-25T12:30:00Z"
    assert moves == [
        ("REQUESTED", "SCHEDULED", "APT-001", "user-1", visit_ends),
        ("SCHEDULED", "ASSIGNED", "APT-001", "user-1", visit_ends),
        ("ASSIGNED", "WORK_IN_PROGRESS", "APT-001", "user-1", visit_ends),
        ("WORK_IN_PROGRESS", "COMPLETED", "APT-001", "user-1", None),
        ("COMPLETED", "BILLED", "APT-001", "user-1", None),
    ]
    [ready] = found["workexec.workorder.ready_for_billing"]
    assert ready["data"]["billableSnapshot"]["grandTotal"] == 453.58
    [usage] = found["workexec.workorder.parts_usage_recorded"]
    assert [p["sku"] for p in usage["data"]["parts"]] == ["BRK-PAD-F"]
