"""Service orders on the wire: seed 000's CRM events, seed 001's work-order CloudEvents,
and what Dispatch, Inventory and Contracts send about orders.

Published, in the CRM envelope (aggregate type `service_order`):
`ServiceOrderCreatedEvent` `{serviceOrderId, customerId, priority, status}`,
`ServiceOrderScheduledEvent` `{serviceOrderId, scheduleStart, scheduleEnd}`,
`ServiceOrderCompletedEvent` `{serviceOrderId, completionTime, resolutionCode}`,
`ServiceOrderBilledEvent` `{serviceOrderId, customerId, amount, currency}`.

Published as CloudEvents `com.durion.workexec.workorder.*` (aggregate type `workorder`):
`status_changed`, `work_session_recorded`, `parts_usage_recorded`, `ready_for_billing`
and `snapshot_finalized`, each with the `data` seed 001 shows (`workorderId` first).
An instant the payload repeats from the event (`statusChangedAt`, `recordedAt`,
`finalizedAt`) is the event's own instant.

Consumed, in the CRM envelope (the seed names the events; the payloads are the
gateway's contract): `TechnicianAssignedEvent` `{serviceOrderId, technicianId}`,
`PartsConsumedEvent` `{serviceOrderId, parts: [{workorderPartId, productId, sku,
quantity, unitPrice, taxCode?, emergency?}]}` and `ContractEntitlementValidatedEvent`
`{serviceOrderId, contractId}`. ShopMgmt's `com.durion.shopmgmt.appointment.updated`
comes as a CloudEvent (subject: the appointment id; `time`: when it moved) with `data`
`{appointmentId, workorderId, status, scheduledStart?, scheduledEnd?, reason?}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

from domain.events import DomainEvent
from domain.instants import utc_text
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
from domain.service_orders.inbound import (
    AppointmentUpdated,
    ConsumedPart,
    ContractEntitlementValidated,
    PartsConsumed,
    TechnicianAssigned,
)
from domain.service_orders.status import ServiceOrderStatus
from subscriptions.wire.cloudevents import workexec_type
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import (
    INSTANT,
    NUMBER,
    STRING,
    Schema,
    array,
    const,
    fields,
    obj,
    one_of,
    record,
)

E = TypeVar("E", bound=DomainEvent)

CREATED = {"customer_id": "customerId", "priority": "priority", "status": "status"}
SCHEDULED = {"schedule_start": "scheduleStart", "schedule_end": "scheduleEnd"}
COMPLETED = {"completion_time": "completionTime", "resolution_code": "resolutionCode"}
BILLED = {"customer_id": "customerId", "amount": "amount", "currency": "currency"}
STATUS_CHANGED = {
    "previous_status": "previousStatus",
    "new_status": "newStatus",
    "location_id": "locationId",
    "customer_id": "customerId",
    "technician_id": "technicianId",
    "appointment_id": "appointmentId",
}
METADATA = {"reason": "reason", "estimated_completion_at": "estimatedCompletionTime"}
APPOINTMENT_UPDATED = "com.durion.shopmgmt.appointment.updated"
APPOINTMENT = {
    "service_order_id": "workorderId",
    "status": "status",
    "scheduled_start": "scheduledStart",
    "scheduled_end": "scheduledEnd",
    "reason": "reason",
}
APPOINTMENT_STATUS_LENGTH = 32
WIRE_STATUS: Mapping[ServiceOrderStatus, str] = MappingProxyType(
    {
        ServiceOrderStatus.REQUESTED: "REQUESTED",
        ServiceOrderStatus.SCHEDULED: "SCHEDULED",
        ServiceOrderStatus.DISPATCHED: "ASSIGNED",
        ServiceOrderStatus.IN_PROGRESS: "WORK_IN_PROGRESS",
        ServiceOrderStatus.COMPLETED: "COMPLETED",
        ServiceOrderStatus.BILLED: "BILLED",
        ServiceOrderStatus.CANCELLED: "CANCELLED",
    }
)
"""An order's status as seed 001's status_changed names it for ShopMgmt: a dispatched
order has its technician ASSIGNED, one under way is WORK_IN_PROGRESS; the states the
seed does not name keep the order's own name (ShopMgmt moves no appointment on them)."""
STATUS_OF_WIRE: Mapping[str, ServiceOrderStatus] = MappingProxyType(
    {
        **{status.value: status for status in ServiceOrderStatus},
        **{wire: status for status, wire in WIRE_STATUS.items()},
    }
)
"""Read back: the seed's names, and the order's own, which records published before the
mapping carry."""
WORK_SESSION = {
    "work_session_id": "workSessionId",
    "person_id": "personId",
    "location_id": "locationId",
    "start_time": "startTime",
    "end_time": "endTime",
    "break_duration_minutes": "breakDurationMinutes",
    "billable_minutes": "billableMinutes",
    "work_type": "workType",
}
RECORDED_PART = {
    "workorder_part_id": "workorderPartId",
    "product_id": "productId",
    "sku": "sku",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "declined": "declined",
    "emergency": "emergency",
}
PARTS_USAGE = {
    "location_id": "locationId",
    "customer_id": "customerId",
    "completed_at": "completedAt",
    "completed_by": "completedBy",
    "total_cost": "totalCost",
}
BILLED_PART = {
    "workorder_part_id": "workorderPartId",
    "product_id": "productId",
    "sku": "sku",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "line_total": "lineTotal",
}
BILLED_LABOR = {
    "work_session_id": "workSessionId",
    "person_id": "personId",
    "billable_minutes": "billableMinutes",
    "amount": "amount",
}
BILL = {
    "snapshot_id": "workorderSnapshotId",
    "captured_at": "capturedAt",
    "parts_total": "partsTotal",
    "labor_total": "laborTotal",
    "tax_total": "taxTotal",
    "grand_total": "grandTotal",
}
READY = {"customer_id": "customerId", "location_id": "locationId", "po_number": "poNumber"}
FINALIZED = {"estimate_id": "estimateId", "finalized_by": "finalizedBy"}
CONSUMED_PART = {
    "workorder_part_id": "workorderPartId",
    "product_id": "productId",
    "sku": "sku",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "tax_code": "taxCode",
    "emergency": "emergency",
}
ORDER = {"service_order_id": "serviceOrderId"}
ASSIGNED = {**ORDER, "technician_id": "technicianId"}
ENTITLED = {**ORDER, "contract_id": "contractId"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, Enum):
        return value.value
    return value


