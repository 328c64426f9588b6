"""Events a database kept in their seed's format before issue 14 (the seed's event type
and payload in the outbox) read back as typed facts once migration 0007 rewrote them, and
the seed documents made from those facts are the payloads the rows held: a replay
(`since:`) shows what it showed before, and nothing is lost on the way.

The legacy rows are written as the gateway wrote them before: the seed's name, aggregate
type and payload, amounts as JSON numbers, instants as ISO 8601 UTC ending in `Z`. Their
payloads are those the baseline's code recorded for the same scenario (commit 024dfa1).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from domain.customers import CustomerCreated, CustomerUpdated, VehicleRegistered, VehicleUpdated
from domain.events import DomainEvent
from domain.service_orders.events import (
    BilledLabor,
    BilledPart,
    BillSummary,
    PartsUsageRecorded,
    RecordedPart,
    ServiceOrderBilled,
    ServiceOrderCompleted,
    ServiceOrderCreated,
    ServiceOrderReadyForBilling,
    ServiceOrderScheduled,
    ServiceOrderStatusChanged,
    SnapshotFinalized,
    WorkSessionRecorded,
)
from domain.service_orders.sla import SlaTarget
from domain.service_orders.sla_alerts import SlaAtRisk, SlaBreached
from domain.service_orders.status import Priority, ServiceOrderStatus
from persistence.database import create_engine
from persistence.event_facts import facts_of
from persistence.migrate import upgrade_async
from persistence.tables import outbox, outbox_cursor
from persistence.unit_of_work import unit_of_work_factory
from subscriptions.wire.registry import to_wire
from tests.conftest import database_of_its_own

TENANT = "tenant-legacy"
BEFORE_TYPED_FACTS = "0006_sla_monitor"
CREATED_AT = datetime(2026, 1, 25, 7, tzinfo=UTC)
STARTED_AT = datetime(2026, 1, 25, 8, tzinfo=UTC)
COMPLETED_AT = datetime(2026, 1, 25, 12, 30, tzinfo=UTC)
FINALIZED_AT = datetime(2026, 1, 25, 13, 30, tzinfo=UTC)
BILLED_AT = datetime(2026, 1, 25, 14, 30, tzinfo=UTC)


@dataclass(frozen=True)
class LegacyRow:
    """An outbox row as the gateway wrote it before issue 14."""

    event_type: str
    aggregate_type: str
    aggregate_id: str
    occurred_at: datetime
    payload: Mapping[str, Any]
    event_id: str


@dataclass(frozen=True)
class Case:
    row: LegacyRow
    fact: DomainEvent


def case(
    seed_name: str,
    aggregate_type: str,
    aggregate_id: str,
    at: datetime,
    payload: Mapping[str, Any],
    fact: type[DomainEvent],
    stamped_at: datetime | None = None,
    **facts: Any,
) -> Case:
    """A legacy row and the fact it must read back as; `stamped_at` is the row's instant
    where the baseline stamped it apart from the event's own (`at`)."""
    row = LegacyRow(
        seed_name, aggregate_type, aggregate_id, stamped_at or at, payload, str(uuid.uuid4())
    )
    expected = fact(
        aggregate_id=aggregate_id,
        tenant_id=TENANT,
        occurred_at=at,
        event_id=row.event_id,
        **facts,
    )
    return Case(row, expected)


def status_changed(
    order_id: str,
    at: datetime,
    previous: ServiceOrderStatus,
    new: ServiceOrderStatus,
    technician_id: str | None,
    reason: str | None = None,
) -> Case:
    payload: dict[str, Any] = {
        "workorderId": order_id,
        "previousStatus": previous.value,
        "newStatus": new.value,
        "locationId": "LOC-001",
        "customerId": "CUST-001",
        "technicianId": technician_id,
        "statusChangedAt": at.isoformat().replace("+00:00", "Z"),
    }
    if reason is not None:
        payload["metadata"] = {"reason": reason}
    return case(
        "com.durion.workexec.workorder.status_changed",
        "workorder",
        order_id,
        at,
        payload,
        ServiceOrderStatusChanged,
        previous_status=previous,
        new_status=new,
        location_id="LOC-001",
        customer_id="CUST-001",
        technician_id=technician_id,
        reason=reason,
    )


