"""Estimate facts on the wire: seed 001's status-changed CloudEvent and seed 003's quote
event made from facts, and read back (the quote as TrakService would send it too)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.estimates import EstimateStatus, EstimateStatusChanged, QuoteApproved
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.registry import decode, encode, from_wire, to_wire
from tests.unit.test_wire_quote import QUOTE_APPROVED, QUOTE_EVENT, QUOTE_ID

AT = datetime(2026, 1, 25, 7, 30, tzinfo=UTC)
SUBMITTED = EstimateStatusChanged(
    aggregate_id="EST-001",
    tenant_id="tenant-001",
    occurred_at=AT,
    number="EST-001",
    revision=1,
    previous_status=EstimateStatus.DRAFT,
    new_status=EstimateStatus.PENDING_APPROVAL,
    location_id="LOC-001",
    customer_id="CUST-001",
    grand_total=Decimal("160.79"),
    previous_estimate_id=None,
    changed_by="USER-001",
)


def seed_quote() -> QuoteApproved:
    """Seed 003's example as the fact the gateway parses it into."""
    return QuoteApproved(
        aggregate_id=QUOTE_ID,
        tenant_id="tenant-001",
        occurred_at=datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
        event_id="evt-quote-0001",
        quote_number="QT-20260108-0001",
        total=Decimal("1450.00"),
        subtotal_services=Decimal("1000.00"),
        subtotal_materials=Decimal("500.00"),
        discount_percent=Decimal("5.00"),
        discount_amount=Decimal("50.00"),
        approved_at=datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
        approved_by="c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f",
        valid_until=date(2026, 2, 8),
        item_count=3,
    )


def test_a_status_change_is_seed_001s_document() -> None:
    wire = to_wire(SUBMITTED)
    assert (wire.event_type, wire.aggregate_type) == (
        "com.durion.workexec.estimate.status_changed",
        "estimate",
    )
    assert wire.payload == {
        "estimateId": "EST-001",
        "estimateNumber": "EST-001",
        "revision": 1,
        "previousStatus": "DRAFT",
        "newStatus": "PENDING_APPROVAL",
        "locationId": "LOC-001",
        "customerId": "CUST-001",
        "grandTotal": Decimal("160.79"),
        "previousEstimateId": None,
        "statusChangedAt": "2026-01-25T07:30:00Z",
        "statusChangedBy": "USER-001",
    }


def test_a_new_revision_has_no_previous_status_on_the_wire() -> None:
    revised = replace(
        SUBMITTED,
        aggregate_id="EST-001-R2",
        revision=2,
        previous_status=None,
        new_status=EstimateStatus.DRAFT,
        previous_estimate_id="EST-001",
    )
    payload = to_wire(revised).payload
    assert (payload["previousStatus"], payload["previousEstimateId"]) == (None, "EST-001")
    assert from_wire(to_wire(revised)) == revised


@pytest.mark.parametrize("event", [SUBMITTED, seed_quote()])
def test_an_estimate_fact_survives_the_wire_unchanged(event: Any) -> None:
    assert from_wire(to_wire(event)) == event


def test_the_quote_of_seed_003_is_read_into_the_approved_quote() -> None:
    assert from_wire(QUOTE_EVENT) == seed_quote()


def test_the_approved_quote_is_published_as_seed_003_shows_it() -> None:
    document = to_wire(seed_quote()).payload
    example = QUOTE_EVENT.payload
    assert document == {
        **example,
        "work_order_id": None,
        "approved_at": "2026-01-08T13:30:00Z",
    }


def test_a_published_quote_decodes_from_its_topic_into_the_same_fact() -> None:
    quote = seed_quote()
    assert decode("trakservice.quote.approved.v1", [], encode(quote)) == quote
    assert decode("trakservice.quote.approved.v1", [], QUOTE_APPROVED.encode()) == quote


def test_amounts_sent_as_text_stay_exact() -> None:
    wire = replace(
        QUOTE_EVENT,
        payload={**QUOTE_EVENT.payload, "subtotal_services": "0.10", "subtotal_materials": 3},
    )
    fact = from_wire(wire)
    assert isinstance(fact, QuoteApproved)
    assert (fact.subtotal_services, fact.subtotal_materials) == (Decimal("0.10"), Decimal(3))


def quote_with(**changes: Any) -> WireEvent:
    payload = {**QUOTE_EVENT.payload, **changes}
    return replace(QUOTE_EVENT, payload={k: v for k, v in payload.items() if v is not None})


@pytest.mark.parametrize(
    ("wire", "reason"),
    [
        (quote_with(approved_at="2026-01-08T13:30:00"), "approved_at"),
        (quote_with(approved_at=None), "approved_at"),
        (quote_with(total="a lot"), "total"),
        (quote_with(approved_by_id=None), "approved_by_id"),
        (quote_with(quote_id="another-quote"), "quote_id 'another-quote' is not"),
        (
            replace(to_wire(SUBMITTED), payload={**to_wire(SUBMITTED).payload, "newStatus": "X"}),
            "newStatus",
        ),
    ],
)
def test_a_payload_that_breaks_its_contract_is_malformed_naming_the_field(
    wire: WireEvent, reason: str
) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        from_wire(wire)
