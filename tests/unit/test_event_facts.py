"""The outbox's storage of facts: rows stored before an event gained a fact read back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.service_orders.events import ServiceOrderStatusChanged
from domain.service_orders.status import ServiceOrderStatus
from persistence.event_facts import event_from, facts_of

AT = datetime(2026, 1, 25, 14, 30, tzinfo=UTC)
CHANGED = ServiceOrderStatusChanged(
    aggregate_id="SO-001",
    tenant_id="tenant-001",
    occurred_at=AT,
    event_id="e-1",
    previous_status=ServiceOrderStatus.DISPATCHED,
    new_status=ServiceOrderStatus.IN_PROGRESS,
    location_id="LOC-001",
    customer_id="CUST-001",
    technician_id="TECH-001",
    changed_by="TECH-001",
    appointment_id="APT-001",
    estimated_completion_at=AT,
)


def read(document: dict[str, object]) -> ServiceOrderStatusChanged:
    event = event_from(
        "ServiceOrderStatusChanged", "workorder", "SO-001", "tenant-001", AT, "e-1", document
    )
    assert isinstance(event, ServiceOrderStatusChanged)
    return event


def test_a_stored_fact_reads_back_as_it_was() -> None:
    assert read(facts_of(CHANGED)) == CHANGED


def test_a_row_stored_before_an_event_gained_facts_reads_them_as_their_defaults() -> None:
    older = {
        k: v
        for k, v in facts_of(CHANGED).items()
        if k not in ("changed_by", "appointment_id", "estimated_completion_at")
    }
    assert read(older) == ServiceOrderStatusChanged(
        **{
            **CHANGED.__dict__,
            "changed_by": None,
            "appointment_id": None,
            "estimated_completion_at": None,
        }
    )


def test_a_row_missing_a_fact_with_no_default_is_refused_naming_it() -> None:
    broken = {k: v for k, v in facts_of(CHANGED).items() if k != "location_id"}
    with pytest.raises(TypeError, match="location_id"):
        read(broken)