BILLABLE_SNAPSHOT = {
    "workorderSnapshotId": "SNAP-001",
    "capturedAt": "2026-01-25T13:30:00Z",
    "partsTotal": Decimal("179.98"),
    "laborTotal": Decimal("240.00"),
    "taxTotal": Decimal("33.60"),
    "grandTotal": Decimal("453.58"),
    "parts": [
        {
            "workorderPartId": "WOP-001",
            "productId": "PROD-BRAKE-PAD",
            "sku": "BRK-PAD-F",
            "quantity": Decimal("2"),
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
BILL = BillSummary(
    snapshot_id="SNAP-001",
    captured_at=FINALIZED_AT,
    parts_total=Decimal("179.98"),
    labor_total=Decimal("240.00"),
    tax_total=Decimal("33.60"),
    grand_total=Decimal("453.58"),
    parts=(
        BilledPart(
            workorder_part_id="WOP-001",
            product_id="PROD-BRAKE-PAD",
            sku="BRK-PAD-F",
            quantity=Decimal("2"),
            unit_price=Decimal("89.99"),
            line_total=Decimal("179.98"),
        ),
    ),
    labor=(
        BilledLabor(
            work_session_id="SESSION-001",
            person_id="TECH-001",
            billable_minutes=240,
            amount=Decimal("240.00"),
        ),
    ),
)
READY = {
    "workorderId": "SO-100",
    "customerId": "CUST-001",
    "locationId": "LOC-001",
    "billableSnapshot": BILLABLE_SNAPSHOT,
    "poNumber": "PO-77",
}
SLA_ALERT = {
    "serviceOrderId": "SO-100",
    "customerId": "CUST-001",
    "priority": "CRITICAL",
    "target": "RESPONSE",
    "dueAt": "2026-01-25T09:00:00Z",
    "locationId": "LOC-001",
}
SLA_FACTS = {
    "customer_id": "CUST-001",
    "location_id": "LOC-001",
    "priority": Priority.CRITICAL,
    "target": SlaTarget.RESPONSE,
    "due_at": datetime(2026, 1, 25, 9, tzinfo=UTC),
}
S = ServiceOrderStatus

CASES = (
    case(
        "CustomerCreatedEvent",
        "customer",
        "CUST-001",
        CREATED_AT - timedelta(days=30),
        {
            "customerId": "CUST-001",
            "partyId": None,
            "name": "Ann Example",
            "email": None,
            "phone": "+1 555 0100",
            "billingTermsId": "NET30",
            "version": 1,
        },
        CustomerCreated,
        party_id=None,
        name="Ann Example",
        email=None,
        phone="+1 555 0100",
        billing_terms_id="NET30",
        version=1,
    ),
    case(
        "CustomerUpdatedEvent",
        "customer",
        "CUST-001",
        CREATED_AT - timedelta(days=1),
        {
            "customerId": "CUST-001",
            "partyId": "PARTY-1",
            "name": "Ann",
            "email": "ann@example.test",
            "phone": None,
            "billingTermsId": None,
            "version": 2,
        },
        CustomerUpdated,
        party_id="PARTY-1",
        name="Ann",
        email="ann@example.test",
        phone=None,
        billing_terms_id=None,
        version=2,
    ),
    case(
        "VehicleRegisteredEvent",
        "vehicle",
        "VEH-1",
        CREATED_AT - timedelta(days=30),
        {
            "vehicleId": "VEH-1",
            "customerId": "CUST-001",
            "vin": "1HGCM82633A004352",
            "unitNumber": "U-7",
            "description": None,
            "licensePlate": "AB-123",
            "version": 1,
        },
        VehicleRegistered,
        customer_id="CUST-001",
        vin="1HGCM82633A004352",
        unit_number="U-7",
        description=None,
        license_plate="AB-123",
        version=1,
    ),
    case(
        "VehicleUpdatedEvent",
        "vehicle",
        "VEH-1",
        CREATED_AT - timedelta(days=2),
        {
            "vehicleId": "VEH-1",
            "customerId": "CUST-002",
            "vin": "1HGCM82633A004352",
            "unitNumber": None,
            "description": "Blue sedan",
            "licensePlate": None,
            "version": 2,
        },
        VehicleUpdated,
        customer_id="CUST-002",
        vin="1HGCM82633A004352",
        unit_number=None,
        description="Blue sedan",
        license_plate=None,
        version=2,
    ),
    case(
        "ServiceOrderCreatedEvent",
        "service_order",
        "SO-100",
        CREATED_AT,
        {
            "serviceOrderId": "SO-100",
            "customerId": "CUST-001",
            "priority": "HIGH",
            "status": "REQUESTED",
        },
        ServiceOrderCreated,
        customer_id="CUST-001",
        priority=Priority.HIGH,
        status=S.REQUESTED,
    ),
    case(
        "ServiceOrderScheduledEvent",
        "service_order",
        "SO-100",
        CREATED_AT,
        {
            "serviceOrderId": "SO-100",
            "scheduleStart": "2026-01-25T08:00:00Z",
            "scheduleEnd": "2026-01-25T12:30:00Z",
        },
        ServiceOrderScheduled,
        schedule_start=STARTED_AT,
        schedule_end=COMPLETED_AT,
    ),
    status_changed("SO-100", CREATED_AT, S.REQUESTED, S.SCHEDULED, None),
    status_changed("SO-100", STARTED_AT, S.DISPATCHED, S.IN_PROGRESS, "TECH-001"),
    case(
        "com.durion.workexec.workorder.work_session_recorded",
        "workorder",
        "SO-100",
        COMPLETED_AT,
        {
            "workorderId": "SO-100",
            "workSessionId": "SESSION-001",
            "personId": "TECH-001",
            "locationId": "LOC-001",
            "startTime": "2026-01-25T08:00:00Z",
            "endTime": "2026-01-25T12:30:00Z",
            "breakDurationMinutes": 30,
            "billableMinutes": 240,
            "workType": "LABOR",
            "status": "COMPLETED",
            "recordedAt": "2026-01-25T12:30:00Z",
            "recordedBy": "TECH-001",
        },
        WorkSessionRecorded,
        work_session_id="SESSION-001",
        person_id="TECH-001",
        location_id="LOC-001",
        start_time=STARTED_AT,
        end_time=COMPLETED_AT,
        break_duration_minutes=30,
        billable_minutes=240,
        work_type="LABOR",
        recorded_by="TECH-001",
    ),
    case(
        "ServiceOrderCompletedEvent",
        "service_order",
        "SO-100",
        COMPLETED_AT,
        {
            "serviceOrderId": "SO-100",
            "completionTime": "2026-01-25T12:30:00Z",
            "resolutionCode": "RESOLVED",
        },
        ServiceOrderCompleted,
        completion_time=COMPLETED_AT,
        resolution_code="RESOLVED",
    ),
    case(
        "com.durion.workexec.workorder.parts_usage_recorded",
        "workorder",
        "SO-100",
        FINALIZED_AT,
        {
            "workorderId": "SO-100",
            "locationId": "LOC-001",
            "customerId": "CUST-001",
            "completedAt": "2026-01-25T12:30:00Z",
            "completedBy": "SUPER-001",
            "parts": [
                {
                    "workorderPartId": "WOP-001",
                    "productId": "PROD-BRAKE-PAD",
                    "sku": "BRK-PAD-F",
                    "quantity": Decimal("2"),
                    "unitPrice": Decimal("89.99"),
                    "usageQuantity": Decimal("2"),
                    "declined": False,
                    "emergency": False,
                },
                {
                    "workorderPartId": "WOP-002",
                    "productId": "PROD-ROTOR",
                    "sku": "BRK-ROT-F",
                    "quantity": Decimal("1.5"),
                    "unitPrice": Decimal("120.00"),
                    "usageQuantity": Decimal("1.5"),
                    "declined": True,
                    "emergency": True,
                },
            ],
            "totalCost": Decimal("179.98"),
        },
        PartsUsageRecorded,
        location_id="LOC-001",
        customer_id="CUST-001",
        completed_at=COMPLETED_AT,
        completed_by="SUPER-001",
        parts=(
            RecordedPart(
                workorder_part_id="WOP-001",
                product_id="PROD-BRAKE-PAD",
                sku="BRK-PAD-F",
                quantity=Decimal("2"),
                unit_price=Decimal("89.99"),
                declined=False,
                emergency=False,
            ),
            RecordedPart(
                workorder_part_id="WOP-002",
                product_id="PROD-ROTOR",
                sku="BRK-ROT-F",
                quantity=Decimal("1.5"),
                unit_price=Decimal("120.00"),
                declined=True,
                emergency=True,
            ),
        ),
        total_cost=Decimal("179.98"),
    ),
    case(
        "com.durion.workexec.workorder.parts_usage_recorded",
        "workorder",
        "SO-102",
        FINALIZED_AT,
        {
            "workorderId": "SO-102",
            "locationId": "LOC-001",
            "customerId": "CUST-001",
            "completedAt": None,
            "completedBy": "SUPER-001",
            "parts": [],
            "totalCost": Decimal("0.00"),
        },
        PartsUsageRecorded,
        location_id="LOC-001",
        customer_id="CUST-001",
        completed_at=None,
        completed_by="SUPER-001",
        parts=(),
        total_cost=Decimal("0.00"),
    ),
    case(
        "com.durion.workexec.workorder.ready_for_billing",
        "workorder",
        "SO-100",
        FINALIZED_AT,
        READY,
        ServiceOrderReadyForBilling,
        customer_id="CUST-001",
        location_id="LOC-001",
        bill=BILL,
        po_number="PO-77",
    ),
    case(
        "com.durion.workexec.workorder.snapshot_finalized",
        "workorder",
        "SO-100",
        FINALIZED_AT,
        {
            **READY,
            "workorderSnapshotId": "SNAP-001",
            "estimateId": "EST-0001",
            "finalizedAt": "2026-01-25T13:30:00Z",
            "finalizedBy": "SUPER-001",
        },
        SnapshotFinalized,
        customer_id="CUST-001",
        location_id="LOC-001",
        bill=BILL,
        po_number="PO-77",
        estimate_id="EST-0001",
        finalized_by="SUPER-001",
    ),
    case(
        "ServiceOrderBilledEvent",
        "service_order",
        "SO-100",
        BILLED_AT,
        {
            "serviceOrderId": "SO-100",
            "customerId": "CUST-001",
            "amount": Decimal("453.58"),
            "currency": "USD",
        },
        ServiceOrderBilled,
        customer_id="CUST-001",
        amount=Decimal("453.58"),
        currency="USD",
    ),
    status_changed("SO-101", STARTED_AT, S.REQUESTED, S.CANCELLED, None, "Customer sold the car"),
    case(
        "SlaAtRiskEvent",
        "service_order",
        "SO-100",
        STARTED_AT + timedelta(minutes=30),
        {**SLA_ALERT, "detectedAt": "2026-01-25T08:30:00Z"},
        SlaAtRisk,
        **SLA_FACTS,
    ),
    case(
        "SlaBreachedEvent",
        "service_order",
        "SO-100",
        STARTED_AT + timedelta(hours=2),
        {**SLA_ALERT, "detectedAt": "2026-01-25T10:00:00Z"},
        SlaBreached,
        **SLA_FACTS,
    ),
)


@dataclass(frozen=True)
class Migrated:
    replayed: list[DomainEvent]
    """What a tenant's replay (`since: 0`) reads."""
    stored: list[Mapping[str, Any]]
    """The outbox's documents, in sequence order."""


async def _migrated(database_url: str, cases: tuple[Case, ...]) -> Migrated:
    """The outbox after `cases`' legacy rows (published, as everything written before was)
    went through the migration to head."""
    async with database_of_its_own(database_url, BEFORE_TYPED_FACTS) as url:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    insert(outbox),
                    [
                        {
                            "event_id": c.row.event_id,
                            "tenant_id": TENANT,
                            "event_type": c.row.event_type,
                            "aggregate_type": c.row.aggregate_type,
                            "aggregate_id": c.row.aggregate_id,
                            "occurred_at": c.row.occurred_at,
                            "payload": c.row.payload,
                            "sequence": sequence,
                            "published_at": c.row.occurred_at,
                        }
                        for sequence, c in enumerate(cases, start=1)
                    ],
                )
                await connection.execute(update(outbox_cursor).values(last_sequence=len(cases)))
            await upgrade_async(url)
            async with unit_of_work_factory(engine, TENANT)() as work:
                replayed = await work.event_log.after(0, None, None, len(cases) + 1)
            async with engine.connect() as connection:
                stored = await connection.scalars(select(outbox.c.payload).order_by("sequence"))
                documents = list(stored)
        finally:
            await engine.dispose()
    assert [p.sequence for p in replayed] == list(range(1, len(cases) + 1))
    return Migrated([p.event for p in replayed], documents)


ADDED_SINCE: Mapping[str, frozenset[str]] = {
    "ServiceOrderStatusChanged": frozenset(
        {"changed_by", "appointment_id", "estimated_completion_at"}
    ),
}
"""Facts events gained after 0007 wrote these rows: the rows lack them and read them back
as their defaults (None)."""


def published_today(payload: Mapping[str, Any], event_type: str) -> Mapping[str, Any]:
    """A legacy row's payload as the gateway publishes the same fact today: status_changed
    names the order's states as seed 001 does (ShopMgmt's ASSIGNED, WORK_IN_PROGRESS) and
    carries who, the appointment and the metadata, unknown for these rows."""
    if event_type != "com.durion.workexec.workorder.status_changed":
        return payload
    seed_name = {"DISPATCHED": "ASSIGNED", "IN_PROGRESS": "WORK_IN_PROGRESS"}
    return {
        **payload,
        "previousStatus": seed_name.get(payload["previousStatus"], payload["previousStatus"]),
        "newStatus": seed_name.get(payload["newStatus"], payload["newStatus"]),
        "appointmentId": None,
        "statusChangedBy": None,
        "metadata": {
            "reason": payload.get("metadata", {}).get("reason"),
            "estimatedCompletionTime": None,
        },
    }


def _assert_read_back(cases: tuple[Case, ...], migrated: Migrated) -> None:
    """Each row is its typed fact, stored as the code stores that fact today (but for
    facts added since), and the fact's seed document is the row's old payload as it is
    published today."""
    assert len(migrated.replayed) == len(cases)
    for expected, event, document in zip(cases, migrated.replayed, migrated.stored, strict=True):
        assert event == expected.fact
        added = ADDED_SINCE.get(event.event_type, frozenset())
        assert document == {k: v for k, v in facts_of(expected.fact).items() if k not in added}
        wire = to_wire(event)
        assert (wire.event_type, wire.aggregate_type, wire.aggregate_id) == (
            expected.row.event_type,
            expected.row.aggregate_type,
            expected.row.aggregate_id,
        )
        assert wire.payload == published_today(expected.row.payload, wire.event_type)


async def test_every_legacy_event_reads_back_as_its_fact_and_as_the_seed_document_it_was(
    database_url: str,
) -> None:
    assert {c.row.event_type for c in CASES} == {
        "CustomerCreatedEvent",
        "CustomerUpdatedEvent",
        "VehicleRegisteredEvent",
        "VehicleUpdatedEvent",
        "ServiceOrderCreatedEvent",
        "ServiceOrderScheduledEvent",
        "ServiceOrderCompletedEvent",
        "ServiceOrderBilledEvent",
        "com.durion.workexec.workorder.status_changed",
        "com.durion.workexec.workorder.work_session_recorded",
        "com.durion.workexec.workorder.parts_usage_recorded",
        "com.durion.workexec.workorder.ready_for_billing",
        "com.durion.workexec.workorder.snapshot_finalized",
        "SlaAtRiskEvent",
        "SlaBreachedEvent",
    }
    _assert_read_back(CASES, await _migrated(database_url, CASES))


async def test_a_legacy_instant_keeps_its_microseconds(database_url: str) -> None:
    """The clocks gave microseconds, which the seed payloads kept; so does the fact (the
    wire shows milliseconds, as it does for every instant since issue 14)."""
    start = datetime(2026, 1, 25, 8, 0, 0, 123456, tzinfo=UTC)
    scheduled = case(
        "ServiceOrderScheduledEvent",
        "service_order",
        "SO-100",
        datetime(2026, 1, 25, 7, 0, 0, 654321, tzinfo=UTC),
        {
            "serviceOrderId": "SO-100",
            "scheduleStart": "2026-01-25T08:00:00.123456Z",
            "scheduleEnd": "2026-01-25T12:30:00Z",
        },
        ServiceOrderScheduled,
        schedule_start=start,
        schedule_end=COMPLETED_AT,
    )
    [event] = (await _migrated(database_url, (scheduled,))).replayed
    assert event == scheduled.fact
    assert to_wire(event).payload["scheduleStart"] == "2026-01-25T08:00:00.123Z"


def estimate_cases() -> tuple[Case, ...]:
    from domain.estimates.events import EstimateStatusChanged, QuoteApproved
    from domain.estimates.status import EstimateStatus

    estimate_id = "6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21"
    approved_at = datetime(2026, 1, 25, 10, 30, tzinfo=UTC)
    status = {
        "estimateNumber": "EST-0001",
        "locationId": "LOC-001",
        "customerId": "CUST-001",
        "grandTotal": Decimal("144.71"),
        "statusChangedBy": "USER-001",
    }
    facts = {
        "number": "EST-0001",
        "location_id": "LOC-001",
        "customer_id": "CUST-001",
        "grand_total": Decimal("144.71"),
        "changed_by": "USER-001",
    }
    return (
        case(
            "com.durion.workexec.estimate.status_changed",
            "estimate",
            estimate_id,
            approved_at,
            {
                **status,
                "estimateId": estimate_id,
                "revision": 1,
                "previousStatus": "PENDING_APPROVAL",
                "newStatus": "APPROVED",
                "previousEstimateId": None,
                "statusChangedAt": "2026-01-25T10:30:00Z",
            },
            EstimateStatusChanged,
            stamped_at=approved_at + timedelta(microseconds=1834),
            **facts,
            revision=1,
            previous_status=EstimateStatus.PENDING_APPROVAL,
            new_status=EstimateStatus.APPROVED,
            previous_estimate_id=None,
        ),
        case(
            "trakservice.quote.approved.v1",
            "quote",
            estimate_id,
            approved_at,
            {
                "quote_id": estimate_id,
                "quote_number": "EST-0001",
                "work_order_id": None,
                "status": "approved",
                "total": Decimal("144.71"),
                "subtotal_services": Decimal("60.00"),
                "subtotal_materials": Decimal("89.99"),
                "discount_percent": Decimal("10.00"),
                "discount_amount": Decimal("15.00"),
                "approved_at": "2026-01-25T10:30:00Z",
                "approved_by_id": "USER-001",
                "valid_until": "2026-01-31",
                "item_count": 2,
            },
            QuoteApproved,
            quote_number="EST-0001",
            total=Decimal("144.71"),
            subtotal_services=Decimal("60.00"),
            subtotal_materials=Decimal("89.99"),
            discount_percent=Decimal("10.00"),
            discount_amount=Decimal("15.00"),
            approved_at=approved_at,
            approved_by="USER-001",
            valid_until=date(2026, 1, 31),
            item_count=2,
        ),
        case(
            "com.durion.workexec.estimate.status_changed",
            "estimate",
            "EST-0001-R2",
            datetime(2026, 1, 26, 10, 30, tzinfo=UTC),
            {
                **status,
                "estimateId": "EST-0001-R2",
                "revision": 2,
                "previousStatus": None,
                "newStatus": "DRAFT",
                "previousEstimateId": estimate_id,
                "statusChangedAt": "2026-01-26T10:30:00Z",
            },
            EstimateStatusChanged,
            stamped_at=datetime(2026, 1, 26, 10, 30, 0, 2071, tzinfo=UTC),
            **facts,
            revision=2,
            previous_status=None,
            new_status=EstimateStatus.DRAFT,
            previous_estimate_id=estimate_id,
        ),
    )


async def test_legacy_estimate_events_read_back_as_their_facts(database_url: str) -> None:
    """The baseline stamped a status change a moment after the decision its
    `statusChangedAt` names; the fact's instant is the decision's.
    """
    cases = estimate_cases()
    _assert_read_back(cases, await _migrated(database_url, cases))
