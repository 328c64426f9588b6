"""What a service order records as it moves: typed, past-tense facts.

Seed 000's CRM topics carry the order's own events (`ServiceOrderCreated`...,
aggregate type `service_order`); seed 001's work-order CloudEvents carry what the work
produced (`WorkSessionRecorded`, `ServiceOrderReadyForBilling`..., aggregate type
`workorder`). Each fact holds what its seed document tells other systems, in the
domain's types; the documents themselves are made in `subscriptions/wire/`.
The SLA alerts keep their seed names here until the SLA monitor records typed facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors import InvalidInput
from domain.events import DomainEvent
from domain.service_orders.status import Priority, ServiceOrderStatus

SERVICE_ORDER = "service_order"
WORK_ORDER = "workorder"


def check_instant(instant: datetime | None, field: str) -> InvalidInput | None:
    """Instants must carry a time zone, or 09:00 means a different hour per server."""
    if instant is None:
        return InvalidInput(f"Enter {field} as a date and time.", field=field)
    if instant.tzinfo is None:
        return InvalidInput(f"{field} needs a time zone, e.g. 2026-02-03T09:00:00Z.", field=field)
    return None


@dataclass(frozen=True, kw_only=True)
class ServiceOrderEvent(DomainEvent):
    """A step of the order's own life, as the CRM topics announce it."""

    aggregate_type = SERVICE_ORDER


@dataclass(frozen=True, kw_only=True)
class ServiceOrderCreated(ServiceOrderEvent):
    customer_id: str
    priority: Priority
    status: ServiceOrderStatus


@dataclass(frozen=True, kw_only=True)
class ServiceOrderScheduled(ServiceOrderEvent):
    schedule_start: datetime
    schedule_end: datetime


@dataclass(frozen=True, kw_only=True)
class ServiceOrderCompleted(ServiceOrderEvent):
    completion_time: datetime
    resolution_code: str


@dataclass(frozen=True, kw_only=True)
class ServiceOrderBilled(ServiceOrderEvent):
    customer_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class WorkOrderEvent(DomainEvent):
    """What the work on an order produced, as Work Execution's CloudEvents announce it."""

    aggregate_type = WORK_ORDER


@dataclass(frozen=True, kw_only=True)
class ServiceOrderStatusChanged(WorkOrderEvent):
    """The order moved; it happened at `occurred_at`. `reason` says why it was cancelled.

    `changed_by` is who moved it (a user, or `dispatch` for Dispatch's assignment);
    `appointment_id` the ShopMgmt appointment it fulfils, if any; and
    `estimated_completion_at` the end of the booked visit while it is still ahead or under
    way. The three are None in changes recorded before they were kept.
    """

    previous_status: ServiceOrderStatus
    new_status: ServiceOrderStatus
    location_id: str
    customer_id: str
    technician_id: str | None
    reason: str | None = None
    changed_by: str | None = None
    appointment_id: str | None = None
    estimated_completion_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class WorkSessionRecorded(WorkOrderEvent):
    """A technician's time on the order was accepted; recorded at `occurred_at`."""

    work_session_id: str
    person_id: str
    location_id: str
    start_time: datetime
    end_time: datetime
    break_duration_minutes: int
    billable_minutes: int
    work_type: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class RecordedPart:
    """A part used on the order, declined ones included (they are never billed)."""

    workorder_part_id: str
    product_id: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    declined: bool
    emergency: bool


@dataclass(frozen=True, kw_only=True)
class PartsUsageRecorded(WorkOrderEvent):
    """Every part used on a completed order, told when its bill is finalized."""

    location_id: str
    customer_id: str
    completed_at: datetime | None
    completed_by: str
    parts: tuple[RecordedPart, ...]
    total_cost: Decimal


@dataclass(frozen=True, slots=True)
class BilledPart:
    workorder_part_id: str
    product_id: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True, slots=True)
class BilledLabor:
    work_session_id: str
    person_id: str
    billable_minutes: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BillSummary:
    """The finalized bill as billing sees it: totals and the lines that make them."""

    snapshot_id: str
    captured_at: datetime
    parts_total: Decimal
    labor_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    parts: tuple[BilledPart, ...]
    labor: tuple[BilledLabor, ...]


@dataclass(frozen=True, kw_only=True)
class ServiceOrderReadyForBilling(WorkOrderEvent):
    customer_id: str
    location_id: str
    bill: BillSummary
    po_number: str | None


@dataclass(frozen=True, kw_only=True)
class SnapshotFinalized(ServiceOrderReadyForBilling):
    """The billable snapshot was frozen at `occurred_at` by `finalized_by`."""

    estimate_id: str | None
    finalized_by: str


EVENTS = (
    ServiceOrderCreated,
    ServiceOrderScheduled,
    ServiceOrderCompleted,
    ServiceOrderBilled,
    ServiceOrderStatusChanged,
    WorkSessionRecorded,
    PartsUsageRecorded,
    ServiceOrderReadyForBilling,
    SnapshotFinalized,
)
