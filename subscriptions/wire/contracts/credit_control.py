"""Seed 002's credit and dunning events in the AR envelope, and the rebate it reads.

`CustomerBlockedEvent` `{customerId, reason, blockedAt}` and `DunningNoticeGeneratedEvent`
`{dunningRunId, customerId, dunningLevel, asOfDate, pastDueAmount}` exactly as the seed
shows them. `CreditMemoIssuedEvent` is the seed's `{creditMemoId, invoiceId, customerId,
amount, reason, issuedAt}` (`invoiceId` null for a credit on account) plus `glEntries` of
its posting, as `InvoiceCancelledEvent` carries its reversal. The seed shows no payload
for the write-off, only its topic and GL rule: `WriteOffApprovedEvent` is the gateway's
`{writeOffId, invoiceId, customerId, amount, reason, proposedBy, approvedBy, approvedAt,
glEntries}` in the same envelope.

Read: Sales Rebates' `RebateIssuedEvent` `{claimId, customerId, amount,
settlementMethod, creditMemoId, currency}`, as the seed shows it.
"""

from __future__ import annotations

from typing import Any

from domain.instants import utc_text
from domain.receivables.credit_control import CustomerBlocked
from domain.receivables.credit_memo import CreditMemoIssued, RebateIssued
from domain.receivables.dunning import DunningNoticeGenerated
from domain.receivables.write_off import WriteOffApproved
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.contracts.receivables import GL_ENTRIES, gl_entry, journal_lines
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, record

BLOCKED = {"reason": "reason"}
NOTICE = {
    "customer_id": "customerId",
    "dunning_level": "dunningLevel",
    "as_of_date": "asOfDate",
    "past_due_amount": "pastDueAmount",
}
MEMO = {
    "customer_id": "customerId",
    "invoice_id": "invoiceId",
    "amount": "amount",
    "reason": "reason",
    "gl_entries": "glEntries",
}
WRITE_OFF = {
    "invoice_id": "invoiceId",
    "customer_id": "customerId",
    "amount": "amount",
    "reason": "reason",
    "proposed_by": "proposedBy",
    "approved_by": "approvedBy",
    "gl_entries": "glEntries",
}
REBATE = {
    "claim_id": "claimId",
    "customer_id": "customerId",
    "amount": "amount",
    "settlement_method": "settlementMethod",
    "credit_memo_id": "creditMemoId",
    "currency": "currency",
}


def blocked_document(event: CustomerBlocked) -> dict[str, Any]:
    return {
        "customerId": event.aggregate_id,
        "reason": event.reason,
        "blockedAt": utc_text(event.occurred_at),
    }


def blocked_fact(wire: WireEvent) -> CustomerBlocked:
    return parsed(CustomerBlocked, wire, read(wire.payload, BLOCKED), BLOCKED)


def notice_document(event: DunningNoticeGenerated) -> dict[str, Any]:
    return {
        "dunningRunId": event.aggregate_id,
        "customerId": event.customer_id,
        "dunningLevel": event.dunning_level,
        "asOfDate": event.as_of_date.isoformat(),
        "pastDueAmount": event.past_due_amount,
    }


def notice_fact(wire: WireEvent) -> DunningNoticeGenerated:
    return parsed(DunningNoticeGenerated, wire, read(wire.payload, NOTICE), NOTICE)


def memo_document(event: CreditMemoIssued) -> dict[str, Any]:
    return {
        "creditMemoId": event.aggregate_id,
        "invoiceId": event.invoice_id,
        "customerId": event.customer_id,
        "amount": event.amount,
        "reason": event.reason,
        "issuedAt": utc_text(event.occurred_at),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def memo_fact(wire: WireEvent) -> CreditMemoIssued:
    return parsed(CreditMemoIssued, wire, journal_lines(read(wire.payload, MEMO)), MEMO)


def write_off_document(event: WriteOffApproved) -> dict[str, Any]:
    return {
        "writeOffId": event.aggregate_id,
        "invoiceId": event.invoice_id,
        "customerId": event.customer_id,
        "amount": event.amount,
        "reason": event.reason,
        "proposedBy": event.proposed_by,
        "approvedBy": event.approved_by,
        "approvedAt": utc_text(event.occurred_at),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def write_off_fact(wire: WireEvent) -> WriteOffApproved:
    facts = journal_lines(read(wire.payload, WRITE_OFF))
    return parsed(WriteOffApproved, wire, facts, WRITE_OFF)


def rebate_document(event: RebateIssued) -> dict[str, Any]:
    return {
        "claimId": event.claim_id,
        "customerId": event.customer_id,
        "amount": event.amount,
        "settlementMethod": event.settlement_method,
        "creditMemoId": event.credit_memo_id,
        "currency": event.currency,
    }


def rebate_fact(wire: WireEvent) -> RebateIssued:
    return parsed(RebateIssued, wire, read(wire.payload, REBATE), REBATE)


CONTRACTS = (
    Contract(CustomerBlocked, "CustomerBlockedEvent", blocked_document, blocked_fact),
    Contract(DunningNoticeGenerated, "DunningNoticeGeneratedEvent", notice_document, notice_fact),
    Contract(CreditMemoIssued, "CreditMemoIssuedEvent", memo_document, memo_fact),
    Contract(WriteOffApproved, "WriteOffApprovedEvent", write_off_document, write_off_fact),
)
INBOUND = (Contract(RebateIssued, "RebateIssuedEvent", rebate_document, rebate_fact),)
"""Read from Sales Rebates, never published."""

SCHEMAS: dict[str, Schema] = {
    "CustomerBlockedEvent": record(CustomerBlocked, BLOCKED, customerId=STRING, blockedAt=INSTANT),
    "DunningNoticeGeneratedEvent": record(DunningNoticeGenerated, NOTICE, dunningRunId=STRING),
    "CreditMemoIssuedEvent": record(
        CreditMemoIssued, MEMO, creditMemoId=STRING, issuedAt=INSTANT, glEntries=GL_ENTRIES
    ),
    "WriteOffApprovedEvent": record(
        WriteOffApproved, WRITE_OFF, writeOffId=STRING, approvedAt=INSTANT, glEntries=GL_ENTRIES
    ),
    "RebateIssuedEvent": record(RebateIssued, REBATE),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
