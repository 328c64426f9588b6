"""Credit and dunning events on the wire: seed 002's examples, field for field, on their
`finance.ar.*` topics in the AR envelope, and back to the same facts; the rebate the
gateway reads, from the seed's example."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.events import PublishedEvent
from domain.receivables.credit_control import CustomerBlocked
from domain.receivables.credit_memo import CreditMemoIssued, RebateIssued
from domain.receivables.dunning import DunningNoticeGenerated
from domain.receivables.journal import JournalLine, Side
from domain.receivables.write_off import WriteOffApproved
from subscriptions.inbound.topics import decode_inbound
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import decode, outgoing

ENVELOPE_KEYS = ["eventType", "eventId", "timestamp", "aggregateId", "tenantId", "payload"]
RETURNS = (
    JournalLine("4900", "Sales Returns", Side.DEBIT, Decimal("150.00")),
    JournalLine("1200", "Accounts Receivable", Side.CREDIT, Decimal("150.00")),
)


def about(aggregate_id: str, at: datetime) -> dict[str, Any]:
    return {"aggregate_id": aggregate_id, "tenant_id": "tenant-001", "occurred_at": at}


def published(event: Any) -> tuple[str, dict[str, Any], Any]:
    record = outgoing(PublishedEvent(sequence=1, event=event))
    document = json.loads(record.value, parse_float=Decimal)
    assert list(document) == ENVELOPE_KEYS
    assert decode(record.topic, record.headers, record.value) == event
    return record.topic, document, record


def test_a_blocked_customer_is_seed_002s_example() -> None:
    event = CustomerBlocked(
        **about("cst-1001", datetime(2026, 2, 7, 14, tzinfo=UTC)), reason="Credit limit exceeded"
    )
    topic, document, _ = published(event)
    assert topic == "finance.ar.customer.blocked"
    assert document["eventType"] == "CustomerBlockedEvent"
    assert document["payload"] == {
        "customerId": "cst-1001",
        "reason": "Credit limit exceeded",
        "blockedAt": "2026-02-07T14:00:00Z",
    }


def test_a_dunning_notice_is_seed_002s_example() -> None:
    event = DunningNoticeGenerated(
        **about("dr-001", datetime(2026, 2, 28, 6, tzinfo=UTC)),
        customer_id="cst-1001",
        dunning_level="REMINDER",
        as_of_date=date(2026, 2, 28),
        past_due_amount=Decimal("1200.00"),
    )
    topic, document, record = published(event)
    assert topic == "finance.ar.dunning.notice.generated"
    assert document["payload"] == {
        "dunningRunId": "dr-001",
        "customerId": "cst-1001",
        "dunningLevel": "REMINDER",
        "asOfDate": "2026-02-28",
        "pastDueAmount": Decimal("1200.00"),
    }
    assert b'"pastDueAmount": 1200.00' in record.value


def test_a_credit_memo_is_seed_002s_example_with_its_posting_beside_it() -> None:
    event = CreditMemoIssued(
        **about("cm-001", datetime(2026, 2, 6, 8, 15, tzinfo=UTC)),
        customer_id="cst-1001",
        invoice_id="inv-001",
        amount=Decimal("150.00"),
        reason="Pricing adjustment",
        gl_entries=RETURNS,
    )
    topic, document, record = published(event)
    assert topic == "finance.ar.credit.memo.issued"
    payload = document["payload"]
    assert {k: v for k, v in payload.items() if k != "glEntries"} == {
        "creditMemoId": "cm-001",
        "invoiceId": "inv-001",
        "customerId": "cst-1001",
        "amount": Decimal("150.00"),
        "reason": "Pricing adjustment",
        "issuedAt": "2026-02-06T08:15:00Z",
    }
    assert payload["glEntries"] == [
        {"accountId": "4900-00", "debit": Decimal("150.00"), "credit": Decimal("0.00")},
        {"accountId": "1200-00", "debit": Decimal("0.00"), "credit": Decimal("150.00")},
    ]
    seed_only = {
        **json.loads(record.value),
        "payload": {
            k: v for k, v in json.loads(record.value)["payload"].items() if k != "glEntries"
        },
    }
    from_seed = decode(record.topic, record.headers, json.dumps(seed_only).encode())
    assert isinstance(from_seed, CreditMemoIssued) and from_seed.gl_entries == ()


def test_a_write_off_carries_the_bad_debt_posting_on_its_topic() -> None:
    event = WriteOffApproved(
        **about("WO-001", datetime(2026, 3, 1, 9, tzinfo=UTC)),
        invoice_id="inv-001",
        customer_id="cst-1001",
        amount=Decimal("500.00"),
        reason="Customer insolvent",
        proposed_by="user-100",
        approved_by="user-200",
        gl_entries=(
            JournalLine("6500", "Bad Debt Expense", Side.DEBIT, Decimal("500.00")),
            JournalLine("1200", "Accounts Receivable", Side.CREDIT, Decimal("500.00")),
        ),
    )
    topic, document, _ = published(event)
    assert (topic, document["eventType"]) == (
        "finance.ar.writeoff.approved",
        "WriteOffApprovedEvent",
    )
    assert document["payload"]["glEntries"] == [
        {"accountId": "6500-00", "debit": Decimal("500.00"), "credit": Decimal("0.00")},
        {"accountId": "1200-00", "debit": Decimal("0.00"), "credit": Decimal("500.00")},
    ]
    assert document["payload"]["approvedAt"] == "2026-03-01T09:00:00Z"


SEED_REBATE = {
    "eventType": "RebateIssuedEvent",
    "eventId": "evt-reb-1",
    "timestamp": "2026-02-10T12:00:00Z",
    "aggregateId": "REB-2026-02",
    "tenantId": "tenant-001",
    "payload": {
        "claimId": "REB-2026-02",
        "customerId": "cst-205",
        "amount": 420.00,
        "settlementMethod": "CREDIT_MEMO",
        "creditMemoId": "CM-2026-REB-205",
        "currency": "USD",
    },
}


def test_seed_002s_rebate_reads_as_the_fact() -> None:
    fact = decode_inbound("sales.rebate.issued", [], json.dumps(SEED_REBATE).encode())
    assert fact == RebateIssued(
        **about("REB-2026-02", datetime(2026, 2, 10, 12, tzinfo=UTC)),
        event_id="evt-reb-1",
        claim_id="REB-2026-02",
        customer_id="cst-205",
        amount=Decimal("420.00"),
        settlement_method="CREDIT_MEMO",
        credit_memo_id="CM-2026-REB-205",
        currency="USD",
    )


def test_a_rebate_without_its_credit_memo_id_is_malformed_naming_the_field() -> None:
    payload = {k: v for k, v in SEED_REBATE["payload"].items() if k != "creditMemoId"}
    broken = json.dumps({**SEED_REBATE, "payload": payload}).encode()
    with pytest.raises(MalformedEvent, match="creditMemoId"):
        decode_inbound("sales.rebate.issued", [], broken)
