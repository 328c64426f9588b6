"""The TrakService quote event, held against seed 003 (`trakservice.quote.approved.v1`).

The seed's `data` uses the placeholder "uuid" for ids; real UUIDs stand in for them.
Documents are compared with every non-integer JSON number read as its raw text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import simplejson

from subscriptions.wire import quote
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent

QUOTE_ID = "6f1c2b1e-8f5a-4c3d-9b2e-7a6d5c4b3a21"

QUOTE_APPROVED = f"""
{{
  "event_name": "trakservice.quote.approved.v1",
  "aggregate_type": "quote",
  "aggregate_id": "{QUOTE_ID}",
  "idempotency_key": "quote:{QUOTE_ID}:approved:v1",
  "occurred_at": "2026-01-08T13:30:00Z",
  "tenant_id": "tenant-001",
  "event_id": "evt-quote-0001",
  "data": {{
    "quote_id": "{QUOTE_ID}",
    "quote_number": "QT-20260108-0001",
    "work_order_id": "0b9e4c1a-2d3f-4e5a-8b7c-6d5e4f3a2b10",
    "status": "approved",
    "total": 1450.00,
    "subtotal_services": 1000.00,
    "subtotal_materials": 500.00,
    "discount_percent": 5.00,
    "discount_amount": 50.00,
    "approved_at": "2026-01-08T10:30:00-03:00",
    "approved_by_id": "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f",
    "valid_until": "2026-02-08",
    "item_count": 3
  }}
}}
"""

QUOTE_EVENT = WireEvent(
    event_type="trakservice.quote.approved.v1",
    aggregate_type="quote",
    aggregate_id=QUOTE_ID,
    tenant_id="tenant-001",
    payload={
        "quote_id": QUOTE_ID,
        "quote_number": "QT-20260108-0001",
        "work_order_id": "0b9e4c1a-2d3f-4e5a-8b7c-6d5e4f3a2b10",
        "status": "approved",
        "total": Decimal("1450.00"),
        "subtotal_services": Decimal("1000.00"),
        "subtotal_materials": Decimal("500.00"),
        "discount_percent": Decimal("5.00"),
        "discount_amount": Decimal("50.00"),
        "approved_at": "2026-01-08T10:30:00-03:00",
        "approved_by_id": "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f",
        "valid_until": "2026-02-08",
        "item_count": 3,
    },
    event_id="evt-quote-0001",
    occurred_at=datetime(2026, 1, 8, 13, 30, tzinfo=UTC),
)


def exact(text: str | bytes) -> Any:
    """The JSON document with every non-integer number kept as its raw text."""
    return simplejson.loads(text, parse_float=str)


def tampered(**changes: Any) -> bytes:
    document = simplejson.loads(QUOTE_APPROVED) | changes
    return simplejson.dumps({k: v for k, v in document.items() if v is not None}).encode()


def test_the_encoded_quote_approval_is_the_seed_example() -> None:
    assert exact(quote.encode(QUOTE_EVENT)) == exact(QUOTE_APPROVED)


def test_decoding_the_encoded_quote_approval_gives_the_same_event() -> None:
    assert quote.decode(quote.encode(QUOTE_EVENT)) == QUOTE_EVENT


def test_the_idempotency_key_is_quote_id_approved_v1() -> None:
    assert exact(quote.encode(QUOTE_EVENT))["idempotency_key"] == f"quote:{QUOTE_ID}:approved:v1"


def test_quote_amounts_keep_their_exact_digits() -> None:
    text = quote.encode(QUOTE_EVENT).decode()
    assert '"total": 1450.00' in text
    assert '"discount_percent": 5.00' in text
    assert '"item_count": 3' in text


def test_a_null_work_order_is_kept_as_null() -> None:
    event = WireEvent(
        event_type=QUOTE_EVENT.event_type,
        aggregate_type="quote",
        aggregate_id=QUOTE_ID,
        tenant_id="tenant-001",
        payload={**QUOTE_EVENT.payload, "work_order_id": None, "approved_by_id": None},
        event_id="evt-quote-0002",
        occurred_at=QUOTE_EVENT.occurred_at,
    )
    assert '"work_order_id": null' in quote.encode(event).decode()
    assert quote.decode(quote.encode(event)) == event


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"event_name": None}, "'event_name' is missing"),
        ({"aggregate_type": None}, "'aggregate_type' is missing"),
        ({"aggregate_id": None}, "'aggregate_id' is missing"),
        ({"idempotency_key": None}, "'idempotency_key' is missing"),
        ({"tenant_id": None}, "set its 'tenant-id' Kafka header"),
        ({"occurred_at": 5}, "'occurred_at' must be a non-empty string"),
        ({"event_id": ""}, "'event_id' must be a non-empty string"),
        ({"data": None}, "'data' is missing"),
        ({"idempotency_key": "quote:other:approved:v1"}, "does not match aggregate_id"),
    ],
)
def test_a_quote_event_that_breaks_the_contract_is_malformed(
    changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        quote.decode(tampered(**changes))


def seed_record(**data: Any) -> bytes:
    """The record as TrakService sends it: the seed's fields only (no tenant_id, event_id
    or occurred_at)."""
    document = simplejson.loads(QUOTE_APPROVED)
    for name in ("tenant_id", "event_id", "occurred_at"):
        del document[name]
    document["data"].update(data)
    return simplejson.dumps(document).encode()


def test_trakservices_own_record_takes_its_tenant_from_the_header() -> None:
    event = quote.decode(seed_record(), [("tenant-id", b"tenant-007")])
    assert event.tenant_id == "tenant-007"
    assert event.event_id == f"quote:{QUOTE_ID}:approved:v1"
    assert event.occurred_at == datetime(2026, 1, 8, 13, 30, tzinfo=UTC)
    assert event.payload["quote_id"] == QUOTE_ID


def test_trakservices_own_record_without_a_tenant_header_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match="set its 'tenant-id' Kafka header"):
        quote.decode(seed_record(), [("event-type", b"trakservice.quote.approved.v1")])


def test_trakservices_own_record_without_an_approval_instant_is_malformed() -> None:
    document = simplejson.loads(seed_record())
    del document["data"]["approved_at"]
    with pytest.raises(MalformedEvent, match="'approved_at' is missing"):
        quote.decode(simplejson.dumps(document).encode(), [("tenant-id", b"tenant-007")])
