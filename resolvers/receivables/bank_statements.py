"""Apply Treasury's bank statement: each line becomes a payment of its customer.

A line goes first to the invoice its reference names (an open invoice of that customer
in the line's currency), up to what the invoice owes; else the customer's open invoices
take it oldest due first; what is left stays the customer's unapplied cash, listed by
`unappliedCash` for a clerk. Lines that already made a payment are skipped, so a
statement replayed under a new event id changes nothing (the inbox already drops a
replay under the same id).
"""

from __future__ import annotations

import logging

from domain.receivables.allocation import AllocationRequest
from domain.receivables.bank_statement import (
    BankStatementImported,
    BankStatementLine,
    invoice_numbers_in,
)
from domain.receivables.invoice import OPEN_STATUSES, Invoice
from domain.receivables.payment import PaymentMethod
from resolvers.ports import UnitOfWork
from resolvers.receivables.payments import PaymentRequest, receive

log = logging.getLogger("gateway.receivables")
TREASURY = "treasury"
"""Who recorded a statement's payments (a system, not a user)."""


async def apply_bank_statement(work: UnitOfWork, fact: BankStatementImported) -> None:
    """Apply a BankStatementImportedEvent: one payment per line not applied before."""
    statement_id = fact.aggregate_id
    done = await work.payments.lines_of_statement(statement_id)
    lines = [line for line in fact.lines if line.line_no not in done]
    if not lines:
        log.info("bank statement %s of %s was applied already", statement_id, work.tenant_id)
        return
    named = await work.invoices.locked_by_numbers(
        [number for line in lines for number in invoice_numbers_in(line.reference)]
    )
    for line in lines:
        matched = _matched(line, named)
        request = PaymentRequest(
            customer_id=line.customer_id,
            amount=line.amount,
            currency=line.currency,
            method=PaymentMethod.BANK_TRANSFER,
            payment_date=line.value_date,
            bank_reference=line.bank_reference or line.reference[:200] or None,
            allocations=None
            if matched is None
            else [AllocationRequest(matched.id, min(line.amount, matched.open_balance))],
        )
        await receive(work, fact.occurred_at, TREASURY, request, (statement_id, line.line_no))


def _matched(line: BankStatementLine, named: dict[str, Invoice]) -> Invoice | None:
    """The first invoice the line's reference names that can take its money."""
    for number in invoice_numbers_in(line.reference):
        invoice = named.get(number)
        if (
            invoice is not None
            and invoice.customer_id == line.customer_id
            and invoice.currency == line.currency.strip().upper()
            and invoice.status in OPEN_STATUSES
            and invoice.open_balance > 0
        ):
            return invoice
    return None
