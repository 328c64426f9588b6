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

from domain.customers import CustomerNotFound
from domain.receivables.allocation import oldest_due_first
from domain.receivables.bank_statement import (
    BankStatementImported,
    BankStatementLine,
    invoice_numbers_in,
)
from domain.receivables.invoice import OPEN_STATUSES, Invoice
from domain.receivables.payment import PaymentMethod
from resolvers.ports import UnitOfWork
from resolvers.receivables.payments import PaymentRequest, numbered, receive

log = logging.getLogger("gateway.receivables")
TREASURY = "treasury"
"""Who recorded a statement's payments (a system, not a user)."""


async def apply_bank_statement(work: UnitOfWork, fact: BankStatementImported) -> None:
    """Apply a BankStatementImportedEvent: one payment per line not applied before.

    Everything the lines share is read once: the payers, their open invoices (locked, in
    id order), the books, and the payments' ids, taken in one statement; each line then
    costs only the writes of its payment.
    """
    statement_id = fact.aggregate_id
    done = await work.payments.lines_of_statement(statement_id)
    lines = [line for line in fact.lines if line.line_no not in done]
    if not lines:
        log.info("bank statement %s of %s was applied already", statement_id, work.tenant_id)
        return
    payers = list(dict.fromkeys(line.customer_id for line in lines))
    known = await work.customers.get_many(payers)
    for payer in payers:
        if payer not in known:
            raise CustomerNotFound(
                f"Bank statement {statement_id} names customer '{payer}', who was not found.",
                field="customerId",
            )
    owed = await work.invoices.open_of_customers(payers)
    ids, books = await numbered(work, len(lines))
    for line, payment_id in zip(lines, ids, strict=True):
        currency = line.currency.strip().upper()
        matched = _matched(line, currency, owed[line.customer_id])
        parts = oldest_due_first(
            line.amount, currency, [matched] if matched else owed[line.customer_id]
        )
        request = PaymentRequest(
            customer_id=line.customer_id,
            amount=line.amount,
            currency=currency,
            method=PaymentMethod.BANK_TRANSFER,
            payment_date=line.value_date,
            bank_reference=line.bank_reference or line.reference[:200] or None,
        )
        payment = receive(
            work.tenant_id,
            fact.occurred_at,
            TREASURY,
            request,
            payment_id,
            books,
            parts,
            (statement_id, line.line_no),
        )
        await work.payments.add(payment)


def _matched(line: BankStatementLine, currency: str, owed: list[Invoice]) -> Invoice | None:
    """The first of the payer's open invoices in the line's currency that the line's
    reference names by number."""
    by_number = {invoice.number: invoice for invoice in owed}
    for number in invoice_numbers_in(line.reference):
        invoice = by_number.get(number)
        if (
            invoice is not None
            and invoice.currency == currency
            and invoice.status in OPEN_STATUSES
            and invoice.open_balance > 0
        ):
            return invoice
    return None
