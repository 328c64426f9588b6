"""typed outbox facts: rewrite events stored in their seed's format as typed facts

Revision ID: 0007_typed_outbox_facts
Revises: 0006_sla_monitor
Create Date: 2026-11-24 09:00:00.000000

Before issue 14 the outbox kept every event as its seed contract wrote it: the seed's
event type (`CustomerCreatedEvent`, `com.durion.workexec.workorder.status_changed`,
`trakservice.quote.approved.v1`...) and the seed's payload (camelCase or snake_case,
amounts as JSON numbers, instants as ISO 8601 ending in `Z`). The outbox now keeps a
typed fact: the fact's class name and its fields (persistence/event_facts.py: amounts as
exact strings, instants in Python's ISO 8601, enums by value, nested facts as objects).
This rewrites every row of a seed name the gateway ever published into that form, so
replays (`since:`) and the event log (finance reads quote approvals from it) keep
reading them. Plain SQL, importing nothing of the application: the facts' names and
fields below are those of the code this revision was written with, and must stay so
even when that code changes.

The payload's own copy of the aggregate id (`customerId`, `serviceOrderId`,
`workorderId`, `estimateId`, `quote_id`) is the row's `aggregate_id`, and an instant
the payload repeated from the event (`statusChangedAt`, `recordedAt`, `finalizedAt`,
`detectedAt`) is its `occurred_at`: neither is stored in a fact. The quote's
`work_order_id` (always null) and `status` (always `approved`) are constants of its
contract, not facts.
"""

from collections.abc import Mapping, Sequence

from alembic import op

revision: str = "0007_typed_outbox_facts"
down_revision: str | None = "0006_sla_monitor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def same(field: str, source: str = "payload") -> str:
    """A text, integer, boolean or null value, stored as the seed stored it."""
    return f"{source}->'{field}'"


def amount(field: str, source: str = "payload") -> str:
    """A JSON number (how the seed payload kept a Decimal) as the exact decimal string a
    fact keeps; PostgreSQL's numeric keeps its scale (`12.50` stays `12.50`)."""
    return f"to_jsonb({source}->>'{field}')"


def instant(field: str, source: str = "payload") -> str:
    """An instant the seed wrote in UTC ending in `Z` as Python's `isoformat()` of it
    (`+00:00`); the seed wrote `isoformat()` with `+00:00` replaced, so this is exact."""
    return f"to_jsonb(regexp_replace({source}->>'{field}', 'Z$', '+00:00'))"


def document(fields: Mapping[str, str]) -> str:
    """A fact document: each fact field with the expression giving its value."""
    return "jsonb_build_object(" + ", ".join(f"'{f}', {e}" for f, e in fields.items()) + ")"


def lines(field: str, fields: Mapping[str, str], source: str = "payload") -> str:
    """The list `source->field` with each line rewritten by `fields` (which read `line`),
    in its order."""
    return (
        f"(SELECT coalesce(jsonb_agg({document(fields)} ORDER BY place), '[]'::jsonb) "
        f"FROM jsonb_array_elements({source}->'{field}') WITH ORDINALITY AS listed(line, place))"
    )


CUSTOMER = {
    "party_id": same("partyId"),
    "name": same("name"),
    "email": same("email"),
    "phone": same("phone"),
    "billing_terms_id": same("billingTermsId"),
    "version": same("version"),
}
VEHICLE = {
    "customer_id": same("customerId"),
    "vin": same("vin"),
    "unit_number": same("unitNumber"),
    "description": same("description"),
    "license_plate": same("licensePlate"),
    "version": same("version"),
}
BILL = {
    "snapshot_id": same("workorderSnapshotId", "payload->'billableSnapshot'"),
    "captured_at": instant("capturedAt", "payload->'billableSnapshot'"),
    "parts_total": amount("partsTotal", "payload->'billableSnapshot'"),
    "labor_total": amount("laborTotal", "payload->'billableSnapshot'"),
    "tax_total": amount("taxTotal", "payload->'billableSnapshot'"),
    "grand_total": amount("grandTotal", "payload->'billableSnapshot'"),
    "parts": lines(
        "parts",
        {
            "workorder_part_id": same("workorderPartId", "line"),
            "product_id": same("productId", "line"),
            "sku": same("sku", "line"),
            "quantity": amount("quantity", "line"),
            "unit_price": amount("unitPrice", "line"),
            "line_total": amount("lineTotal", "line"),
        },
        "payload->'billableSnapshot'",
    ),
    "labor": lines(
        "labor",
        {
            "work_session_id": same("workSessionId", "line"),
            "person_id": same("personId", "line"),
            "billable_minutes": same("billableMinutes", "line"),
            "amount": amount("amount", "line"),
        },
        "payload->'billableSnapshot'",
    ),
}
READY_FOR_BILLING = {
    "customer_id": same("customerId"),
    "location_id": same("locationId"),
    "bill": document(BILL),
    "po_number": same("poNumber"),
}
SLA_ALERT = {
    "customer_id": same("customerId"),
    "location_id": same("locationId"),
    "priority": same("priority"),
    "target": "to_jsonb(lower(payload->>'target'))",  # by name (RESPONSE), kept by value
    "due_at": instant("dueAt"),
}

