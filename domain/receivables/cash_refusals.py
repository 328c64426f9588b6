"""Why money cannot be applied (or an invoice with money applied cannot be cancelled).

One module for the refusals of cash application, so the invoice (which checks what it
can take) and the payment (which checks what it can give) raise the same codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.errors import DomainError, NotFound


class PaymentNotFound(NotFound):
    code = "PAYMENT_NOT_FOUND"

    def __init__(self, payment_id: str):
        super().__init__("Payment", payment_id)
        self.field = "paymentId"


class CurrencyMismatch(DomainError):
    code = "CURRENCY_MISMATCH"


class AllocationExceedsOpenBalance(DomainError):
    code = "ALLOCATION_EXCEEDS_OPEN_BALANCE"


class AllocationExceedsPayment(DomainError):
    code = "ALLOCATION_EXCEEDS_PAYMENT"


class InvoiceNotOpen(DomainError):
    code = "INVOICE_NOT_OPEN"


class InvoiceOfAnotherCustomer(DomainError):
    code = "INVOICE_OF_ANOTHER_CUSTOMER"


class NothingToApply(DomainError):
    code = "NOTHING_TO_APPLY"


class InvoiceHasPayments(DomainError):
    """Cancelling an invoice with money applied: the payments to reverse first."""

    code = "INVOICE_HAS_PAYMENTS"

    def __init__(self, invoice_id: str, payment_ids: Sequence[str]):
        super().__init__(
            f"Invoice {invoice_id} has money applied from payment(s) {', '.join(payment_ids)}; "
            "reverse them (reversePayment) before cancelling the invoice.",
            field="invoiceId",
        )
        self.details = {"paymentIds": ",".join(payment_ids)}


def refuse_cancelling_paid(invoice_id: str, payment_ids: Sequence[str]) -> None:
    """An invoice with money applied cannot be cancelled: its payments are named."""
    if payment_ids:
        raise InvoiceHasPayments(invoice_id, payment_ids)


def cents_text(amount: Decimal) -> str:
    return f"{amount:.2f}"
