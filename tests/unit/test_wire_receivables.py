"""Invoice events on the wire: seed 002's examples, record for record, on their
`finance.ar.invoice.*` topics in the AR envelope, and back to the same facts; the
contract renewals accounts receivable reads, and the ones it refuses as malformed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.events import PublishedEvent
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.journal import JournalLine, Side
from domain.receivables.sources import ContractRenewed, RenewalItem
from domain.tax import ItemType
from subscriptions.inbound.topics import decode_inbound
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import decode, outgoing

SEED_POSTED = {
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
            {"accountId": "1200-00", "debit": 1200.00, "credit": 0.00},
            {"accountId": "4000-00", "debit": 0.00, "credit": 1200.00},
        ],
    },
}
SEED_POSTED_TEXT = (
    b'{"eventType": "InvoicePostedEvent", "eventId": "evt-1001", '
    b'"timestamp": "2026-02-02T10:30:00Z", "aggregateId": "inv-001", '
    b'"tenantId": "tenant-001", "payload": {"invoiceId": "inv-001", '
    b'"customerId": "cst-1001", "invoiceNumber": "INV-2026-004210", '
    b'"totalAmount": 1200.00, "taxAmount": 0.00, "currency": "USD", '
    b'"postingDate": "2026-02-02", "dueDate": "2026-03-03", "glEntries": ['
    b'{"accountId": "1200-00", "debit": 1200.00, "credit": 0.00}, '
    b'{"accountId": "4000-00", "debit": 0.00, "credit": 1200.00}]}}'
)
"""Seed 002's example on one line: its fields in its order, its amounts as it spells them."""
POSTED = InvoicePosted(
    aggregate_id="inv-001",
    tenant_id="tenant-001",
    occurred_at=datetime(2026, 2, 2, 10, 30, tzinfo=UTC),
    event_id="evt-1001",
    customer_id="cst-1001",
    invoice_number="INV-2026-004210",
    total_amount=Decimal("1200.00"),
    tax_amount=Decimal("0.00"),
    currency="USD",
    posting_date=date(2026, 2, 2),
    due_date=date(2026, 3, 3),
    gl_entries=(
        JournalLine("1200", "Accounts Receivable", Side.DEBIT, Decimal("1200.00")),
        JournalLine("4000", "Revenue", Side.CREDIT, Decimal("1200.00")),
    ),
)
SEED_CANCELLED_PAYLOAD = {
    "invoiceId": "inv-001",
    "customerId": "cst-1001",
    "reason": "Duplicate invoice",
    "cancelledBy": "user-100",
    "cancelledAt": "2026-02-03T09:12:00Z",
}
CANCELLED = InvoiceCancelled(
    aggregate_id="inv-001",
    tenant_id="tenant-001",
    occurred_at=datetime(2026, 2, 3, 9, 12, tzinfo=UTC),
    event_id="evt-1002",
    customer_id="cst-1001",
    reason="Duplicate invoice",
    cancelled_by="user-100",
    gl_entries=tuple(
        JournalLine(line.account, line.account_name, line.side.opposite, line.amount)
        for line in POSTED.gl_entries
    ),
)


def test_a_posted_invoice_is_seed_002s_example_on_its_topic() -> None:
    record = outgoing(PublishedEvent(sequence=1, event=POSTED))
    assert record.topic == "finance.ar.invoice.posted"
    assert record.value == SEED_POSTED_TEXT


def test_seed_002s_posted_example_reads_as_the_fact() -> None:
    record = outgoing(PublishedEvent(sequence=1, event=POSTED))
    seed = json.dumps(SEED_POSTED).encode()
    assert decode(record.topic, record.headers, seed) == POSTED


