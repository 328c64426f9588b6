"""Seed 002's invoice events in the AR envelope, on `finance.ar.invoice.*`.

`InvoicePostedEvent` `{invoiceId, customerId, invoiceNumber, totalAmount, taxAmount,
currency, postingDate, dueDate, glEntries: [{accountId, debit, credit}]}` exactly as the
seed shows it: dates as `YYYY-MM-DD`, amounts as exact numbers, one GL entry per journal
line with both columns (`0.00` on the side it is not). `accountId` is the account number
with the seed's sub-account suffix `-00` (the gateway keeps no sub-accounts).

`InvoiceCancelledEvent` `{invoiceId, customerId, reason, cancelledBy, cancelledAt}` as
the seed shows it, plus `glEntries` of the reversal in the same shape, so the General
Ledger (its consumer, "reversal") needs no other event to reverse the posting.

`ContractRenewalEvent` (consumed, from Contracts; seed 002 names it, the payload is the
gateway's, docs/receivables.md) `{contractId, customerId, locationId, periodStart,
periodEnd, currency, items: [{description, itemType, quantity, unitPrice, taxCode}]}`,
dates as `YYYY-MM-DD`; `contractId` is the envelope's `aggregateId`.

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
from domain.receivables.sources import ContractRenewed, RenewalItem
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

RENEWED = {
    "customer_id": "customerId",
    "location_id": "locationId",
    "period_start": "periodStart",
    "period_end": "periodEnd",
    "currency": "currency",
    "items": "items",
}
RENEWAL_ITEM = {
    "description": "description",
    "item_type": "itemType",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "tax_code": "taxCode",
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


def renewal_document(event: ContractRenewed) -> dict[str, Any]:
    return {
        "contractId": event.aggregate_id,
        "customerId": event.customer_id,
        "locationId": event.location_id,
        "periodStart": event.period_start.isoformat(),
        "periodEnd": event.period_end.isoformat(),
        "currency": event.currency,
        "items": [
            {
                "description": item.description,
                "itemType": item.item_type.value,
                "quantity": item.quantity,
                "unitPrice": item.unit_price,
                "taxCode": item.tax_code,
            }
            for item in event.items
        ],
    }


def renewal_fact(wire: WireEvent) -> ContractRenewed:
    """The renewal, refused as malformed when it names another contract than its
    envelope, lists no item, or ends before it starts."""
    named = wire.payload.get("contractId", wire.aggregate_id)
    if named != wire.aggregate_id:
        raise MalformedEvent(
            f"{wire.event_type} payload: contractId {named!r} is not the aggregate's "
            f"{wire.aggregate_id!r}"
        )
    facts = read(wire.payload, RENEWED)
    items = facts.get("items")
    if items == []:
        raise MalformedEvent(f"{wire.event_type} payload: items: lists no item")
    if isinstance(items, list):
        facts["items"] = [read(x, RENEWAL_ITEM) if isinstance(x, dict) else x for x in items]
    renewed = parsed(ContractRenewed, wire, facts, {**RENEWED, **RENEWAL_ITEM})
    if renewed.period_end < renewed.period_start:
        raise MalformedEvent(f"{wire.event_type} payload: periodEnd is before periodStart")
    return renewed


CONTRACTS = (
    Contract(InvoicePosted, "InvoicePostedEvent", posted_document, posted_fact),
    Contract(InvoiceCancelled, "InvoiceCancelledEvent", cancelled_document, cancelled_fact),
)
INBOUND = (Contract(ContractRenewed, "ContractRenewalEvent", renewal_document, renewal_fact),)
"""What accounts receivable reads from other systems (a sales order's fulfilment is the
gateway's own `SalesOrderFulfilledEvent`, read through the sales contract)."""

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
    "ContractRenewalEvent": record(
        ContractRenewed,
        RENEWED,
        contractId=STRING,
        items={
            **array(record(RenewalItem, RENEWAL_ITEM)),
            "minItems": 1,  # renewal_fact refuses a renewal that lists no item
        },
    ),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
