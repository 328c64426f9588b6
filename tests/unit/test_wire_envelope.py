"""The CRM and AR envelope, held against the examples of seeds 000 and 002.

Where a seed example shows only `eventType` and `payload`, the envelope fields are
filled in the way the seed's full examples show them. Documents are compared with
every JSON number read as its raw text, so `450.00` written as `450.0` would fail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import simplejson

from subscriptions.wire import envelope
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent

SO_100_CREATED = """
{
  "eventType": "ServiceOrderCreatedEvent",
  "eventId": "evt-4301",
  "timestamp": "2026-02-02T12:00:00Z",
  "aggregateId": "SO-100",
  "tenantId": "tenant-001",
  "payload": {
    "serviceOrderId": "SO-100",
    "customerId": "CUST-100",
    "priority": "HIGH",
    "status": "REQUESTED"
  }
}
"""

SO_100_BILLED = """
{
  "eventType": "ServiceOrderBilledEvent",
  "eventId": "evt-4304",
  "timestamp": "2026-02-03T12:10:00Z",
  "aggregateId": "SO-100",
  "tenantId": "tenant-001",
  "payload": {
    "serviceOrderId": "SO-100",
    "customerId": "CUST-100",
    "amount": 450.00,
    "currency": "USD"
  }
}
"""

INVOICE_POSTED = """
{
  "eventType": "InvoicePostedEvent",
  "eventId": "evt-1001",
  "timestamp": "2026-02-02T10:30:00Z",
  "aggregateId": "inv-001",
  "tenantId": "tenant-001",
  "payload": {
    "invoiceId": "inv-001",
    "customerId": "cst-1001",
    "invoiceNumber": "INV-2026-004210",
    "totalAmount": 1200.00,
    "taxAmount": 0.00,
    "currency": "USD",
    "postingDate": "2026-02-02",
    "dueDate": "2026-03-03",
    "glEntries": [
      { "accountId": "1200-00", "debit": 1200.00, "credit": 0.00 },
      { "accountId": "4000-00", "debit": 0.00, "credit": 1200.00 }
    ]
  }
}
"""

PAYMENT_RECEIVED = """
{
  "eventType": "PaymentReceivedEvent",
  "eventId": "evt-1002",
  "timestamp": "2026-02-04T09:00:00Z",
  "aggregateId": "pay-001",
  "tenantId": "tenant-001",
  "payload": {
    "paymentId": "pay-001",
    "paymentNumber": "PMT-2026-000210",
    "customerId": "cst-1001",
    "amount": 1200.00,
    "currency": "USD",
    "paymentMethod": "ACH",
    "paymentDate": "2026-02-04",
    "bankReference": "ACH-2026-8831",
    "allocations": [
      { "invoiceId": "inv-001", "amount": 1200.00 }
    ],
    "glEntries": [
      { "accountId": "1000-00", "debit": 1200.00, "credit": 0.00 },
      { "accountId": "1200-00", "debit": 0.00, "credit": 1200.00 }
    ]
  }
}
"""


def exact(text: str | bytes) -> Any:
    """The JSON document with every non-integer number kept as its raw text."""
    return simplejson.loads(text, parse_float=str)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def gl(account: str, debit: str, credit: str) -> dict[str, Any]:
    return {"accountId": account, "debit": Decimal(debit), "credit": Decimal(credit)}


SO_100_CREATED_EVENT = WireEvent(
    event_type="ServiceOrderCreatedEvent",
    aggregate_type="service_order",
    aggregate_id="SO-100",
    tenant_id="tenant-001",
    payload={
        "serviceOrderId": "SO-100",
        "customerId": "CUST-100",
        "priority": "HIGH",
        "status": "REQUESTED",
    },
    event_id="evt-4301",
    occurred_at=at("2026-02-02T12:00:00Z"),
)

SO_100_BILLED_EVENT = WireEvent(
    event_type="ServiceOrderBilledEvent",
    aggregate_type="service_order",
    aggregate_id="SO-100",
    tenant_id="tenant-001",
    payload={
        "serviceOrderId": "SO-100",
        "customerId": "CUST-100",
        "amount": Decimal("450.00"),
        "currency": "USD",
    },
    event_id="evt-4304",
    occurred_at=at("2026-02-03T12:10:00Z"),
)

INVOICE_POSTED_EVENT = WireEvent(
    event_type="InvoicePostedEvent",
    aggregate_type="invoice",
    aggregate_id="inv-001",
    tenant_id="tenant-001",
    payload={
        "invoiceId": "inv-001",
        "customerId": "cst-1001",
        "invoiceNumber": "INV-2026-004210",
        "totalAmount": Decimal("1200.00"),
        "taxAmount": Decimal("0.00"),
        "currency": "USD",
        "postingDate": "2026-02-02",
        "dueDate": "2026-03-03",
        "glEntries": [gl("1200-00", "1200.00", "0.00"), gl("4000-00", "0.00", "1200.00")],
    },
    event_id="evt-1001",
    occurred_at=at("2026-02-02T10:30:00Z"),
)

PAYMENT_RECEIVED_EVENT = WireEvent(
    event_type="PaymentReceivedEvent",
    aggregate_type="payment",
    aggregate_id="pay-001",
    tenant_id="tenant-001",
    payload={
        "paymentId": "pay-001",
        "paymentNumber": "PMT-2026-000210",
        "customerId": "cst-1001",
        "amount": Decimal("1200.00"),
        "currency": "USD",
        "paymentMethod": "ACH",
        "paymentDate": "2026-02-04",
        "bankReference": "ACH-2026-8831",
        "allocations": [{"invoiceId": "inv-001", "amount": Decimal("1200.00")}],
        "glEntries": [gl("1000-00", "1200.00", "0.00"), gl("1200-00", "0.00", "1200.00")],
    },
    event_id="evt-1002",
    occurred_at=at("2026-02-04T09:00:00Z"),
)

EXAMPLES = [
    pytest.param(SO_100_CREATED_EVENT, SO_100_CREATED, id="ServiceOrderCreatedEvent SO-100"),
    pytest.param(SO_100_BILLED_EVENT, SO_100_BILLED, id="ServiceOrderBilledEvent SO-100"),
    pytest.param(INVOICE_POSTED_EVENT, INVOICE_POSTED, id="InvoicePostedEvent inv-001"),
    pytest.param(PAYMENT_RECEIVED_EVENT, PAYMENT_RECEIVED, id="PaymentReceivedEvent pay-001"),
]


@pytest.mark.parametrize(("event", "seed"), EXAMPLES)
def test_the_encoded_event_is_the_seed_example(event: WireEvent, seed: str) -> None:
    assert exact(envelope.encode(event)) == exact(seed)


@pytest.mark.parametrize(("event", "seed"), EXAMPLES)
def test_decoding_the_encoded_event_gives_the_same_event(event: WireEvent, seed: str) -> None:
    assert envelope.decode(envelope.encode(event), event.aggregate_type) == event


@pytest.mark.parametrize(("event", "seed"), EXAMPLES)
def test_decoding_the_seed_example_gives_the_event(event: WireEvent, seed: str) -> None:
    assert envelope.decode(seed.encode(), event.aggregate_type) == event


def test_the_envelope_fields_come_in_the_seed_order() -> None:
    assert list(exact(envelope.encode(SO_100_CREATED_EVENT))) == [
        "eventType",
        "eventId",
        "timestamp",
        "aggregateId",
        "tenantId",
        "payload",
    ]


def test_the_billed_amount_is_written_as_450_point_00() -> None:
    assert b'"amount": 450.00,' in envelope.encode(SO_100_BILLED_EVENT)


def test_invoice_and_gl_amounts_keep_two_decimals() -> None:
    text = envelope.encode(INVOICE_POSTED_EVENT).decode()
    assert '"totalAmount": 1200.00' in text
    assert '"taxAmount": 0.00' in text
    assert '{"accountId": "1200-00", "debit": 1200.00, "credit": 0.00}' in text


def test_payment_allocations_keep_their_exact_amounts() -> None:
    text = envelope.encode(PAYMENT_RECEIVED_EVENT).decode()
    assert '"allocations": [{"invoiceId": "inv-001", "amount": 1200.00}]' in text


def test_decoded_amounts_are_decimals_not_floats() -> None:
    decoded = envelope.decode(PAYMENT_RECEIVED.encode(), "payment")
    assert decoded.payload["allocations"][0]["amount"] == Decimal("1200.00")
    assert isinstance(decoded.payload["glEntries"][0]["debit"], Decimal)


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        ("eventType", "'eventType' is missing"),
        ("eventId", "'eventId' is missing"),
        ("timestamp", "'timestamp' is missing"),
        ("aggregateId", "'aggregateId' is missing"),
        ("tenantId", "'tenantId' is missing"),
        ("payload", "'payload' is missing"),
    ],
)
def test_an_envelope_without_a_required_field_is_malformed(field: str, reason: str) -> None:
    document = simplejson.loads(SO_100_CREATED)
    del document[field]
    with pytest.raises(MalformedEvent, match=reason):
        envelope.decode(simplejson.dumps(document).encode(), "service_order")


def test_an_envelope_whose_payload_is_not_an_object_is_malformed() -> None:
    document = simplejson.loads(SO_100_CREATED) | {"payload": ["SO-100"]}
    with pytest.raises(MalformedEvent, match="'payload' must be a JSON object, not list"):
        envelope.decode(simplejson.dumps(document).encode(), "service_order")


def test_an_envelope_with_an_empty_tenant_is_malformed() -> None:
    document = simplejson.loads(SO_100_CREATED) | {"tenantId": ""}
    with pytest.raises(MalformedEvent, match="'tenantId' must be a non-empty string"):
        envelope.decode(simplejson.dumps(document).encode(), "service_order")


def test_a_value_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match="not JSON"):
        envelope.decode(b"ServiceOrderCreatedEvent SO-100", "service_order")