def seed_quantity(quantity: Decimal) -> Decimal:
    """A quantity as the seeds print it: `2`, `0.5` (stored with four places: 2.0000)."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


def _fields(value: Any, names: Mapping[str, str]) -> dict[str, Any]:
    """`value`'s attributes under their payload names, instants, enums and quantities as
    the seeds write them."""
    return {
        field: seed_quantity(getattr(value, fact))
        if fact == "quantity"
        else _plain(getattr(value, fact))
        for fact, field in names.items()
    }


def _lines(value: Any, names: Mapping[str, str]) -> Any:
    """The fact fields of each line of a payload list (anything else is left for `parsed`
    to report)."""
    if not isinstance(value, list):
        return value
    return [read(line, names) if isinstance(line, dict) else line for line in value]


def _crm(kind: type[E], name: str, names: Mapping[str, str]) -> Contract[E]:
    """An order's own CRM event: `serviceOrderId` and the fields `names` maps."""

    def document(event: E) -> dict[str, Any]:
        return {"serviceOrderId": event.aggregate_id, **_fields(event, names)}

    def fact(wire: WireEvent) -> E:
        return parsed(kind, wire, read(wire.payload, names), names)

    return Contract(kind, name, document, fact)


def status_changed_document(event: ServiceOrderStatusChanged) -> dict[str, Any]:
    completion = event.estimated_completion_at
    return {
        "workorderId": event.aggregate_id,
        **_fields(event, STATUS_CHANGED),
        "previousStatus": WIRE_STATUS[event.previous_status],
        "newStatus": WIRE_STATUS[event.new_status],
        "statusChangedAt": utc_text(event.occurred_at),
        "statusChangedBy": event.changed_by,
        "metadata": {
            "reason": event.reason,
            "estimatedCompletionTime": None if completion is None else utc_text(completion),
        },
    }


