"""Seed 002's invoice events in the AR envelope, on `finance.ar.invoice.*`.

`InvoicePostedEvent` `{invoiceId, customerId, invoiceNumber, totalAmount, taxAmount,
currency, postingDate, dueDate, glEntries: [{accountId, debit, credit}]}` exactly as the
seed shows it: dates as `YYYY-MM-DD`, amounts as exact numbers, one GL entry per journal
line with both columns (`0.00` on the side it is not). `accountId` is the account number
with the seed's sub-account suffix `-00` (the gateway keeps no sub-accounts).

`InvoiceCancelledEvent` `{invoiceId, customerId, reason, cancelledBy, cancelledAt}` as
the seed shows it, plus `glEntries` of the reversal in the same shape, so the General
Ledger (its consumer, "reversal") needs no other event to reverse the posting.

A GL entry read back takes its account's name from the default chart (the wire carries
numbers only); an account the chart does not know is named by its number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.instants import utc_text
from domain.receivables.accounts import DEFAULT_ACCOUNTS
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.journal import JournalLine, Side
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, NUMBER, STRING, Schema, array, obj, record

SUB_ACCOUNT = "-00"
NAMES = {account.number: account.name for account in DEFAULT_ACCOUNTS.values()}
POSTED = {
    "customer_id": "customerId",
    "invoice_number": "invoiceNumber",
    "total_amount": "totalAmount",
    "tax_amount": "taxAmount",
    "currency": "currency",
    "posting_date": "postingDate",
    "due_date": "dueDate",
    "gl_entries": "glEntries",
}
CANCELLED = {
    "customer_id": "customerId",
    "reason": "reason",
    "cancelled_by": "cancelledBy",
    "gl_entries": "glEntries",
}


def gl_entry(line: JournalLine) -> dict[str, Any]:
    return {"accountId": f"{line.account}{SUB_ACCOUNT}", "debit": line.debit, "credit": line.credit}


def _journal_line(entry: Any, index: int) -> dict[str, Any]:
    where = f"glEntries.{index}"
    if not isinstance(entry, dict) or not isinstance(entry.get("accountId"), str):
        raise MalformedEvent(f"{where}.accountId: a GL entry names its account")
    account = entry["accountId"].removesuffix(SUB_ACCOUNT)
    debit, credit = entry.get("debit"), entry.get("credit")
    if not all(isinstance(v, Decimal | int) and v >= 0 for v in (debit, credit)) or (
        bool(debit) == bool(credit)
    ):
        raise MalformedEvent(f"{where}: exactly one of debit and credit is above zero")
    side = Side.DEBIT if debit else Side.CREDIT
    return {
        "account": account,
        "account_name": NAMES.get(account, account),
        "side": side,
        "amount": Decimal(debit or credit),
    }


def journal_lines(facts: dict[str, Any]) -> dict[str, Any]:
    """`facts` with their `gl_entries` read as journal lines (any AR document's)."""
    entries = facts.get("gl_entries")
    if isinstance(entries, list):
        facts["gl_entries"] = [_journal_line(e, i) for i, e in enumerate(entries)]
    return facts


def _facts(wire: WireEvent, names: dict[str, str]) -> dict[str, Any]:
    return journal_lines(read(wire.payload, names))


def posted_document(event: InvoicePosted) -> dict[str, Any]:
    return {
        "invoiceId": event.aggregate_id,
        "customerId": event.customer_id,
        "invoiceNumber": event.invoice_number,
        "totalAmount": event.total_amount,
        "taxAmount": event.tax_amount,
        "currency": event.currency,
        "postingDate": event.posting_date.isoformat(),
        "dueDate": event.due_date.isoformat(),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def cancelled_document(event: InvoiceCancelled) -> dict[str, Any]:
    return {
        "invoiceId": event.aggregate_id,
        "customerId": event.customer_id,
        "reason": event.reason,
        "cancelledBy": event.cancelled_by,
        "cancelledAt": utc_text(event.occurred_at),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def posted_fact(wire: WireEvent) -> InvoicePosted:
    return parsed(InvoicePosted, wire, _facts(wire, POSTED), POSTED)


def cancelled_fact(wire: WireEvent) -> InvoiceCancelled:
    return parsed(InvoiceCancelled, wire, _facts(wire, CANCELLED), CANCELLED)


CONTRACTS = (
    Contract(InvoicePosted, "InvoicePostedEvent", posted_document, posted_fact),
    Contract(InvoiceCancelled, "InvoiceCancelledEvent", cancelled_document, cancelled_fact),
)

GL_ENTRIES = array(obj({"accountId": STRING, "debit": NUMBER, "credit": NUMBER}))
SCHEMAS: dict[str, Schema] = {
    "InvoicePostedEvent": record(InvoicePosted, POSTED, invoiceId=STRING, glEntries=GL_ENTRIES),
    "InvoiceCancelledEvent": record(
        InvoiceCancelled,
        CANCELLED,
        invoiceId=STRING,
        cancelledAt=INSTANT,
        glEntries=GL_ENTRIES,
    ),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
