"""Estimates on the wire: seed 001's status-changed CloudEvent and seed 003's quote event.

`com.durion.workexec.estimate.status_changed` (aggregate type `estimate`) carries
`{estimateId, estimateNumber, revision, previousStatus, newStatus, locationId,
customerId, grandTotal, previousEstimateId, statusChangedAt, statusChangedBy}`;
`previousStatus` is null for a new revision and `statusChangedAt` is the event's instant.

`trakservice.quote.approved.v1` (aggregate type `quote`, in the quote format of
`subscriptions/wire/quote.py`) carries seed 003's `data`: `{quote_id, quote_number,
work_order_id, status, total, subtotal_services, subtotal_materials, discount_percent,
discount_amount, approved_at, approved_by_id, valid_until, item_count}`. Amounts are
exact decimals, `approved_at` an instant ending in Z and `valid_until` a date.
`work_order_id` is null (the work order is opened from the approved quote later) and
`status` is always `approved`; the gateway reads the quote event it publishes itself
(finance books its costs), and refuses one whose `quote_id` is not its `aggregate_id`.
"""

from __future__ import annotations

from typing import Any

from domain.estimates.events import EstimateStatusChanged, QuoteApproved
from domain.instants import utc_text
from subscriptions.wire.cloudevents import workexec_type
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, const, nullable, record
from subscriptions.wire.quote import QUOTE_APPROVED

STATUS_CHANGED = {
    "number": "estimateNumber",
    "revision": "revision",
    "previous_status": "previousStatus",
    "new_status": "newStatus",
    "location_id": "locationId",
    "customer_id": "customerId",
    "grand_total": "grandTotal",
    "previous_estimate_id": "previousEstimateId",
    "changed_by": "statusChangedBy",
}
QUOTE = {
    "quote_number": "quote_number",
    "total": "total",
    "subtotal_services": "subtotal_services",
    "subtotal_materials": "subtotal_materials",
    "discount_percent": "discount_percent",
    "discount_amount": "discount_amount",
    "approved_at": "approved_at",
    "approved_by": "approved_by_id",
    "valid_until": "valid_until",
    "item_count": "item_count",
}


def status_changed_document(event: EstimateStatusChanged) -> dict[str, Any]:
    return {
        "estimateId": event.aggregate_id,
        "estimateNumber": event.number,
        "revision": event.revision,
        "previousStatus": None if event.previous_status is None else event.previous_status.value,
        "newStatus": event.new_status.value,
        "locationId": event.location_id,
        "customerId": event.customer_id,
        "grandTotal": event.grand_total,
        "previousEstimateId": event.previous_estimate_id,
        "statusChangedAt": utc_text(event.occurred_at),
        "statusChangedBy": event.changed_by,
    }


def status_changed_fact(wire: WireEvent) -> EstimateStatusChanged:
    return parsed(EstimateStatusChanged, wire, read(wire.payload, STATUS_CHANGED), STATUS_CHANGED)


def quote_approved_document(event: QuoteApproved) -> dict[str, Any]:
    return {
        "quote_id": event.aggregate_id,
        "quote_number": event.quote_number,
        "work_order_id": None,
        "status": "approved",
        "total": event.total,
        "subtotal_services": event.subtotal_services,
        "subtotal_materials": event.subtotal_materials,
        "discount_percent": event.discount_percent,
        "discount_amount": event.discount_amount,
        "approved_at": utc_text(event.approved_at),
        "approved_by_id": event.approved_by,
        "valid_until": event.valid_until.isoformat(),
        "item_count": event.item_count,
    }


def quote_approved_fact(wire: WireEvent) -> QuoteApproved:
    quote_id = wire.payload.get("quote_id")
    if quote_id != wire.aggregate_id:
        raise MalformedEvent(
            f"{wire.event_type} payload: quote_id {quote_id!r} is not the event's "
            f"aggregate_id {wire.aggregate_id!r}"
        )
    return parsed(QuoteApproved, wire, read(wire.payload, QUOTE), QUOTE)


CONTRACTS = (
    Contract(
        EstimateStatusChanged,
        workexec_type("estimate", "status_changed"),
        status_changed_document,
        status_changed_fact,
    ),
    Contract(QuoteApproved, QUOTE_APPROVED, quote_approved_document, quote_approved_fact),
)

SCHEMAS: dict[str, Schema] = {
    workexec_type("estimate", "status_changed"): record(
        EstimateStatusChanged, STATUS_CHANGED, estimateId=STRING, statusChangedAt=INSTANT
    ),
    QUOTE_APPROVED: record(
        QuoteApproved,
        QUOTE,
        quote_id=STRING,
        work_order_id=nullable(STRING),
        status=const("approved"),
    ),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
