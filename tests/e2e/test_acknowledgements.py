"""Seed 001's fail-closed links over the real broker: an order waits for People, Order and
Accounting, goes on when their events arrive (once, whatever is replayed), raises an
alert when one is late, and one gateway playing every side works end to end.

The waiting orders are changed through a gateway whose three sides are external (its
inbound consumer off); the session's gateway, on the same database and broker, is the
one consuming the acknowledgements, as any replica of the shared inbound group would.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import SystemClock
from gateway.acknowledgement_sweeper import AcknowledgementSweeper
from tests.conftest import Api, RunningGateway, Services, settings_for
from tests.e2e.service_order_steps import (
    BILL,
    COMPLETE,
    FINALIZE,
    RECORD_SESSION,
    completed,
    in_progress,
    open_shop,
    read,
    session,
)

PEOPLE = ("people.work_session.completed", "com.durion.people.work_session.completed")
ORDER = ("order.sales_order.created", "com.durion.order.sales_order.created")
ACCOUNTING = ("accounting.revenue.recorded", "com.durion.accounting.revenue.recorded")
OVERDUE = "workexec.workorder.acknowledgement_overdue"
DASHBOARD = """{ operationsDashboard(locationId: "LOC-001") { locations {
  awaitingAcknowledgement overdueAcknowledgement } } }"""
AWAITED = """query($id: ID!) { serviceOrder(id: $id) { status version
  workSessions { workSessionId confirmed confirmedAt }
  awaiting { system event reference }
  acknowledgements { system reference acknowledgedAt acknowledgedAs overdueAt awaiting } } }"""


@pytest.fixture(scope="module")
async def external_gateway(services: Services, database_url: str) -> AsyncIterator[str]:
    settings = settings_for(
        services,
        inbound_enabled=False,
        people_side="external",
        order_side="external",
        accounting_side="external",
        acknowledgement_sweep_seconds=0,
    )
    async with RunningGateway(settings) as running:
        yield running.url


@pytest.fixture
async def waiting(
    external_gateway: str, gateway: RunningGateway, tenant: str
) -> AsyncIterator[Api]:
    """A client of the gateway that waits for the other systems (the session's `gateway`
    consumes their events)."""
    async with httpx.AsyncClient(base_url=external_gateway, timeout=30) as http:
        yield Api(http, tenant)


def acknowledgement(
    kind: tuple[str, str], tenant: str, subject: str, data: dict[str, Any], **attributes: Any
) -> dict[str, Any]:
    """The CloudEvent People, Order or Accounting sends (docs/acknowledgements.md)."""
    domain = kind[1].split(".")[2]
    return {
        "specversion": "1.0",
        "type": kind[1],
        "source": f"https://durion.platform/{domain}",
        "id": str(uuid.uuid4()),
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "subject": subject,
        "tenantid": tenant,
        "data": data,
        **attributes,
    }


def people_confirm(tenant: str, order_id: str, session_id: str) -> dict[str, Any]:
    data = {"workSessionId": session_id, "workorderId": order_id, "personId": "TECH-001"}
    return acknowledgement(PEOPLE, tenant, session_id, {**data, "status": "COMPLETED"})


def sales_order(tenant: str, order_id: str, snapshot_id: str) -> dict[str, Any]:
    data = {
        "salesOrderId": "ORD-77",
        "workorderId": order_id,
        "workorderSnapshotId": snapshot_id,
        "customerId": "CUST-001",
        "status": "PENDING",
    }
    return acknowledgement(ORDER, tenant, "ORD-77", data)


def revenue(tenant: str, order_id: str, snapshot_id: str) -> dict[str, Any]:
    data = {
        "revenueRecordId": "REV-9",
        "workorderId": order_id,
        "workorderSnapshotId": snapshot_id,
        "amount": 453.58,
    }
    return acknowledgement(ACCOUNTING, tenant, "REV-9", data)


async def send(
    producer: AIOKafkaProducer, kind: tuple[str, str], tenant: str, event: dict[str, Any] | bytes
) -> None:
    value = event if isinstance(event, bytes) else json.dumps(event).encode()
    await producer.send_and_wait(kind[0], value, key=tenant.encode())


async def order_once(
    api: Api, order_id: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            order = (await api.data(AWAITED, {"id": order_id}))["serviceOrder"]
            if ready(order):
                return order
            await asyncio.sleep(0.1)


async def refusal(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await api(query, await read(api, variables))
    [error] = body["errors"]
    return error["extensions"]


async def records_of(
    services: Services, topic: str, wanted: Callable[[dict[str, Any]], bool], count: int
) -> list[dict[str, Any]]:
    """The first `count` CloudEvents on `topic` that `wanted` picks."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < count:
                batches = await consumer.getmany(timeout_ms=500)
                events = [json.loads(r.value) for rs in batches.values() for r in rs]
                found += [event for event in events if wanted(event)]
    finally:
        await consumer.stop()
    return found


