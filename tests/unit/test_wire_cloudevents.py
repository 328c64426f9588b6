"""Work-order CloudEvents, held against seed 001 "Phase 4.4".

The seed's examples show `type`, `source`, `id`, `time`, `subject` and `data`; the base
schema adds the other attributes, filled in here the way the serializer documents them.
Documents are compared with every non-integer JSON number read as its raw text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import simplejson

from subscriptions.wire import cloudevents
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent

WORK_SESSION_RECORDED = """
{
  "specversion": "1.0",
  "type": "com.durion.workexec.workorder.work_session_recorded",
  "source": "https://durion.platform/workexec",
  "id": "evt-session-5f0c8a52-3c8e-4a5e-9d7b-1f2e3d4c5b6a",
  "time": "2026-01-25T14:30:00Z",
  "datacontenttype": "application/json",
  "subject": "WO-001|SESSION-001",
  "dataschema": "https://durion.platform/schemas/workexec/v1",
  "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  "durion:domain": "workexec",
  "durion:version": "v1",
  "durion:environment": "production",
  "tenantid": "tenant-001",
  "data": {
    "workorderId": "WO-001",
    "workSessionId": "SESSION-001",
    "personId": "TECH-001",
    "locationId": "LOC-001",
    "startTime": "2026-01-25T08:00:00Z",
    "endTime": "2026-01-25T12:30:00Z",
    "breakDurationMinutes": 30,
    "billableMinutes": 240,
    "workType": "LABOR",
    "status": "COMPLETED",
    "recordedAt": "2026-01-25T14:30:00Z",
    "recordedBy": "TECH-001",
    "correlationId": "corr-7a1b2c3d"
  }
}
"""

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SESSION_TYPE = cloudevents.workexec_type("workorder", "work_session_recorded")

SESSION_DATA: dict[str, Any] = {
    "workorderId": "WO-001",
    "workSessionId": "SESSION-001",
    "personId": "TECH-001",
    "locationId": "LOC-001",
    "startTime": "2026-01-25T08:00:00Z",
    "endTime": "2026-01-25T12:30:00Z",
    "breakDurationMinutes": 30,
    "billableMinutes": 240,
    "workType": "LABOR",
    "status": "COMPLETED",
    "recordedAt": "2026-01-25T14:30:00Z",
    "recordedBy": "TECH-001",
    "correlationId": "corr-7a1b2c3d",
}

WORK_SESSION_EVENT = WireEvent(
    event_type=SESSION_TYPE,
    aggregate_type="workorder",
    aggregate_id="WO-001",
    tenant_id="tenant-001",
    payload={**SESSION_DATA, "traceparent": TRACEPARENT},
    event_id="evt-session-5f0c8a52-3c8e-4a5e-9d7b-1f2e3d4c5b6a",
    occurred_at=datetime(2026, 1, 25, 14, 30, tzinfo=UTC),
)

PARTS_USAGE_EVENT = WireEvent(
    event_type=cloudevents.workexec_type("workorder", "parts_usage_recorded"),
    aggregate_type="workorder",
    aggregate_id="WO-001",
    tenant_id="tenant-001",
    payload={
        "workorderId": "WO-001",
        "locationId": "LOC-001",
        "customerId": "CUST-001",
        "completedAt": "2026-01-25T14:30:00Z",
        "completedBy": "USR-001",
        "parts": [
            {
                "workorderPartId": "WOP-001",
                "productId": "PROD-BRAKE-PAD",
                "sku": "BRK-PAD-F",
                "quantity": 2,
                "unitPrice": Decimal("89.99"),
                "usageQuantity": 2,
                "declined": False,
                "emergency": False,
            }
        ],
        "totalCost": Decimal("179.98"),
        "correlationId": "corr-1",
    },
    event_id="evt-parts-usage-1",
    occurred_at=datetime(2026, 1, 25, 14, 30, tzinfo=UTC),
)

SNAPSHOT_FINALIZED_EVENT = WireEvent(
    event_type=cloudevents.workexec_type("workorder", "snapshot_finalized"),
    aggregate_type="workorder",
    aggregate_id="WO-001",
    tenant_id="tenant-001",
    payload={
        "workorderId": "WO-001",
        "workorderSnapshotId": "SNAP-001",
        "billableSnapshot": {
            "partsTotal": Decimal("179.98"),
            "laborTotal": Decimal("240.00"),
            "taxTotal": Decimal("33.60"),
            "grandTotal": Decimal("453.58"),
            "parts": [],
            "labor": [],
        },
    },
    event_id="evt-snap-finalized-1",
    occurred_at=datetime(2026, 1, 25, 14, 30, tzinfo=UTC),
)


def exact(text: str | bytes) -> Any:
    """The JSON document with every non-integer number kept as its raw text."""
    return simplejson.loads(text, parse_float=str)


def encoded_document(event: WireEvent, environment: str = "development") -> dict[str, Any]:
    return exact(cloudevents.encode(event, environment))


def tampered(**changes: Any) -> bytes:
    document = simplejson.loads(WORK_SESSION_RECORDED) | changes
    return simplejson.dumps({k: v for k, v in document.items() if v is not None}).encode()


def test_the_work_session_event_is_the_seed_example() -> None:
    assert encoded_document(WORK_SESSION_EVENT, "production") == exact(WORK_SESSION_RECORDED)


def test_decoding_the_encoded_work_session_event_gives_the_same_event() -> None:
    assert cloudevents.decode(cloudevents.encode(WORK_SESSION_EVENT), "workorder") == (
        WORK_SESSION_EVENT
    )


def test_decoding_the_seed_example_gives_the_event() -> None:
    assert cloudevents.decode(WORK_SESSION_RECORDED.encode(), "workorder") == WORK_SESSION_EVENT


def test_every_base_schema_attribute_of_the_seed_is_written() -> None:
    assert set(encoded_document(WORK_SESSION_EVENT)) == {
        "specversion",
        "type",
        "source",
        "id",
        "time",
        "datacontenttype",
        "subject",
        "dataschema",
        "traceparent",
        "durion:domain",
        "durion:version",
        "durion:environment",
        "tenantid",
        "data",
    }


def test_the_type_is_com_durion_workexec_entity_action() -> None:
    assert encoded_document(PARTS_USAGE_EVENT)["type"] == (
        "com.durion.workexec.workorder.parts_usage_recorded"
    )


def test_the_tenant_travels_in_an_extension_name_the_cloudevents_spec_allows() -> None:
    document = encoded_document(PARTS_USAGE_EVENT)
    assert document["tenantid"] == "tenant-001"
    assert re.fullmatch(r"[a-z0-9]{1,20}", cloudevents.TENANT_ATTRIBUTE)


def test_the_subject_is_the_work_order_for_most_events() -> None:
    assert encoded_document(PARTS_USAGE_EVENT)["subject"] == "WO-001"


def test_the_subject_names_the_snapshot_of_a_finalized_snapshot_like_the_seed() -> None:
    assert encoded_document(SNAPSHOT_FINALIZED_EVENT)["subject"] == "WO-001|SNAP-001"


def test_a_work_session_event_without_its_session_id_cannot_be_encoded() -> None:
    event = WireEvent(
        event_type=SESSION_TYPE,
        aggregate_type="workorder",
        aggregate_id="WO-001",
        tenant_id="tenant-001",
        payload={"workorderId": "WO-001"},
        event_id="00000000-0000-4000-8000-000000000000",
        occurred_at=datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
    )
    with pytest.raises(MalformedEvent, match="'workSessionId'"):
        cloudevents.encode(event)


def test_the_trace_context_is_lifted_out_of_the_data_into_traceparent() -> None:
    document = encoded_document(WORK_SESSION_EVENT)
    assert document["traceparent"] == TRACEPARENT
    assert "traceparent" not in document["data"]


def test_an_event_without_a_trace_context_has_no_traceparent_attribute() -> None:
    document = encoded_document(PARTS_USAGE_EVENT)
    assert "traceparent" not in document
    assert cloudevents.decode(cloudevents.encode(PARTS_USAGE_EVENT), "workorder") == (
        PARTS_USAGE_EVENT
    )


def test_a_payload_traceparent_that_is_not_w3c_cannot_be_encoded() -> None:
    event = WireEvent(
        event_type=PARTS_USAGE_EVENT.event_type,
        aggregate_type="workorder",
        aggregate_id="WO-001",
        tenant_id="tenant-001",
        payload={"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"},
        event_id="00000000-0000-4000-8000-000000000000",
        occurred_at=datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
    )
    with pytest.raises(ValueError, match="not a W3C traceparent"):
        cloudevents.encode(event)


def test_the_environment_defaults_to_development_and_is_configurable() -> None:
    assert encoded_document(PARTS_USAGE_EVENT)["durion:environment"] == "development"
    assert encoded_document(PARTS_USAGE_EVENT, "staging")["durion:environment"] == "staging"


def test_an_environment_the_seed_does_not_name_is_refused() -> None:
    with pytest.raises(ValueError, match="durion:environment must be one of"):
        cloudevents.encode(PARTS_USAGE_EVENT, "prod")


def test_part_prices_and_snapshot_totals_keep_their_exact_digits() -> None:
    parts = cloudevents.encode(PARTS_USAGE_EVENT).decode()
    assert '"unitPrice": 89.99' in parts
    assert '"totalCost": 179.98' in parts
    assert '"quantity": 2,' in parts
    snapshot = cloudevents.encode(SNAPSHOT_FINALIZED_EVENT).decode()
    assert '"laborTotal": 240.00' in snapshot
    assert '"taxTotal": 33.60' in snapshot


def test_decoding_a_snapshot_event_gives_the_same_event() -> None:
    encoded = cloudevents.encode(SNAPSHOT_FINALIZED_EVENT)
    assert cloudevents.decode(encoded, "workorder") == SNAPSHOT_FINALIZED_EVENT


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"specversion": "0.3"}, "specversion must be '1.0'"),
        ({"specversion": None}, "specversion must be '1.0'"),
        ({"datacontenttype": "application/xml"}, "datacontenttype must be application/json"),
        ({"source": None}, "'source' is missing"),
        ({"type": None}, "'type' is missing"),
        ({"id": None}, "'id' is missing"),
        ({"time": None}, "'time' is missing"),
        ({"subject": None}, "'subject' is missing"),
        ({"tenantid": None}, "'tenantid' is missing"),
        ({"data": None}, "'data' is missing"),
        ({"data": "WO-001"}, "'data' must be a JSON object"),
        ({"subject": "WO-001|SESSION-002"}, "subject 'WO-001|SESSION-002' does not match"),
        ({"traceparent": "not-a-trace"}, "'not-a-trace' is not a W3C traceparent"),
    ],
)
def test_a_cloudevent_that_breaks_the_contract_is_malformed(
    changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(MalformedEvent, match=re.escape(reason)):
        cloudevents.decode(tampered(**changes), "workorder")
