"""Which invoices a payment's money goes to: the ones the clerk names, or oldest due first.

Explicit allocations are checked as a whole (each a positive amount in cents, each
invoice once, the customer's own, together no more than the money available); each
invoice then checks what it can take (`Invoice.apply_payment`). Without allocations the
money goes to the customer's open invoices in the payment's currency, the oldest due
date first (then the oldest posting, then the number), each paid off before the next;
what is left over stays unapplied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.catalog import check_amount
from domain.errors import InvalidInput, collect
from domain.receivables.cash_refusals import (
    AllocationExceedsPayment,
    InvoiceOfAnotherCustomer,
    cents_text,
)
from domain.receivables.invoice import OPEN_STATUSES, Invoice

LARGEST_PAYMENT = Decimal("1e15")


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    """Part of a payment a clerk (or a bank statement line) sends to one invoice."""

    invoice_id: str
    amount: Decimal


def check_payment_amount(amount: Decimal, field: str = "amount") -> InvalidInput | None:
    problem = check_amount(amount, field, "amount", LARGEST_PAYMENT)
    if problem is None and amount <= 0:
        return InvalidInput(f"A payment is of more than 0.00; got {amount}.", field=field)
    return problem


def oldest_due_first(
    available: Decimal, currency: str, open_invoices: Sequence[Invoice]
) -> list[tuple[Invoice, Decimal]]:
    """`available` spread over `open_invoices` in the payment's currency, oldest due first."""
    parts: list[tuple[Invoice, Decimal]] = []
    for invoice in sorted(open_invoices, key=_due_order):
        if available <= 0:
            break
        if invoice.currency != currency or invoice.status not in OPEN_STATUSES:
            continue
        amount = min(available, invoice.open_balance)
        if amount > 0:
            parts.append((invoice, amount))
            available -= amount
    return parts


def named(
    available: Decimal,
    customer_id: str,
    requested: Sequence[AllocationRequest],
    invoices: Mapping[str, Invoice],
) -> list[tuple[Invoice, Decimal]]:
    """The clerk's allocations, checked as a whole; `invoices` holds each one named."""
    problems = [
        check_payment_amount(part.amount, f"allocations[{i}].amount")
        for i, part in enumerate(requested)
    ]
    seen: set[str] = set()
    for i, part in enumerate(requested):
        if part.invoice_id in seen:
            problems.append(
                InvalidInput(
                    f"Invoice {part.invoice_id} is named twice; give it one allocation.",
                    field=f"allocations[{i}].invoiceId",
                )
            )
        seen.add(part.invoice_id)
    collect(*problems)
    for i, part in enumerate(requested):
        owner = invoices[part.invoice_id].customer_id
        if owner != customer_id:
            raise InvoiceOfAnotherCustomer(
                f"Invoice {part.invoice_id} bills customer {owner}, not {customer_id}.",
                field=f"allocations[{i}].invoiceId",
            )
    wanted = sum((part.amount for part in requested), Decimal("0.00"))
    if wanted > available:
        raise AllocationExceedsPayment(
            f"The allocations add up to {cents_text(wanted)}; only {cents_text(available)} "
            "is there to apply.",
            field="allocations",
        )
    return [(invoices[part.invoice_id], part.amount) for part in requested]


def _due_order(invoice: Invoice) -> tuple[date, date, str]:
    return (
        invoice.due_date or date.max,
        invoice.posting_date or date.max,
        invoice.number or invoice.id,
    )
