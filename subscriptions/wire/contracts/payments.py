"""Seed 002's payment events in the AR envelope, on `finance.ar.payment.*`, and
Treasury's `BankStatementImportedEvent`, which the gateway reads.

`PaymentReceivedEvent` `{paymentId, paymentNumber, customerId, amount, currency,
paymentMethod, paymentDate, bankReference, allocations: [{invoiceId, amount}],
glEntries}` exactly as the seed shows it; `glEntries` has one line per account and
side (Dr 1000 the amount, Cr 1200 the amount), as the General Ledger books it.

`PaymentReversedEvent` `{paymentId, reason, reversedAt}` as the seed shows it, plus
`customerId`, `reversedBy`, the `allocations` the invoices got back and the reversal's
`glEntries` (additions, as on `InvoiceCancelledEvent`; a document without them is read).

`BankStatementImportedEvent`: the seed names the event only; the gateway's contract for
its payload (aggregate type `bank_statement`, `aggregateId` the statement id):
`{"statementId": "STMT-2026-02-04", "statementDate": "2026-02-04", "lines": [{"lineNo":
1, "customerId": "cst-1001", "amount": 1200.00, "currency": "USD", "valueDate":
"2026-02-04", "reference": "INV-2026-004210", "bankReference": "ACH-2026-8831"}]}`
(`bankReference` optional; `statementId`, if given, equals `aggregateId`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.instants import utc_text
from domain.receivables.bank_statement import BankStatementImported
from domain.receivables.payment_events import AllocatedAmount, PaymentReceived, PaymentReversed
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.contracts.receivables import GL_ENTRIES, gl_entry, journal_lines
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, STRING, Schema, fields, obj, record

RECEIVED = {
    "customer_id": "customerId",
    "payment_number": "paymentNumber",
    "amount": "amount",
    "currency": "currency",
    "payment_method": "paymentMethod",
    "payment_date": "paymentDate",
    "bank_reference": "bankReference",
    "allocations": "allocations",
    "gl_entries": "glEntries",
}
REVERSED = {
    "customer_id": "customerId",
    "reason": "reason",
    "reversed_by": "reversedBy",
    "allocations": "allocations",
    "gl_entries": "glEntries",
}
ALLOCATION = {"invoice_id": "invoiceId", "amount": "amount"}
STATEMENT = {"statement_date": "statementDate", "lines": "lines"}
STATEMENT_LINE = {
    "line_no": "lineNo",
    "customer_id": "customerId",
    "amount": "amount",
    "currency": "currency",
    "value_date": "valueDate",
    "reference": "reference",
    "bank_reference": "bankReference",
}


def _allocations(parts: tuple[AllocatedAmount, ...]) -> list[dict[str, Any]]:
    return [{"invoiceId": part.invoice_id, "amount": part.amount} for part in parts]


def received_document(event: PaymentReceived) -> dict[str, Any]:
    return {
        "paymentId": event.aggregate_id,
        "paymentNumber": event.payment_number,
        "customerId": event.customer_id,
        "amount": event.amount,
        "currency": event.currency,
        "paymentMethod": event.payment_method,
        "paymentDate": event.payment_date.isoformat(),
        "bankReference": event.bank_reference,
        "allocations": _allocations(event.allocations),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def reversed_document(event: PaymentReversed) -> dict[str, Any]:
    return {
        "paymentId": event.aggregate_id,
        "reason": event.reason,
        "reversedAt": utc_text(event.occurred_at),
        "customerId": event.customer_id,
        "reversedBy": event.reversed_by,
        "allocations": _allocations(event.allocations),
        "glEntries": [gl_entry(line) for line in event.gl_entries],
    }


def _lines(value: Any, names: dict[str, str]) -> Any:
    if not isinstance(value, list):
        return value
    return [read(line, names) if isinstance(line, dict) else line for line in value]


def _payment_facts(wire: WireEvent, names: dict[str, str]) -> dict[str, Any]:
    facts = journal_lines(read(wire.payload, names))
    if "allocations" in facts:
        facts["allocations"] = _lines(facts["allocations"], ALLOCATION)
    return facts


def received_fact(wire: WireEvent) -> PaymentReceived:
    facts = _payment_facts(wire, RECEIVED)
    return parsed(PaymentReceived, wire, facts, {**RECEIVED, **ALLOCATION})


def reversed_fact(wire: WireEvent) -> PaymentReversed:
    facts = _payment_facts(wire, REVERSED)
    return parsed(PaymentReversed, wire, facts, {**REVERSED, **ALLOCATION})


def statement_document(event: BankStatementImported) -> dict[str, Any]:
    return {
        "statementId": event.aggregate_id,
        "statementDate": event.statement_date.isoformat(),
        "lines": [
            {
                "lineNo": line.line_no,
                "customerId": line.customer_id,
                "amount": line.amount,
                "currency": line.currency,
                "valueDate": line.value_date.isoformat(),
                "reference": line.reference,
                "bankReference": line.bank_reference,
            }
            for line in event.lines
        ],
    }


def statement_fact(wire: WireEvent) -> BankStatementImported:
    named = wire.payload.get("statementId", wire.aggregate_id)
    if named != wire.aggregate_id:
        raise MalformedEvent(
            f"{wire.event_type} payload: statementId {named!r} is not the aggregateId "
            f"{wire.aggregate_id!r}"
        )
    facts = read(wire.payload, STATEMENT)
    lines = facts.get("lines")
    if lines == []:
        raise MalformedEvent(f"{wire.event_type} payload: lines: lists no line")
    facts["lines"] = _lines(lines, STATEMENT_LINE)
    fact = parsed(BankStatementImported, wire, facts, {**STATEMENT, **STATEMENT_LINE})
    numbers = [line.line_no for line in fact.lines]
    if len(set(numbers)) != len(numbers):
        raise MalformedEvent(f"{wire.event_type} payload: lines: a lineNo is repeated")
    for i, line in enumerate(fact.lines):
        if line.amount <= 0 or line.amount != line.amount.quantize(Decimal("0.01")):
            raise MalformedEvent(
                f"{wire.event_type} payload: lines.{i}.amount: a positive amount in cents"
            )
    return fact


CONTRACTS = (
    Contract(PaymentReceived, "PaymentReceivedEvent", received_document, received_fact),
    Contract(PaymentReversed, "PaymentReversedEvent", reversed_document, reversed_fact),
)
INBOUND = (
    Contract(
        BankStatementImported, "BankStatementImportedEvent", statement_document, statement_fact
    ),
)
"""Read from Treasury, never published."""


def _statement_schema() -> Schema:
    """The statement's payload: `statementId` may be left out (it is the aggregateId), and
    `statement_fact` refuses a statement that lists no line."""
    payload = fields(BankStatementImported, STATEMENT, {"lines": STATEMENT_LINE})
    payload["lines"] = {**payload["lines"], "minItems": 1}
    return obj({"statementId": STRING, **payload}, optional=["statementId"])


SCHEMAS: dict[str, Schema] = {
    "PaymentReceivedEvent": record(
        PaymentReceived,
        RECEIVED,
        {"allocations": ALLOCATION},
        paymentId=STRING,
        glEntries=GL_ENTRIES,
    ),
    "PaymentReversedEvent": record(
        PaymentReversed,
        REVERSED,
        {"allocations": ALLOCATION},
        paymentId=STRING,
        reversedAt=INSTANT,
        glEntries=GL_ENTRIES,
    ),
    "BankStatementImportedEvent": _statement_schema(),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
