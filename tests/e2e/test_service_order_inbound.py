"""Dispatch, Inventory and Contracts telling the gateway about orders, over the real broker.

Records carry the test's tenant as key, so one test's events share a partition and are
applied in the order sent; each test waits for the effect through the API.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.conftest import Api, Services
from tests.e2e.service_order_steps import (
    END,
    GET,
    SCHEDULE,
    START,
    create_order,
    in_progress,
    open_shop,
    read,
)

ASSIGNED = ("dispatch.technician.assigned", "TechnicianAssignedEvent")
CONSUMED = ("inventory.parts.consumed", "PartsConsumedEvent")
VALIDATED = ("contracts.entitlement.validated", "ContractEntitlementValidatedEvent")


def envelope(kind: tuple[str, str], tenant: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventType": kind[1],
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-02-03T09:30:00Z",
        "aggregateId": payload["serviceOrderId"],
        "tenantId": tenant,
        "payload": payload,
    }


async def send(producer: AIOKafkaProducer, kind: tuple[str, str], event: dict[str, Any]) -> None:
    await producer.send_and_wait(
        kind[0], json.dumps(event).encode(), key=event["tenantId"].encode()
    )


async def order_once(
    api: Api, order_id: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            order = (await api.data(GET, {"id": order_id}))["serviceOrder"]
            if ready(order):
                return order
            await asyncio.sleep(0.1)


async def test_a_technician_assigned_by_dispatch_dispatches_the_order_once(
    api: Api, producer: AIOKafkaProducer
) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    await api.data(SCHEDULE, await read(api, {"id": order_id, "start": START, "end": END}))
    event = envelope(ASSIGNED, api.tenant, {"serviceOrderId": order_id, "technicianId": "TECH-7"})
    await send(producer, ASSIGNED, event)
    await send(producer, ASSIGNED, event)
    again = {**event, "eventId": str(uuid.uuid4())}
    await send(producer, ASSIGNED, again)
    last = envelope(ASSIGNED, api.tenant, {"serviceOrderId": order_id, "technicianId": "TECH-8"})
    await send(producer, ASSIGNED, last)

    order = await order_once(api, order_id, lambda o: o["technicianId"] == "TECH-8")

    assert order["status"] == "DISPATCHED"
    # created 1, scheduled 2, TECH-7 3, TECH-8 4: the redelivered event (same id) and
    # TECH-7 re-sent with a new id changed nothing, so they saved nothing
    assert order["version"] == 4


async def test_parts_consumed_are_attached_and_a_resent_event_adds_nothing(
    api: Api, producer: AIOKafkaProducer
) -> None:
    shop = await open_shop(api)
    order_id = await in_progress(api, shop)
    line = {
        "workorderPartId": "WOP-INV-1",
        "productId": "PROD-BRAKE-PAD",
        "sku": "BRK-PAD-F",
        "quantity": 2,
        "unitPrice": "89.99",
        "taxCode": "TAXABLE_GOODS",
    }
    first = envelope(CONSUMED, api.tenant, {"serviceOrderId": order_id, "parts": [line]})
    second = envelope(
        CONSUMED,
        api.tenant,
        {"serviceOrderId": order_id, "parts": [line, {**line, "workorderPartId": "WOP-INV-2"}]},
    )
    for event in (first, first, second):
        await send(producer, CONSUMED, event)

    # Applied in the order sent (one key, one partition): once the last event shows, the
    # resent first one has had its turn before it.
    order = await order_once(api, order_id, lambda o: len(o["parts"]) >= 2)

    assert [(p["workorderPartId"], p["lineTotal"]) for p in order["parts"]] == [
        ("WOP-INV-1", "179.98"),
        ("WOP-INV-2", "179.98"),
    ]


async def test_a_contract_entitlement_marks_the_order_covered(
    api: Api, producer: AIOKafkaProducer
) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    event = envelope(VALIDATED, api.tenant, {"serviceOrderId": order_id, "contractId": "CTR-9"})
    await send(producer, VALIDATED, event)
    await send(producer, VALIDATED, event)

    order = await order_once(api, order_id, lambda o: o["coveredByContract"])

    assert (order["contractId"], order["status"], order["version"]) == ("CTR-9", "REQUESTED", 2)


async def test_an_event_for_an_unknown_order_is_dead_lettered_with_the_reason(
    api: Api, producer: AIOKafkaProducer, services: Services
) -> None:
    event = envelope(VALIDATED, api.tenant, {"serviceOrderId": "SO-404", "contractId": "CTR-1"})
    await send(producer, VALIDATED, event)
    consumer = AIOKafkaConsumer(
        f"{VALIDATED[0]}.dlq",
        bootstrap_servers=services.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(40):
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                mine = [r for rs in batches.values() for r in rs if r.key == api.tenant.encode()]
                if mine:
                    break
    finally:
        await consumer.stop()
    headers = {key: value.decode() for key, value in mine[0].headers}
    assert headers["dlq-error-code"] == "SERVICE_ORDER_NOT_FOUND"


APPOINTMENT = """query($id: ID!) { serviceOrder(id: $id) { version
  appointment { appointmentId status scheduledStart scheduledEnd reason updatedAt } } }"""


def appointment_update(
    tenant: str, order_id: str, status: str, at: str, **data: Any
) -> dict[str, Any]:
    """ShopMgmt's CloudEvent answering a status_changed (the gateway's contract)."""
    return {
        "specversion": "1.0",
        "type": "com.durion.shopmgmt.appointment.updated",
        "source": "https://durion.platform/shopmgmt",
        "id": str(uuid.uuid4()),
        "time": at,
        "subject": "APT-001",
        "tenantid": tenant,
        "datacontenttype": "application/json",
        "data": {"appointmentId": "APT-001", "workorderId": order_id, "status": status, **data},
    }


async def appointment_once(api: Api, order_id: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            order = (await api.data(APPOINTMENT, {"id": order_id}))["serviceOrder"]
            if order["appointment"] is not None:
                return order
            await asyncio.sleep(0.1)


async def test_shopmgmts_appointment_updates_are_shown_on_the_order_latest_first(
    api: Api, producer: AIOKafkaProducer
) -> None:
    shop = await open_shop(api)
    order_id = (await create_order(api, shop))["serviceOrderId"]
    tracer_id = (await create_order(api, shop))["serviceOrderId"]
    version = (await api.data(APPOINTMENT, {"id": order_id}))["serviceOrder"]["version"]
    sent = [
        appointment_update(api.tenant, "SO-NOWHERE", "CONFIRMED", "2026-02-03T09:00:00Z"),
        appointment_update(
            api.tenant,
            order_id,
            "IN_PROGRESS",
            "2026-02-03T10:05:00Z",
            scheduledStart="2026-02-03T10:00:00Z",
            scheduledEnd="2026-02-03T12:00:00Z",
        ),
        # older than the report before it: arrives late and changes nothing
        appointment_update(api.tenant, order_id, "CONFIRMED", "2026-02-03T09:00:00Z"),
        appointment_update(api.tenant, tracer_id, "CONFIRMED", "2026-02-03T09:00:00Z"),
    ]
    for event in sent:  # one key, one partition: applied in this order
        await producer.send_and_wait(
            "shopmgmt.appointment.updated", json.dumps(event).encode(), key=api.tenant.encode()
        )

    await appointment_once(api, tracer_id)
    order = (await api.data(APPOINTMENT, {"id": order_id}))["serviceOrder"]
    assert order == {
        "version": version,  # a report is no change of the order's
        "appointment": {
            "appointmentId": "APT-001",
            "status": "IN_PROGRESS",
            "scheduledStart": "2026-02-03T10:00:00+00:00",
            "scheduledEnd": "2026-02-03T12:00:00+00:00",
            "reason": None,
            "updatedAt": "2026-02-03T10:05:00+00:00",
        },
    }
