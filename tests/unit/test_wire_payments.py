"""Payment events on the wire: a payment recorded by the domain is seed 002's
`PaymentReceivedEvent` example, field for field, on `finance.ar.payment.received`; a
reversal is the seed's `PaymentReversedEvent` with its additions beside it; and
Treasury's bank statement (the gateway's own contract) reads back, malformed ones named."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.events import PublishedEvent
from domain.receivables.accounts import DEFAULT_CHART
from domain.receivables.bank_statement import BankStatementImported, BankStatementLine
from domain.receivables.invoice import Invoice
from domain.receivables.lines import LineRequest, price_lines
from domain.receivables.payment import Payment, PaymentMethod
from domain.receivables.payment_events import PaymentReceived, PaymentReversed
from domain.tax import ItemType, TaxCode
from subscriptions.inbound.topics import decode_inbound
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import decode, outgoing

SEED_RECEIVED_PAYLOAD = {
    "paymentId": "pay-001",
    "paymentNumber": "PMT-2026-000210",
    "customerId": "cst-1001",
    "amount": Decimal("1200.00"),
    "currency": "USD",
    "paymentMethod": "ACH",
    "paymentDate": "2026-02-04",
    "bankReference": "ACH-2026-8831",
    "allocations": [{"invoiceId": "inv-001", "amount": Decimal("1200.00")}],
    "glEntries": [
        {"accountId": "1000-00", "debit": Decimal("1200.00"), "credit": Decimal("0.00")},
        {"accountId": "1200-00", "debit": Decimal("0.00"), "credit": Decimal("1200.00")},
    ],
}
SEED_REVERSED_PAYLOAD = {
    "paymentId": "pay-001",
    "reason": "Chargeback",
    "reversedAt": "2026-02-05T10:00:00Z",
}
AT = datetime(2026, 2, 4, 9, 0, tzinfo=UTC)
NONE = TaxCode("LOC-1", "NONE", "none", Decimal("0"), (ItemType.LABOR,))


def seed_invoice() -> Invoice:
    """Seed 002's inv-001: 1,200.00 posted on 2026-02-02."""
    line = LineRequest("Service", ItemType.LABOR, Decimal("1"), Decimal("1200.00"), "NONE")
    invoice = Invoice(
        id="inv-001",
        tenant_id="tenant-001",
        customer_id="cst-1001",
        location_id="LOC-1",
        currency="USD",
        billing_terms_id="NET30",
        created_at=AT,
        created_by="user-100",
        lines=price_lines([line], 1, {"NONE": NONE}, "USD"),
    )
    invoice.post("INV-2026-004210", date(2026, 2, 2), AT, "user-100", DEFAULT_CHART, ())
    return invoice


def seed_payment(invoice: Invoice) -> Payment:
    return Payment.receive(
        id="pay-001",
        tenant_id="tenant-001",
        customer_id="cst-1001",
        number="PMT-2026-000210",
        method=PaymentMethod.ACH,
        payment_date=date(2026, 2, 4),
        bank_reference="ACH-2026-8831",
        amount=Decimal("1200.00"),
        currency="USD",
        at=AT,
        by="user-100",
        chart=DEFAULT_CHART,
        closed_periods=(),
        parts=[(invoice, Decimal("1200.00"))],
    )


def envelope_of(value: bytes) -> dict[str, Any]:
    return json.loads(value, parse_float=Decimal)


def test_a_recorded_payment_is_seed_002s_example_on_its_topic() -> None:
    invoice = seed_invoice()
    payment = seed_payment(invoice)
    [event] = payment.events
    record = outgoing(PublishedEvent(sequence=1, event=event))
    assert record.topic == "finance.ar.payment.received"
    document = envelope_of(record.value)
    assert document["eventType"] == "PaymentReceivedEvent"
    assert (document["aggregateId"], document["tenantId"]) == ("pay-001", "tenant-001")
    assert document["payload"] == SEED_RECEIVED_PAYLOAD
    assert (invoice.status, invoice.open_balance) == ("PAID", Decimal("0.00"))
    assert decode(record.topic, record.headers, record.value) == event


