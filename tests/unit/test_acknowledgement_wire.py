"""The acknowledgements and their alert on the wire and in the outbox, both ways."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.events import DomainEvent
from domain.service_orders.acknowledgements import (
    AcknowledgementOverdue,
    Awaited,
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from persistence.event_facts import event_from, facts_of
from subscriptions.inbound.topics import decode_inbound
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import encode, from_wire, route_for, to_wire

AT = datetime(2026, 2, 3, 11, 46, tzinfo=UTC)
ABOUT = {"tenant_id": "tenant-001", "occurred_at": AT, "event_id": "evt-1"}
EVENTS: list[DomainEvent] = [
    WorkSessionCompleted(
        aggregate_id="WS-001", workorder_id="SO-001", person_id="TECH-001", **ABOUT
    ),
    SalesOrderCreatedForWorkOrder(
        aggregate_id="ORD-77",
        workorder_id="SO-001",
        workorder_snapshot_id="SNAP-001",
        customer_id="CUST-001",
        **ABOUT,
    ),
    RevenueRecorded(
        aggregate_id="REV-9",
        workorder_id="SO-001",
        workorder_snapshot_id="SNAP-001",
        amount=Decimal("453.58"),
        **ABOUT,
    ),
    AcknowledgementOverdue(
        aggregate_id="SO-001",
        awaited=Awaited.WORK_SESSION_COMPLETED,
        reference="WS-001",
        awaited_since=AT,
        timeout_seconds=300,
        location_id="LOC-001",
        customer_id="CUST-001",
        **ABOUT,
    ),
]
PEOPLE_TOPIC = "people.work_session.completed"


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_each_fact_reads_back_from_its_document_and_its_stored_form(event: DomainEvent) -> None:
    assert from_wire(to_wire(event)) == event
    stored = event_from(
        event.event_type,
        event.aggregate_type,
        event.aggregate_id,
        event.tenant_id,
        event.occurred_at,
        event.event_id,
        facts_of(event),
    )
    assert stored == event


def test_the_documented_work_session_completed_decodes_to_its_fact() -> None:
    record = people_record()
    assert decode_inbound(PEOPLE_TOPIC, [], json.dumps(record).encode()) == EVENTS[0]
    assert route_for(record["type"]).topic == PEOPLE_TOPIC
    published = json.loads(encode(EVENTS[0]))["data"]
    instant = datetime.fromisoformat
    assert instant(published.pop("completedAt")) == instant(record["data"].pop("completedAt"))
    assert published == record["data"]


def people_record(**data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "type": "com.durion.people.work_session.completed",
        "source": "https://durion.platform/people",
        "id": "evt-1",
        "time": "2026-02-03T11:46:00.000Z",
        "datacontenttype": "application/json",
        "subject": "WS-001",
        "tenantid": "tenant-001",
        "data": {
            "workSessionId": "WS-001",
            "workorderId": "SO-001",
            "personId": "TECH-001",
            "status": "COMPLETED",
            "completedAt": "2026-02-03T11:46:00.000Z",
            **data,
        },
    }


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"workorderId": None}, "workorderId"),
        ({"workSessionId": "WS-002"}, "workSessionId"),
        ({"status": "REJECTED"}, "status"),
    ],
)
def test_a_broken_acknowledgement_is_malformed_naming_the_field(
    data: dict[str, Any], named: str
) -> None:
    record = people_record(**data)
    record["data"] = {k: v for k, v in record["data"].items() if v is not None}
    with pytest.raises(MalformedEvent, match=named):
        decode_inbound(PEOPLE_TOPIC, [], json.dumps(record).encode())
