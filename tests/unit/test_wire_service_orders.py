"""Service-order facts on the wire: the seeds' documents made from facts and read back,
and what Dispatch, Inventory, Contracts and Period Close send parsed into facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import simplejson

from domain.events import DomainEvent
from domain.finance.periods import PeriodClosed
from domain.service_orders.events import (
    BilledLabor,
    BilledPart,
    BillSummary,
    PartsUsageRecorded,
    RecordedPart,
    ServiceOrderBilled,
    ServiceOrderCreated,
    ServiceOrderStatusChanged,
    SnapshotFinalized,
    WorkSessionRecorded,
)
from domain.service_orders.inbound import (
    AppointmentUpdated,
    ConsumedPart,
    PartsConsumed,
    TechnicianAssigned,
)
from domain.service_orders.status import Priority, ServiceOrderStatus
from subscriptions.inbound.topics import INBOUND, decode_inbound
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.registry import INBOUND_CONTRACTS, encode, from_wire, to_wire
from tests.unit.test_wire_cloudevents import PARTS_USAGE_EVENT, SESSION_DATA
from tests.unit.test_wire_envelope import SO_100_BILLED_EVENT, SO_100_CREATED_EVENT

AT = datetime(2026, 1, 25, 14, 30, tzinfo=UTC)
WO = {"aggregate_id": "WO-001", "tenant_id": "tenant-001", "occurred_at": AT}
BILL = BillSummary(
    snapshot_id="SNAP-001",
    captured_at=AT,
    parts_total=Decimal("179.98"),
    labor_total=Decimal("240.00"),
    tax_total=Decimal("33.60"),
    grand_total=Decimal("453.58"),
    parts=(
        BilledPart(
            "WOP-001",
            "PROD-BRAKE-PAD",
            "BRK-PAD-F",
            Decimal(2),
            Decimal("89.99"),
            Decimal("179.98"),
        ),
    ),
    labor=(BilledLabor("SESSION-001", "TECH-001", 240, Decimal("240.00")),),
)


def _facts(wire: WireEvent) -> dict[str, Any]:
    return {
        "aggregate_id": wire.aggregate_id,
        "tenant_id": wire.tenant_id,
        "occurred_at": wire.occurred_at,
        "event_id": wire.event_id,
    }


def test_the_crm_events_are_the_seed_examples() -> None:
    created = ServiceOrderCreated(
        **_facts(SO_100_CREATED_EVENT),
        customer_id="CUST-100",
        priority=Priority.HIGH,
        status=ServiceOrderStatus.REQUESTED,
    )
    billed = ServiceOrderBilled(
        **_facts(SO_100_BILLED_EVENT),
        customer_id="CUST-100",
        amount=Decimal("450.00"),
        currency="USD",
    )
    assert to_wire(created) == SO_100_CREATED_EVENT
    assert to_wire(billed) == SO_100_BILLED_EVENT
    assert from_wire(SO_100_CREATED_EVENT) == created and from_wire(SO_100_BILLED_EVENT) == billed


def test_the_work_session_and_parts_usage_are_the_seed_examples() -> None:
    session = WorkSessionRecorded(
        **WO,
        event_id="evt-session-1",
        work_session_id="SESSION-001",
        person_id="TECH-001",
        location_id="LOC-001",
        start_time=datetime(2026, 1, 25, 8, tzinfo=UTC),
        end_time=datetime(2026, 1, 25, 12, 30, tzinfo=UTC),
        break_duration_minutes=30,
        billable_minutes=240,
        work_type="LABOR",
        recorded_by="TECH-001",
    )
    usage = PartsUsageRecorded(
        **WO,
        event_id=PARTS_USAGE_EVENT.event_id,
        location_id="LOC-001",
        customer_id="CUST-001",
        completed_at=AT,
        completed_by="USR-001",
        parts=(
            RecordedPart(
                "WOP-001", "PROD-BRAKE-PAD", "BRK-PAD-F", Decimal(2), Decimal("89.99"), False, False
            ),
        ),
        total_cost=Decimal("179.98"),
    )
    seed_session = {k: v for k, v in SESSION_DATA.items() if k != "correlationId"}
    seed_usage = {k: v for k, v in PARTS_USAGE_EVENT.payload.items() if k != "correlationId"}
    assert to_wire(session).payload == seed_session
    assert to_wire(usage).payload == seed_usage
    assert from_wire(to_wire(session)) == session and from_wire(to_wire(usage)) == usage


def test_quantities_are_printed_as_the_seeds_print_them() -> None:
    """Stored with four places, a quantity of 2 would go out as 2.0000 without care."""
    part = RecordedPart(
        "WOP-001", "PROD-1", "SKU-1", Decimal("2.0000"), Decimal("89.99"), False, False
    )
    half = RecordedPart(
        "WOP-002", "PROD-2", "SKU-2", Decimal("0.5000"), Decimal("4.00"), False, False
    )
    usage = PartsUsageRecorded(
        **WO,
        location_id="LOC-001",
        customer_id="CUST-001",
        completed_at=AT,
        completed_by="USR-001",
        parts=(part, half),
        total_cost=Decimal("181.98"),
    )
    lines = encode(usage).decode()
    assert '"quantity": 2,' in lines and '"usageQuantity": 2}' in lines
    assert '"quantity": 0.5,' in lines and '"usageQuantity": 0.5}' in lines
    assert '"unitPrice": 89.99' in lines and '"unitPrice": 4.00' in lines


def test_a_status_change_is_the_seed_example_shopmgmt_reads() -> None:
    """Seed 001's status_changed example, but for `correlationId`: a dispatched order's
    technician is ASSIGNED, work under way is WORK_IN_PROGRESS."""
    started = ServiceOrderStatusChanged(
        **WO,
        previous_status=ServiceOrderStatus.DISPATCHED,
        new_status=ServiceOrderStatus.IN_PROGRESS,
        location_id="LOC-001",
        customer_id="CUST-001",
        technician_id="TECH-001",
        reason="Work started on scheduled appointment",
        changed_by="TECH-001",
        appointment_id="APT-001",
        estimated_completion_at=datetime(2026, 1, 25, 16, tzinfo=UTC),
    )
    assert to_wire(started).payload == {
        "workorderId": "WO-001",
        "previousStatus": "ASSIGNED",
        "newStatus": "WORK_IN_PROGRESS",
        "locationId": "LOC-001",
        "customerId": "CUST-001",
        "technicianId": "TECH-001",
        "appointmentId": "APT-001",
        "statusChangedAt": "2026-01-25T14:30:00Z",
        "statusChangedBy": "TECH-001",
        "metadata": {
            "reason": "Work started on scheduled appointment",
            "estimatedCompletionTime": "2026-01-25T16:00:00Z",
        },
    }
    assert from_wire(to_wire(started)) == started


@pytest.mark.parametrize(
    ("status", "on_the_wire"),
    [
        (ServiceOrderStatus.REQUESTED, "REQUESTED"),
        (ServiceOrderStatus.SCHEDULED, "SCHEDULED"),
        (ServiceOrderStatus.DISPATCHED, "ASSIGNED"),
        (ServiceOrderStatus.IN_PROGRESS, "WORK_IN_PROGRESS"),
        (ServiceOrderStatus.COMPLETED, "COMPLETED"),
        (ServiceOrderStatus.BILLED, "BILLED"),
        (ServiceOrderStatus.CANCELLED, "CANCELLED"),
    ],
)
def test_each_order_status_has_one_name_on_the_wire_and_reads_back(
    status: ServiceOrderStatus, on_the_wire: str
) -> None:
    changed = ServiceOrderStatusChanged(
        **WO,
        previous_status=ServiceOrderStatus.REQUESTED,
        new_status=status,
        location_id="LOC-001",
        customer_id="CUST-001",
        technician_id=None,
    )
    assert to_wire(changed).payload["newStatus"] == on_the_wire
    assert from_wire(to_wire(changed)) == changed


def test_a_status_change_published_before_the_mapping_reads_back() -> None:
    """Records already on the topic name the order's own states and carry no metadata."""
    wire = to_wire(
        ServiceOrderStatusChanged(
            **WO,
            previous_status=ServiceOrderStatus.DISPATCHED,
            new_status=ServiceOrderStatus.IN_PROGRESS,
            location_id="LOC-001",
            customer_id="CUST-001",
            technician_id="TECH-001",
        )
    )
    old = {
        k: v
        for k, v in wire.payload.items()
        if k not in ("appointmentId", "statusChangedBy", "metadata")
    }
    old |= {"previousStatus": "DISPATCHED", "newStatus": "IN_PROGRESS"}
    fact = from_wire(replace(wire, payload=old))
    assert isinstance(fact, ServiceOrderStatusChanged)
    assert (fact.previous_status, fact.new_status, fact.changed_by) == (
        ServiceOrderStatus.DISPATCHED,
        ServiceOrderStatus.IN_PROGRESS,
        None,
    )