async def dead_letters(services: Services, topic: str, tenant: str) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(
        f"{topic}.dlq", bootstrap_servers=services.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(30):
            while not found:
                batches = await consumer.getmany(timeout_ms=500)
                found += [r for rs in batches.values() for r in rs if r.key == tenant.encode()]
    finally:
        await consumer.stop()
    return found


async def test_a_waiting_order_is_finalized_and_billed_only_after_each_acknowledgement(
    waiting: Api, producer: AIOKafkaProducer
) -> None:
    tenant = waiting.tenant
    order_id = await completed(waiting, await open_shop(waiting))
    finalize = {"id": order_id, "rate": "60.00", "code": "LABOR_TAX"}

    assert await refusal(waiting, FINALIZE, finalize) == {
        "code": "AWAITING_ACKNOWLEDGEMENT",
        "field": "serviceOrderId",
        "awaitedSystem": "PEOPLE",
        "awaitedEvent": "com.durion.people.work_session.completed",
        "reference": "WS-001",
    }
    before = (await waiting.data(AWAITED, {"id": order_id}))["serviceOrder"]
    assert before["workSessions"] == [
        {"workSessionId": "WS-001", "confirmed": False, "confirmedAt": None}
    ]
    confirmation = people_confirm(tenant, order_id, "WS-001")
    await send(producer, PEOPLE, tenant, confirmation)
    after = await order_once(waiting, order_id, lambda o: not o["awaiting"])
    assert after["workSessions"] == [
        {
            "workSessionId": "WS-001",
            "confirmed": True,
            "confirmedAt": datetime.fromisoformat(confirmation["time"]).isoformat(),
        }
    ]

    done = (await waiting.data(FINALIZE, await read(waiting, finalize)))["finalizeServiceOrder"]
    snapshot_id = done["billableSnapshot"]["workorderSnapshotId"]
    awaited = (await waiting.data(AWAITED, {"id": order_id}))["serviceOrder"]["awaiting"]
    assert awaited == [
        {"system": "ORDER", "event": ORDER[1], "reference": snapshot_id},
        {"system": "ACCOUNTING", "event": ACCOUNTING[1], "reference": snapshot_id},
    ]
    assert (await refusal(waiting, BILL, {"id": order_id}))["awaitedSystem"] == "ORDER"

    await send(producer, ORDER, tenant, sales_order(tenant, order_id, snapshot_id))
    await order_once(waiting, order_id, lambda o: len(o["awaiting"]) == 1)
    assert (await refusal(waiting, BILL, {"id": order_id}))["awaitedSystem"] == "ACCOUNTING"

    await send(producer, ACCOUNTING, tenant, revenue(tenant, order_id, snapshot_id))
    order = await order_once(waiting, order_id, lambda o: not o["awaiting"])
    assert {(a["system"], a["acknowledgedAs"]) for a in order["acknowledgements"]} == {
        ("PEOPLE", "WS-001"),
        ("ORDER", "ORD-77"),
        ("ACCOUNTING", "REV-9"),
    }
    billed = (await waiting.data(BILL, await read(waiting, {"id": order_id})))["billServiceOrder"]
    assert billed["status"] == "BILLED"


async def test_one_gateway_playing_every_side_finalizes_and_bills_at_once_and_tells_the_others(
    api: Api, services: Services
) -> None:
    order_id = await completed(api, await open_shop(api))
    await api.data(
        FINALIZE, await read(api, {"id": order_id, "rate": "60.00", "code": "LABOR_TAX"})
    )
    billed = (await api.data(BILL, await read(api, {"id": order_id})))["billServiceOrder"]
    assert billed["status"] == "BILLED"
    snapshot_id = billed["billableSnapshot"]["workorderSnapshotId"]
    order = (await api.data(AWAITED, {"id": order_id}))["serviceOrder"]
    assert order["awaiting"] == []
    assert {(a["system"], a["acknowledgedAs"]) for a in order["acknowledgements"]} == {
        ("PEOPLE", "WS-001"),
        ("ORDER", f"{snapshot_id}-SO"),
        ("ACCOUNTING", f"{snapshot_id}-REV"),
    }

    def ours(event: dict[str, Any]) -> bool:
        return event.get("tenantid") == api.tenant

    [confirmed] = await records_of(services, PEOPLE[0], ours, 1)
    [created] = await records_of(services, ORDER[0], ours, 1)
    [recorded] = await records_of(services, ACCOUNTING[0], ours, 1)
    for acknowledged in (confirmed, created, recorded):
        # the request that finalized or billed the order (docs/events.md, correlationId)
        assert acknowledged["data"].pop("correlationId").startswith("corr-")
    assert (confirmed["type"], confirmed["source"], confirmed["subject"]) == (
        PEOPLE[1],
        "https://durion.platform/people",
        "WS-001",
    )
    assert confirmed["data"] == {
        "workSessionId": "WS-001",
        "workorderId": order_id,
        "personId": "TECH-001",
        "status": "COMPLETED",
        "completedAt": confirmed["time"],
    }
    assert created["data"]["salesOrderId"] == f"{snapshot_id}-SO"
    assert created["data"]["workorderSnapshotId"] == snapshot_id
    assert recorded["data"] == {
        "revenueRecordId": f"{snapshot_id}-REV",
        "workorderId": order_id,
        "workorderSnapshotId": snapshot_id,
        "amount": 453.58,
    }


async def test_an_acknowledgement_awaited_too_long_raises_its_alert_once(
    waiting: Api, services: Services, engine: AsyncEngine
) -> None:
    order_id = await in_progress(waiting, await open_shop(waiting))
    await waiting.data(RECORD_SESSION, await read(waiting, {"input": session(order_id)}))
    sweeper = AcknowledgementSweeper(engine, SystemClock(), timeout_seconds=1, interval_seconds=1)
    await asyncio.sleep(1.1)

    [row] = (await waiting.data(DASHBOARD))["operationsDashboard"]["locations"]
    assert row == {"awaitingAcknowledgement": 1, "overdueAcknowledgement": 0}
    assert await sweeper.sweep() >= 1
    order = (await waiting.data(AWAITED, {"id": order_id}))["serviceOrder"]
    [flagged] = order["acknowledgements"]
    assert flagged["awaiting"] and flagged["overdueAt"] is not None
    await sweeper.sweep()
    assert (await waiting.data(AWAITED, {"id": order_id}))["serviceOrder"] == order
    await asyncio.sleep(1)  # DASHBOARD_FRESH_SECONDS: the reading above may be reused
    [row] = (await waiting.data(DASHBOARD))["operationsDashboard"]["locations"]
    assert row == {"awaitingAcknowledgement": 1, "overdueAcknowledgement": 1}

    [alert] = await records_of(services, OVERDUE, lambda e: e.get("tenantid") == waiting.tenant, 1)
    assert alert["subject"] == order_id
    assert {k: alert["data"][k] for k in ("awaitedSystem", "awaitedEvent", "reference")} == {
        "awaitedSystem": "PEOPLE",
        "awaitedEvent": PEOPLE[1],
        "reference": "WS-001",
    }
    assert alert["data"]["timeoutSeconds"] == 1
    raised = datetime.fromisoformat(flagged["overdueAt"])
    on_the_wire = raised.replace(microsecond=raised.microsecond // 1000 * 1000)
    assert datetime.fromisoformat(alert["data"]["overdueAt"]) == on_the_wire


async def test_a_replayed_acknowledgement_changes_nothing(
    waiting: Api, producer: AIOKafkaProducer
) -> None:
    tenant = waiting.tenant
    order_id = await in_progress(waiting, await open_shop(waiting))
    for start, end in (("08:00", "09:00"), ("10:00", "11:00")):
        times = {"startTime": f"2026-01-25T{start}:00Z", "endTime": f"2026-01-25T{end}:00Z"}
        fields = session(order_id, billableMinutes=60, breakDurationMinutes=0, **times)
        await waiting.data(RECORD_SESSION, await read(waiting, {"input": fields}))
    recorded = (await waiting.data(AWAITED, {"id": order_id}))["serviceOrder"]["version"]
    first = people_confirm(tenant, order_id, "WS-001")
    resent = {**first, "id": str(uuid.uuid4()), "time": "2030-01-01T00:00:00Z"}
    for event in (first, first, resent, people_confirm(tenant, order_id, "WS-002")):
        await send(producer, PEOPLE, tenant, event)

    # one key, one partition: once WS-002 is acknowledged, the replays before it were handled
    order = await order_once(waiting, order_id, lambda o: not o["awaiting"])
    assert order["version"] == recorded + 2
    ws1 = next(a for a in order["acknowledgements"] if a["reference"] == "WS-001")
    assert ws1["acknowledgedAt"] == datetime.fromisoformat(first["time"]).isoformat()


async def test_a_malformed_acknowledgement_is_dead_lettered_and_the_next_one_applied(
    waiting: Api, producer: AIOKafkaProducer, services: Services
) -> None:
    tenant = waiting.tenant
    order_id = await in_progress(waiting, await open_shop(waiting))
    await waiting.data(RECORD_SESSION, await read(waiting, {"input": session(order_id)}))
    broken = people_confirm(tenant, order_id, "WS-001")
    del broken["data"]["workorderId"]
    await send(producer, PEOPLE, tenant, broken)
    await send(producer, PEOPLE, tenant, people_confirm(tenant, order_id, "WS-001"))

    await order_once(waiting, order_id, lambda o: not o["awaiting"])
    [letter] = await dead_letters(services, PEOPLE[0], tenant)
    headers = {key: value.decode() for key, value in letter.headers}
    assert headers["dlq-reason"] == "malformed"
    assert "workorderId" in headers["dlq-error"]
    await waiting.data(COMPLETE, await read(waiting, {"id": order_id, "code": "RESOLVED"}))
