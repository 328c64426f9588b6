"""Treasury's imported bank statement (seed 002 consumes `BankStatementImportedEvent`).

Each line is money a customer paid into the bank. It is matched to an invoice by an
invoice number in its reference (`INV-2026-004210`), else to the customer's oldest open
invoices; what neither takes stays the customer's unapplied cash for a clerk. A line
makes one payment, once: a replayed statement finds its lines paid already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import DomainEvent

INVOICE_NUMBER = re.compile(r"\bINV-\d{4}-\d{6}\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BankStatementLine:
    line_no: int
    customer_id: str
    """The payer, as Treasury identified them (by the paying account)."""
    amount: Decimal
    currency: str
    value_date: date
    reference: str
    """The remittance text; an invoice number in it names the invoice paid."""
    bank_reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class BankStatementImported(DomainEvent):
    """Treasury imported a bank statement; `aggregate_id` is the statement's id."""

    aggregate_type = "bank_statement"

    statement_date: date
    lines: tuple[BankStatementLine, ...]


def invoice_numbers_in(reference: str) -> list[str]:
    """The invoice numbers a remittance text names, in order, upper-cased."""
    return [found.upper() for found in INVOICE_NUMBER.findall(reference)]