WORKEXEC = "com.durion.workexec."
FACTS: Sequence[tuple[str, str, str, Mapping[str, str]]] = (
    ("CustomerCreatedEvent", "CustomerCreated", "customer", CUSTOMER),
    ("CustomerUpdatedEvent", "CustomerUpdated", "customer", CUSTOMER),
    ("VehicleRegisteredEvent", "VehicleRegistered", "vehicle", VEHICLE),
    ("VehicleUpdatedEvent", "VehicleUpdated", "vehicle", VEHICLE),
    (
        "ServiceOrderCreatedEvent",
        "ServiceOrderCreated",
        "service_order",
        {"customer_id": same("customerId"), "priority": same("priority"), "status": same("status")},
    ),
    (
        "ServiceOrderScheduledEvent",
        "ServiceOrderScheduled",
        "service_order",
        {"schedule_start": instant("scheduleStart"), "schedule_end": instant("scheduleEnd")},
    ),
    (
        "ServiceOrderCompletedEvent",
        "ServiceOrderCompleted",
        "service_order",
        {"completion_time": instant("completionTime"), "resolution_code": same("resolutionCode")},
    ),
    (
        "ServiceOrderBilledEvent",
        "ServiceOrderBilled",
        "service_order",
        {
            "customer_id": same("customerId"),
            "amount": amount("amount"),
            "currency": same("currency"),
        },
    ),
    (
        WORKEXEC + "workorder.status_changed",
        "ServiceOrderStatusChanged",
        "workorder",
        {
            "previous_status": same("previousStatus"),
            "new_status": same("newStatus"),
            "location_id": same("locationId"),
            "customer_id": same("customerId"),
            "technician_id": same("technicianId"),
            "reason": same("reason", "payload->'metadata'"),
        },
    ),
    (
        WORKEXEC + "workorder.work_session_recorded",
        "WorkSessionRecorded",
        "workorder",
        {
            "work_session_id": same("workSessionId"),
            "person_id": same("personId"),
            "location_id": same("locationId"),
            "start_time": instant("startTime"),
            "end_time": instant("endTime"),
            "break_duration_minutes": same("breakDurationMinutes"),
            "billable_minutes": same("billableMinutes"),
            "work_type": same("workType"),
            "recorded_by": same("recordedBy"),
        },
    ),
    (
        WORKEXEC + "workorder.parts_usage_recorded",
        "PartsUsageRecorded",
        "workorder",
        {
            "location_id": same("locationId"),
            "customer_id": same("customerId"),
            "completed_at": instant("completedAt"),
            "completed_by": same("completedBy"),
            "parts": lines(
                "parts",
                {
                    "workorder_part_id": same("workorderPartId", "line"),
                    "product_id": same("productId", "line"),
                    "sku": same("sku", "line"),
                    "quantity": amount("quantity", "line"),
                    "unit_price": amount("unitPrice", "line"),
                    "declined": same("declined", "line"),
                    "emergency": same("emergency", "line"),
                },
            ),
            "total_cost": amount("totalCost"),
        },
    ),
    (
        WORKEXEC + "workorder.ready_for_billing",
        "ServiceOrderReadyForBilling",
        "workorder",
        READY_FOR_BILLING,
    ),
    (
        WORKEXEC + "workorder.snapshot_finalized",
        "SnapshotFinalized",
        "workorder",
        {
            **READY_FOR_BILLING,
            "estimate_id": same("estimateId"),
            "finalized_by": same("finalizedBy"),
        },
    ),
    ("SlaBreachedEvent", "SlaBreached", "service_order", SLA_ALERT),
    ("SlaAtRiskEvent", "SlaAtRisk", "service_order", SLA_ALERT),
    (
        WORKEXEC + "estimate.status_changed",
        "EstimateStatusChanged",
        "estimate",
        {
            "number": same("estimateNumber"),
            "revision": same("revision"),
            "previous_status": same("previousStatus"),
            "new_status": same("newStatus"),
            "location_id": same("locationId"),
            "customer_id": same("customerId"),
            "grand_total": amount("grandTotal"),
            "previous_estimate_id": same("previousEstimateId"),
            "changed_by": same("statusChangedBy"),
        },
    ),
    (
        "trakservice.quote.approved.v1",
        "QuoteApproved",
        "quote",
        {
            "quote_number": same("quote_number"),
            "total": amount("total"),
            "subtotal_services": amount("subtotal_services"),
            "subtotal_materials": amount("subtotal_materials"),
            "discount_percent": amount("discount_percent"),
            "discount_amount": amount("discount_amount"),
            "approved_at": instant("approved_at"),
            "approved_by": same("approved_by_id"),
            "valid_until": same("valid_until"),
            "item_count": same("item_count"),
        },
    ),
)
"""(seed event type, fact name, aggregate type, fact field -> value from the payload)."""

ESTIMATE_CHANGED_AT = (
    "UPDATE outbox SET occurred_at = (payload->>'statusChangedAt')::timestamptz "
    f"WHERE event_type = '{WORKEXEC}estimate.status_changed'"
)
"""An estimate's status change was stamped when the unit of work recorded it, a moment
after the decision its `statusChangedAt` names; the fact's instant is the decision's,
and the wire shows it as `statusChangedAt`, so the row takes it."""


def upgrade() -> None:
    op.execute(ESTIMATE_CHANGED_AT)
    for seed_name, fact_name, aggregate_type, fields in FACTS:
        op.execute(
            f"UPDATE outbox SET event_type = '{fact_name}', "
            f"aggregate_type = '{aggregate_type}', payload = {document(fields)} "
            f"WHERE event_type = '{seed_name}'"
        )


def downgrade() -> None:
    raise NotImplementedError(
        "0007_typed_outbox_facts is one-way: the outbox's typed facts are not turned back "
        "into seed payloads. Restore the database from a backup taken before it to go back."
    )