def status_changed_fact(wire: WireEvent) -> ServiceOrderStatusChanged:
    names = {**STATUS_CHANGED, "changed_by": "statusChangedBy"}
    facts = read(wire.payload, names)
    for status in ("previous_status", "new_status"):
        if status in facts:
            facts[status] = STATUS_OF_WIRE.get(facts[status], facts[status])
    metadata = wire.payload.get("metadata")
    if isinstance(metadata, dict):
        facts |= read(metadata, METADATA)
    return parsed(ServiceOrderStatusChanged, wire, facts, {**names, **METADATA})


def work_session_document(event: WorkSessionRecorded) -> dict[str, Any]:
    document = {"workorderId": event.aggregate_id, **_fields(event, WORK_SESSION)}
    return {
        **document,
        "status": "COMPLETED",
        "recordedAt": utc_text(event.occurred_at),
        "recordedBy": event.recorded_by,
    }


def work_session_fact(wire: WireEvent) -> WorkSessionRecorded:
    names = {**WORK_SESSION, "recorded_by": "recordedBy"}
    return parsed(WorkSessionRecorded, wire, read(wire.payload, names), names)


def parts_usage_document(event: PartsUsageRecorded) -> dict[str, Any]:
    fields = _fields(event, PARTS_USAGE)
    return {
        "workorderId": event.aggregate_id,
        "locationId": fields["locationId"],
        "customerId": fields["customerId"],
        "completedAt": fields["completedAt"],
        "completedBy": fields["completedBy"],
        "parts": [
            {**_fields(part, RECORDED_PART), "usageQuantity": seed_quantity(part.quantity)}
            for part in event.parts
        ],
        "totalCost": fields["totalCost"],
    }


def parts_usage_fact(wire: WireEvent) -> PartsUsageRecorded:
    facts = read(wire.payload, PARTS_USAGE)
    if "parts" in wire.payload:
        facts["parts"] = _lines(wire.payload["parts"], RECORDED_PART)
    names = {**PARTS_USAGE, **RECORDED_PART, "parts": "parts"}
    return parsed(PartsUsageRecorded, wire, facts, names)


def bill_document(bill: BillSummary) -> dict[str, Any]:
    return {
        **_fields(bill, BILL),
        "parts": [_fields(part, BILLED_PART) for part in bill.parts],
        "labor": [_fields(line, BILLED_LABOR) for line in bill.labor],
    }