def test_a_payment_over_several_invoices_books_one_line_per_account() -> None:
    first, second = seed_invoice(), seed_invoice()
    second.id = "inv-002"
    payment = Payment.receive(
        **{
            "id": "pay-002",
            "tenant_id": "tenant-001",
            "customer_id": "cst-1001",
            "number": "PMT-2026-000211",
            "method": PaymentMethod.WIRE,
            "payment_date": date(2026, 2, 4),
            "bank_reference": None,
            "amount": Decimal("1500.00"),
            "currency": "USD",
            "at": AT,
            "by": "user-100",
            "chart": DEFAULT_CHART,
            "closed_periods": (),
        },
        parts=[(first, Decimal("1000.00")), (second, Decimal("300.00"))],
    )
    assert [(line.account, line.invoice_id, line.amount) for line in payment.journal[0].lines] == [
        ("1000", None, Decimal("1500.00")),
        ("1200", "inv-001", Decimal("1000.00")),
        ("1200", "inv-002", Decimal("300.00")),
        ("1200", None, Decimal("200.00")),
    ]
    payload = envelope_of(outgoing(PublishedEvent(sequence=2, event=payment.events[0])).value)[
        "payload"
    ]
    assert payload["glEntries"] == [
        {"accountId": "1000-00", "debit": Decimal("1500.00"), "credit": Decimal("0.00")},
        {"accountId": "1200-00", "debit": Decimal("0.00"), "credit": Decimal("1500.00")},
    ]
    assert payload["allocations"] == [
        {"invoiceId": "inv-001", "amount": Decimal("1000.00")},
        {"invoiceId": "inv-002", "amount": Decimal("300.00")},
    ]


def test_a_reversal_is_seed_002s_example_with_the_reversal_beside_it() -> None:
    invoice = seed_invoice()
    payment = seed_payment(invoice)
    payment.events.clear()
    reversed_at = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
    payment.reverse("Chargeback", reversed_at, "user-100", {"inv-001": invoice}, ())
    [event] = payment.events
    record = outgoing(PublishedEvent(sequence=3, event=event))
    assert record.topic == "finance.ar.payment.reversed"
    payload = envelope_of(record.value)["payload"]
    assert {k: payload[k] for k in SEED_REVERSED_PAYLOAD} == SEED_REVERSED_PAYLOAD
    assert payload["glEntries"] == [
        {"accountId": "1000-00", "debit": Decimal("0.00"), "credit": Decimal("1200.00")},
        {"accountId": "1200-00", "debit": Decimal("1200.00"), "credit": Decimal("0.00")},
    ]
    assert (invoice.status, invoice.open_balance) == ("POSTED", Decimal("1200.00"))
    assert decode(record.topic, record.headers, record.value) == event
    seed = {**envelope_of(record.value), "payload": SEED_REVERSED_PAYLOAD}
    from_seed = decode(record.topic, record.headers, json.dumps(seed, default=str).encode())
    assert isinstance(from_seed, PaymentReversed) and from_seed.gl_entries == ()
    assert isinstance(event, PaymentReversed) and not isinstance(event, PaymentReceived)


STATEMENT_TOPIC = "treasury.bank.statement.imported"


def statement(**payload: Any) -> bytes:
    return json.dumps(
        {
            "eventType": "BankStatementImportedEvent",
            "eventId": "evt-9",
            "timestamp": "2026-02-04T18:00:00Z",
            "aggregateId": "STMT-2026-02-04",
            "tenantId": "tenant-001",
            "payload": {
                "statementId": "STMT-2026-02-04",
                "statementDate": "2026-02-04",
                "lines": [
                    {
                        "lineNo": 1,
                        "customerId": "cst-1001",
                        "amount": 1200.00,
                        "currency": "USD",
                        "valueDate": "2026-02-04",
                        "reference": "INV-2026-004210",
                        "bankReference": "ACH-2026-8831",
                    }
                ],
                **payload,
            },
        }
    ).encode()


def test_a_bank_statement_reads_as_its_lines() -> None:
    fact = decode_inbound(STATEMENT_TOPIC, [], statement())
    assert isinstance(fact, BankStatementImported)
    assert fact.aggregate_id == "STMT-2026-02-04"
    assert fact.lines == (
        BankStatementLine(
            1,
            "cst-1001",
            Decimal("1200.00"),
            "USD",
            date(2026, 2, 4),
            "INV-2026-004210",
            "ACH-2026-8831",
        ),
    )


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"lines": []}, "lines: lists no line"),
        ({"statementId": "STMT-OTHER"}, "statementId"),
        ({"lines": [{"lineNo": 1, "amount": 5}]}, "customerId"),
        (
            {
                "lines": [
                    {
                        "lineNo": 1,
                        "customerId": "c",
                        "amount": -5,
                        "currency": "USD",
                        "valueDate": "2026-02-04",
                        "reference": "x",
                    }
                ]
            },
            "lines.0.amount",
        ),
    ],
)
def test_a_malformed_bank_statement_is_refused_naming_the_field(
    payload: dict[str, Any], named: str
) -> None:
    with pytest.raises(MalformedEvent, match=named):
        decode_inbound(STATEMENT_TOPIC, [], statement(**payload))