def test_a_status_change_with_a_status_nobody_knows_is_malformed() -> None:
    wire = to_wire(
        ServiceOrderStatusChanged(
            **WO,
            previous_status=ServiceOrderStatus.REQUESTED,
            new_status=ServiceOrderStatus.SCHEDULED,
            location_id="LOC-001",
            customer_id="CUST-001",
            technician_id=None,
        )
    )
    payload = {**wire.payload, "newStatus": "ON_HOLD"}
    with pytest.raises(MalformedEvent, match="newStatus"):
        from_wire(replace(wire, payload=payload))


def test_a_finalized_snapshot_carries_the_bill_and_who_finalized_it() -> None:
    finalized = SnapshotFinalized(
        **WO,
        customer_id="CUST-001",
        location_id="LOC-001",
        bill=BILL,
        po_number="PO-7",
        estimate_id=None,
        finalized_by="SUPER-001",
    )
    document = to_wire(finalized).payload
    assert document["billableSnapshot"] == {
        "workorderSnapshotId": "SNAP-001",
        "capturedAt": "2026-01-25T14:30:00Z",
        "partsTotal": Decimal("179.98"),
        "laborTotal": Decimal("240.00"),
        "taxTotal": Decimal("33.60"),
        "grandTotal": Decimal("453.58"),
        "parts": [
            {
                "workorderPartId": "WOP-001",
                "productId": "PROD-BRAKE-PAD",
                "sku": "BRK-PAD-F",
                "quantity": Decimal(2),
                "unitPrice": Decimal("89.99"),
                "lineTotal": Decimal("179.98"),
            }
        ],
        "labor": [
            {
                "workSessionId": "SESSION-001",
                "personId": "TECH-001",
                "billableMinutes": 240,
                "amount": Decimal("240.00"),
            }
        ],
    }
    assert (document["workorderSnapshotId"], document["finalizedBy"]) == ("SNAP-001", "SUPER-001")
    assert (document["finalizedAt"], document["poNumber"]) == ("2026-01-25T14:30:00Z", "PO-7")
    assert from_wire(to_wire(finalized)) == finalized


