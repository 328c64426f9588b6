"""Seed 001's three fail-closed acknowledgements, and the alert of one that is late.

Seed 001 names the events (`com.durion.people.work_session.completed`,
`com.durion.order.sales_order.created`, `com.durion.accounting.revenue.recorded`) but not
their payloads or topics; these are the gateway's contract (docs/acknowledgements.md),
CloudEvents like the WorkExec events they answer, `source` and `durion:domain` the
answering domain (`people`, `order`, `accounting`), the subject the id that side gives
what it did. The gateway publishes them where it plays that side, and reads them (its
own and other systems') to acknowledge the order:

- `work_session.completed` (subject: the work session id) `{workSessionId, workorderId,
  personId, status: "COMPLETED", completedAt}`;
- `sales_order.created` (subject: the sales order id) `{salesOrderId, workorderId,
  workorderSnapshotId, customerId, status}`;
- `revenue.recorded` (subject: the revenue record id) `{revenueRecordId, workorderId,
  workorderSnapshotId, amount}`.

`time` is when the side acted. An id field that disagrees with the subject, or a work
session `status` other than COMPLETED, is malformed.

The alert, `com.durion.workexec.workorder.acknowledgement_overdue` (subject: the work
order) `{workorderId, locationId, customerId, awaitedSystem, awaitedEvent, reference,
awaitedSince, overdueAt, timeoutSeconds}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from domain.events import DomainEvent
from domain.instants import utc_text
from domain.service_orders.acknowledgements import (
    AcknowledgementOverdue,
    Acknowledger,
    Awaited,
    RevenueRecorded,
    SalesOrderCreatedForWorkOrder,
    WorkSessionCompleted,
)
from subscriptions.wire.cloudevents import workexec_type
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, const, one_of, record

E = TypeVar("E", bound=DomainEvent)

WORK_SESSION_COMPLETED = Awaited.WORK_SESSION_COMPLETED.value
SALES_ORDER_CREATED = Awaited.SALES_ORDER_CREATED.value
REVENUE_RECORDED = Awaited.REVENUE_RECORDED.value
ACKNOWLEDGEMENT_OVERDUE = workexec_type("workorder", "acknowledgement_overdue")
TOPICS = {
    WORK_SESSION_COMPLETED: "people.work_session.completed",
    SALES_ORDER_CREATED: "order.sales_order.created",
    REVENUE_RECORDED: "accounting.revenue.recorded",
}
ACKNOWLEDGING = tuple(TOPICS)
"""The event types that acknowledge, which the gateway consumes."""
SESSION_STATUS = "COMPLETED"

SESSION = {"workorder_id": "workorderId", "person_id": "personId"}
SNAPSHOT = {"workorder_id": "workorderId", "workorder_snapshot_id": "workorderSnapshotId"}
SALES_ORDER = {**SNAPSHOT, "customer_id": "customerId", "status": "status"}
REVENUE = {**SNAPSHOT, "amount": "amount"}


def _session_document(event: WorkSessionCompleted) -> dict[str, Any]:
    return {
        "workSessionId": event.aggregate_id,
        "workorderId": event.workorder_id,
        "personId": event.person_id,
        "status": SESSION_STATUS,
        "completedAt": utc_text(event.occurred_at),
    }


def _session_fact(wire: WireEvent) -> WorkSessionCompleted:
    _same_as_subject(wire, "workSessionId")
    status = wire.payload.get("status", SESSION_STATUS)
    if status != SESSION_STATUS:
        raise MalformedEvent(
            f"{wire.event_type} payload: status: {status!r}, where only {SESSION_STATUS!r} "
            "confirms a session"
        )
    return parsed(WorkSessionCompleted, wire, read(wire.payload, SESSION), SESSION)


def _sales_order_document(event: SalesOrderCreatedForWorkOrder) -> dict[str, Any]:
    return {
        "salesOrderId": event.aggregate_id,
        "workorderId": event.workorder_id,
        "workorderSnapshotId": event.workorder_snapshot_id,
        "customerId": event.customer_id,
        "status": event.status,
    }


def _revenue_document(event: RevenueRecorded) -> dict[str, Any]:
    return {
        "revenueRecordId": event.aggregate_id,
        "workorderId": event.workorder_id,
        "workorderSnapshotId": event.workorder_snapshot_id,
        "amount": event.amount,
    }


def _fact_of(kind: type[E], id_field: str, names: Mapping[str, str]) -> Callable[[WireEvent], E]:
    def fact(wire: WireEvent) -> E:
        _same_as_subject(wire, id_field)
        return parsed(kind, wire, read(wire.payload, names), names)

    return fact


def _same_as_subject(wire: WireEvent, id_field: str) -> None:
    named = wire.payload.get(id_field, wire.aggregate_id)
    if named != wire.aggregate_id:
        raise MalformedEvent(
            f"{wire.event_type} payload: {id_field} {named!r} is not the subject's "
            f"{wire.aggregate_id!r}"
        )


def _overdue_document(event: AcknowledgementOverdue) -> dict[str, Any]:
    return {
        "workorderId": event.aggregate_id,
        "locationId": event.location_id,
        "customerId": event.customer_id,
        "awaitedSystem": event.awaited.system.value,
        "awaitedEvent": event.awaited.value,
        "reference": event.reference,
        "awaitedSince": utc_text(event.awaited_since),
        "overdueAt": utc_text(event.occurred_at),
        "timeoutSeconds": event.timeout_seconds,
    }


OVERDUE = {
    "location_id": "locationId",
    "customer_id": "customerId",
    "awaited": "awaitedEvent",
    "reference": "reference",
    "awaited_since": "awaitedSince",
    "timeout_seconds": "timeoutSeconds",
}


def _overdue_fact(wire: WireEvent) -> AcknowledgementOverdue:
    return parsed(AcknowledgementOverdue, wire, read(wire.payload, OVERDUE), OVERDUE)


ACKNOWLEDGEMENTS = (
    Contract(WorkSessionCompleted, WORK_SESSION_COMPLETED, _session_document, _session_fact),
    Contract(
        SalesOrderCreatedForWorkOrder,
        SALES_ORDER_CREATED,
        _sales_order_document,
        _fact_of(SalesOrderCreatedForWorkOrder, "salesOrderId", SALES_ORDER),
    ),
    Contract(
        RevenueRecorded,
        REVENUE_RECORDED,
        _revenue_document,
        _fact_of(RevenueRecorded, "revenueRecordId", REVENUE),
    ),
)
"""Published where the gateway plays the side, and read back from every side."""
CONTRACTS = (
    *ACKNOWLEDGEMENTS,
    Contract(AcknowledgementOverdue, ACKNOWLEDGEMENT_OVERDUE, _overdue_document, _overdue_fact),
)


SCHEMAS: dict[str, Schema] = {
    WORK_SESSION_COMPLETED: record(
        WorkSessionCompleted,
        SESSION,
        workSessionId=STRING,
        status=const(SESSION_STATUS),
        completedAt=INSTANT,
    ),
    SALES_ORDER_CREATED: record(SalesOrderCreatedForWorkOrder, SALES_ORDER, salesOrderId=STRING),
    REVENUE_RECORDED: record(RevenueRecorded, REVENUE, revenueRecordId=STRING),
    ACKNOWLEDGEMENT_OVERDUE: record(
        AcknowledgementOverdue,
        OVERDUE,
        workorderId=STRING,
        awaitedSystem=one_of(side.value for side in Acknowledger),
        overdueAt=INSTANT,
    ),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