def test_taxed_invoices_credit_sales_tax_payable() -> None:
    taxed = InvoicePosted(
        **{
            **{f: getattr(POSTED, f) for f in ("aggregate_id", "tenant_id", "occurred_at")},
            "event_id": "evt-3",
            "customer_id": "cst-1001",
            "invoice_number": "INV-2026-004211",
            "total_amount": Decimal("1000.00"),
            "tax_amount": Decimal("100.00"),
            "currency": "USD",
            "posting_date": date(2026, 2, 2),
            "due_date": date(2026, 3, 4),
            "gl_entries": (
                JournalLine("1200", "Accounts Receivable", Side.DEBIT, Decimal("1000.00")),
                JournalLine("4000", "Revenue", Side.CREDIT, Decimal("900.00")),
                JournalLine("2100", "Sales Tax Payable", Side.CREDIT, Decimal("100.00")),
            ),
        }
    )
    record = outgoing(PublishedEvent(sequence=3, event=taxed))
    payload = json.loads(record.value, parse_float=Decimal)["payload"]
    assert payload["glEntries"] == [
        {"accountId": "1200-00", "debit": Decimal("1000.00"), "credit": Decimal("0.00")},
        {"accountId": "4000-00", "debit": Decimal("0.00"), "credit": Decimal("900.00")},
        {"accountId": "2100-00", "debit": Decimal("0.00"), "credit": Decimal("100.00")},
    ]
    assert decode(record.topic, record.headers, record.value) == taxed


def test_a_cancellation_is_seed_002s_example_with_the_reversal_beside_it() -> None:
    record = outgoing(PublishedEvent(sequence=2, event=CANCELLED))
    assert record.topic == "finance.ar.invoice.cancelled"
    payload = json.loads(record.value, parse_float=Decimal)["payload"]
    assert {k: v for k, v in payload.items() if k != "glEntries"} == SEED_CANCELLED_PAYLOAD
    assert payload["glEntries"] == [
        {"accountId": "1200-00", "debit": Decimal("0.00"), "credit": Decimal("1200.00")},
        {"accountId": "4000-00", "debit": Decimal("1200.00"), "credit": Decimal("0.00")},
    ]
    assert decode(record.topic, record.headers, record.value) == CANCELLED
    seed = {**json.loads(record.value), "payload": SEED_CANCELLED_PAYLOAD}
    from_seed = decode(record.topic, record.headers, json.dumps(seed).encode())
    assert isinstance(from_seed, InvoiceCancelled) and from_seed.gl_entries == ()


def test_a_gl_entry_on_both_sides_is_refused_naming_it() -> None:
    record = outgoing(PublishedEvent(sequence=1, event=POSTED))
    document = json.loads(record.value)
    document["payload"]["glEntries"][1]["debit"] = 5
    with pytest.raises(MalformedEvent, match=r"glEntries\.1"):
        decode(record.topic, record.headers, json.dumps(document).encode())


RENEWAL = {
    "eventType": "ContractRenewalEvent",
    "eventId": "evt-ctr-7-2026-03",
    "timestamp": "2026-03-01T00:00:00Z",
    "aggregateId": "CTR-7",
    "tenantId": "tenant-001",
    "payload": {
        "contractId": "CTR-7",
        "customerId": "CUST-001",
        "locationId": "LOC-001",
        "periodStart": "2026-03-01",
        "periodEnd": "2026-03-31",
        "currency": "USD",
        "items": [
            {
                "description": "Fleet maintenance plan",
                "itemType": "SERVICE",
                "quantity": 1,
                "unitPrice": 199.00,
                "taxCode": "TAXABLE_SERVICES",
            }
        ],
    },
}


def renewal(**payload: object) -> bytes:
    return json.dumps({**RENEWAL, "payload": {**RENEWAL["payload"], **payload}}).encode()


def test_a_contract_renewal_reads_as_the_period_and_items_to_bill() -> None:
    fact = decode_inbound("contracts.renewal", (), renewal())

    assert fact == ContractRenewed(
        aggregate_id="CTR-7",
        tenant_id="tenant-001",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        event_id="evt-ctr-7-2026-03",
        customer_id="CUST-001",
        location_id="LOC-001",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        currency="USD",
        items=(
            RenewalItem(
                "Fleet maintenance plan",
                ItemType.SERVICE,
                Decimal("1"),
                Decimal("199.00"),
                "TAXABLE_SERVICES",
            ),
        ),
    )


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"contractId": "CTR-8"}, "contractId 'CTR-8' is not the aggregate's 'CTR-7'"),
        ({"items": []}, "items: lists no item"),
        ({"periodEnd": "2026-02-28"}, "periodEnd is before periodStart"),
        ({"periodStart": "March"}, "periodStart"),
    ],
)
def test_a_renewal_naming_another_contract_no_item_or_a_backward_period_is_malformed(
    changed: dict[str, object], named: str
) -> None:
    with pytest.raises(MalformedEvent) as refused:
        decode_inbound("contracts.renewal", (), renewal(**changed))
    assert named in str(refused.value)