def inbound(event_type: str, payload: dict[str, Any]) -> WireEvent:
    return WireEvent(event_type, "any", "SO-1", "tenant-001", payload, "evt-1", AT)


def test_what_other_domains_send_is_parsed_into_facts() -> None:
    line = {
        "workorderPartId": "P-1",
        "productId": "PR",
        "sku": "S",
        "quantity": 2,
        "unitPrice": Decimal("89.99"),
    }
    consumed = from_wire(inbound("PartsConsumedEvent", {"serviceOrderId": "SO-1", "parts": [line]}))
    assert consumed == PartsConsumed(
        aggregate_id="SO-1",
        tenant_id="tenant-001",
        occurred_at=AT,
        event_id="evt-1",
        service_order_id="SO-1",
        parts=(ConsumedPart("P-1", "PR", "S", Decimal(2), Decimal("89.99")),),
    )
    assigned = from_wire(
        inbound("TechnicianAssignedEvent", {"serviceOrderId": "SO-1", "technicianId": "T-7"})
    )
    assert isinstance(assigned, TechnicianAssigned) and assigned.technician_id == "T-7"
    closed = from_wire(
        inbound(
            "FinancialPeriodClosedEvent",
            {
                "periodId": "2026-01",
                "periodStart": "2026-01-01",
                "periodEnd": "2026-01-31",
                "closedAt": "2026-02-03T17:00:00Z",
                "closedBy": "controller@example.com",
            },
        )
    )
    assert isinstance(closed, PeriodClosed)
    assert (closed.start, closed.end, closed.closed_at) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        datetime(2026, 2, 3, 17, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("event_type", "payload", "named"),
    [
        ("PartsConsumedEvent", {"serviceOrderId": "SO-1", "parts": []}, "parts"),
        (
            "PartsConsumedEvent",
            {"serviceOrderId": "SO-1", "parts": [{"workorderPartId": "P", "productId": "PR"}]},
            "parts.0.unitPrice",
        ),
        ("TechnicianAssignedEvent", {"technicianId": "T-7"}, "serviceOrderId"),
        ("ContractEntitlementValidatedEvent", {"serviceOrderId": 7}, "contractId"),
        (
            "FinancialPeriodClosedEvent",
            {"periodId": "2026-01", "periodStart": "Jan 1"},
            "periodStart",
        ),
    ],
)
def test_a_payload_that_breaks_its_contract_is_malformed_naming_the_field(
    event_type: str, payload: dict[str, Any], named: str
) -> None:
    with pytest.raises(MalformedEvent, match=named.replace(".", r"\.")):
        from_wire(inbound(event_type, payload))