def _bill_facts(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {
        **read(value, BILL),
        **{
            lines: _lines(value[lines], names)
            for lines, names in (("parts", BILLED_PART), ("labor", BILLED_LABOR))
            if lines in value
        },
    }


BILL_NAMES = {**BILL, **BILLED_PART, **BILLED_LABOR, "bill": "billableSnapshot"}


def ready_document(event: ServiceOrderReadyForBilling) -> dict[str, Any]:
    fields = _fields(event, READY)
    return {
        "workorderId": event.aggregate_id,
        "customerId": fields["customerId"],
        "locationId": fields["locationId"],
        "billableSnapshot": bill_document(event.bill),
        "poNumber": fields["poNumber"],
    }


def ready_fact(wire: WireEvent) -> ServiceOrderReadyForBilling:
    return parsed(ServiceOrderReadyForBilling, wire, _ready_facts(wire, READY), _names(READY))


def finalized_document(event: SnapshotFinalized) -> dict[str, Any]:
    return {
        **ready_document(event),
        "workorderSnapshotId": event.bill.snapshot_id,
        "estimateId": event.estimate_id,
        "finalizedAt": utc_text(event.occurred_at),
        "finalizedBy": event.finalized_by,
    }


def finalized_fact(wire: WireEvent) -> SnapshotFinalized:
    names = {**READY, **FINALIZED}
    return parsed(SnapshotFinalized, wire, _ready_facts(wire, names), _names(names))


def _ready_facts(wire: WireEvent, names: Mapping[str, str]) -> dict[str, Any]:
    facts = read(wire.payload, names)
    if "billableSnapshot" in wire.payload:
        facts["bill"] = _bill_facts(wire.payload["billableSnapshot"])
    return facts


def _names(names: Mapping[str, str]) -> dict[str, str]:
    return {**names, **BILL_NAMES}


def technician_assigned_fact(wire: WireEvent) -> TechnicianAssigned:
    return parsed(TechnicianAssigned, wire, read(wire.payload, ASSIGNED), ASSIGNED)


def parts_consumed_document(event: PartsConsumed) -> dict[str, Any]:
    return {
        "serviceOrderId": event.service_order_id,
        "parts": [_fields(part, CONSUMED_PART) for part in event.parts],
    }


def parts_consumed_fact(wire: WireEvent) -> PartsConsumed:
    parts = wire.payload.get("parts")
    if parts == []:
        raise MalformedEvent(f"{wire.event_type} payload: parts: lists no part")
    facts = read(wire.payload, ORDER)
    if parts is not None:
        facts["parts"] = _lines(parts, CONSUMED_PART)
    return parsed(PartsConsumed, wire, facts, {**ORDER, **CONSUMED_PART, "parts": "parts"})


def appointment_updated_document(event: AppointmentUpdated) -> dict[str, Any]:
    return {"appointmentId": event.aggregate_id, **_fields(event, APPOINTMENT)}


def appointment_updated_fact(wire: WireEvent) -> AppointmentUpdated:
    named = wire.payload.get("appointmentId", wire.aggregate_id)
    if named != wire.aggregate_id:
        raise MalformedEvent(
            f"{wire.event_type} payload: appointmentId {named!r} is not the subject's "
            f"{wire.aggregate_id!r}"
        )
    status = wire.payload.get("status")
    if isinstance(status, str) and not 0 < len(status) <= APPOINTMENT_STATUS_LENGTH:
        raise MalformedEvent(
            f"{wire.event_type} payload: status: 1 to {APPOINTMENT_STATUS_LENGTH} characters"
        )
    return parsed(AppointmentUpdated, wire, read(wire.payload, APPOINTMENT), APPOINTMENT)


def entitlement_validated_fact(wire: WireEvent) -> ContractEntitlementValidated:
    return parsed(ContractEntitlementValidated, wire, read(wire.payload, ENTITLED), ENTITLED)


def _flat(names: Mapping[str, str]) -> Callable[[DomainEvent], dict[str, Any]]:
    return lambda event: _fields(event, names)


def _work_order(action: str) -> str:
    return workexec_type("workorder", action)


CONTRACTS = (
    _crm(ServiceOrderCreated, "ServiceOrderCreatedEvent", CREATED),
    _crm(ServiceOrderScheduled, "ServiceOrderScheduledEvent", SCHEDULED),
    _crm(ServiceOrderCompleted, "ServiceOrderCompletedEvent", COMPLETED),
    _crm(ServiceOrderBilled, "ServiceOrderBilledEvent", BILLED),
    Contract(
        ServiceOrderStatusChanged,
        _work_order("status_changed"),
        status_changed_document,
        status_changed_fact,
    ),
    Contract(
        WorkSessionRecorded,
        _work_order("work_session_recorded"),
        work_session_document,
        work_session_fact,
    ),
    Contract(
        PartsUsageRecorded,
        _work_order("parts_usage_recorded"),
        parts_usage_document,
        parts_usage_fact,
    ),
    Contract(
        ServiceOrderReadyForBilling, _work_order("ready_for_billing"), ready_document, ready_fact
    ),
    Contract(
        SnapshotFinalized, _work_order("snapshot_finalized"), finalized_document, finalized_fact
    ),
)

INBOUND = (
    Contract(
        TechnicianAssigned,
        "TechnicianAssignedEvent",
        _flat(ASSIGNED),
        technician_assigned_fact,
    ),
    Contract(PartsConsumed, "PartsConsumedEvent", parts_consumed_document, parts_consumed_fact),
    Contract(
        ContractEntitlementValidated,
        "ContractEntitlementValidatedEvent",
        _flat(ENTITLED),
        entitlement_validated_fact,
    ),
    Contract(
        AppointmentUpdated,
        APPOINTMENT_UPDATED,
        appointment_updated_document,
        appointment_updated_fact,
    ),
)
"""Other domains' events about orders: parsed into facts here, never published."""

_ID = {"serviceOrderId": STRING}
_WORK_ORDER_ID = {"workorderId": STRING}
_STATUS = one_of(dict.fromkeys(WIRE_STATUS.values()))
_BILL = {
    **fields(BillSummary, BILL),
    "parts": array(record(BilledPart, BILLED_PART)),
    "labor": array(record(BilledLabor, BILLED_LABOR)),
}
_READY = {
    **_WORK_ORDER_ID,
    **fields(ServiceOrderReadyForBilling, READY),
    "billableSnapshot": obj(_BILL),
}
_FINALIZED = {
    **_READY,
    # seed 001 shows the snapshot's id and instant beside the bill here, not in it: the
    # gateway writes both places, a consumer reads the top-level id
    "billableSnapshot": obj(_BILL, optional=("workorderSnapshotId", "capturedAt")),
    "workorderSnapshotId": STRING,
    **fields(SnapshotFinalized, FINALIZED),
    "finalizedAt": INSTANT,
}
SCHEMAS: Mapping[str, Schema] = MappingProxyType(
    {
        "ServiceOrderCreatedEvent": record(ServiceOrderCreated, CREATED, **_ID),
        "ServiceOrderScheduledEvent": record(ServiceOrderScheduled, SCHEDULED, **_ID),
        "ServiceOrderCompletedEvent": record(ServiceOrderCompleted, COMPLETED, **_ID),
        "ServiceOrderBilledEvent": record(ServiceOrderBilled, BILLED, **_ID),
        _work_order("status_changed"): record(
            ServiceOrderStatusChanged,
            {**STATUS_CHANGED, "changed_by": "statusChangedBy"},
            **_WORK_ORDER_ID,
            previousStatus=_STATUS,
            newStatus=_STATUS,
            statusChangedAt=INSTANT,
            metadata=record(ServiceOrderStatusChanged, METADATA),
        ),
        _work_order("work_session_recorded"): record(
            WorkSessionRecorded,
            {**WORK_SESSION, "recorded_by": "recordedBy"},
            **_WORK_ORDER_ID,
            status=const("COMPLETED"),
            recordedAt=INSTANT,
        ),
        _work_order("parts_usage_recorded"): record(
            PartsUsageRecorded,
            PARTS_USAGE,
            **_WORK_ORDER_ID,
            parts=array(record(RecordedPart, RECORDED_PART, usageQuantity=NUMBER)),
        ),
        _work_order("ready_for_billing"): obj(_READY),
        _work_order("snapshot_finalized"): obj(_FINALIZED),
        "TechnicianAssignedEvent": record(TechnicianAssigned, ASSIGNED),
        "PartsConsumedEvent": record(
            PartsConsumed,
            ORDER,
            parts={
                **array(record(ConsumedPart, CONSUMED_PART)),
                "minItems": 1,  # parts_consumed_fact refuses an event that lists no part
            },
        ),
        "ContractEntitlementValidatedEvent": record(ContractEntitlementValidated, ENTITLED),
        APPOINTMENT_UPDATED: record(
            AppointmentUpdated,
            APPOINTMENT,
            appointmentId=STRING,
            status={**STRING, "minLength": 1, "maxLength": APPOINTMENT_STATUS_LENGTH},
        ),
    }
)
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