def test_every_inbound_fact_has_an_inbound_route_and_round_trips() -> None:
    for event_class, contract in INBOUND_CONTRACTS.items():
        assert contract.name in INBOUND, event_class
    fact: DomainEvent = TechnicianAssigned(
        aggregate_id="SO-1",
        tenant_id="tenant-001",
        occurred_at=AT,
        service_order_id="SO-1",
        technician_id="T-7",
    )
    contract = INBOUND_CONTRACTS[TechnicianAssigned]
    assert contract.fact(inbound(contract.name, contract.document(fact))) == TechnicianAssigned(
        **{**fact.__dict__, "event_id": "evt-1"}
    )


def appointment_record(**data: Any) -> bytes:
    """ShopMgmt's answer to status_changed, as the gateway's contract defines it."""
    return simplejson.dumps(
        {
            "specversion": "1.0",
            "type": "com.durion.shopmgmt.appointment.updated",
            "source": "https://durion.platform/shopmgmt",
            "id": "evt-apt-1",
            "time": "2026-01-25T14:31:00Z",
            "subject": "APT-001",
            "tenantid": "tenant-001",
            "datacontenttype": "application/json",
            "data": {
                "appointmentId": "APT-001",
                "workorderId": "WO-001",
                "status": "IN_PROGRESS",
                "scheduledStart": "2026-01-25T14:00:00Z",
                "scheduledEnd": "2026-01-25T16:00:00Z",
                **data,
            },
        }
    ).encode()


def test_shopmgmts_appointment_update_is_read_into_its_fact() -> None:
    fact = decode_inbound("shopmgmt.appointment.updated", [], appointment_record())
    assert fact == AppointmentUpdated(
        aggregate_id="APT-001",
        tenant_id="tenant-001",
        occurred_at=datetime(2026, 1, 25, 14, 31, tzinfo=UTC),
        event_id="evt-apt-1",
        service_order_id="WO-001",
        status="IN_PROGRESS",
        scheduled_start=datetime(2026, 1, 25, 14, tzinfo=UTC),
        scheduled_end=datetime(2026, 1, 25, 16, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"appointmentId": "APT-002"}, "appointmentId"),
        ({"status": "X" * 33}, "status"),
        ({"workorderId": None}, "workorderId"),
        ({"scheduledStart": "tomorrow"}, "scheduledStart"),
    ],
)
def test_an_appointment_update_that_breaks_the_contract_is_malformed(
    data: dict[str, Any], named: str
) -> None:
    with pytest.raises(MalformedEvent, match=named):
        decode_inbound("shopmgmt.appointment.updated", [], appointment_record(**data))
