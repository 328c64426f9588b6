"""Which invoices a receivables fact moves to another status, for `invoiceStatusChanged`.

An invoice records its own facts only when it is posted and cancelled; money moves it
too: a payment (to PARTIALLY_PAID or PAID), its reversal (open again), a credit memo
against it (PARTIALLY_PAID or PAID), an approved write-off (WRITTEN_OFF). Those facts
are the payment's, the memo's and the write-off's; they name the invoices they touched,
and the status each had before (`status_before`).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.events import DomainEvent
from domain.receivables.credit_memo import CreditMemoIssued
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.invoice import InvoiceStatus
from domain.receivables.payment_events import PaymentReceived, PaymentReversed
from domain.receivables.write_off import WriteOffApproved

MOVING: dict[type[DomainEvent], str] = {
    InvoicePosted: "InvoicePostedEvent",
    InvoiceCancelled: "InvoiceCancelledEvent",
    PaymentReceived: "PaymentReceivedEvent",
    PaymentReversed: "PaymentReversedEvent",
    CreditMemoIssued: "CreditMemoIssuedEvent",
    WriteOffApproved: "WriteOffApprovedEvent",
}
"""Every fact that moves an invoice, with the event type its contract publishes it as."""


@dataclass(frozen=True, slots=True)
class Moved:
    invoice_ids: tuple[str, ...]
    """Each once, in the fact's order."""
    customer_id: str | None
    """None where another system's document leaves the payer out."""


def moved_by(event: DomainEvent) -> Moved:
    """The invoices `event` moved (none for a memo on account or an unapplied payment)."""
    match event:
        case InvoicePosted() | InvoiceCancelled():
            return Moved((event.aggregate_id,), event.customer_id)
        case PaymentReceived() | PaymentReversed():
            touched = tuple(dict.fromkeys(a.invoice_id for a in event.allocations))
            return Moved(touched, event.customer_id)
        case CreditMemoIssued():
            return Moved(() if event.invoice_id is None else (event.invoice_id,), event.customer_id)
        case WriteOffApproved():
            return Moved((event.invoice_id,), event.customer_id)
    return Moved((), None)


def status_before(event: DomainEvent, invoice_id: str) -> InvoiceStatus | None:
    """The status invoice `invoice_id` had before `event` moved it, as the fact recorded
    it; None where it did not (another system's document, a fact kept before it did)."""
    match event:
        case InvoicePosted():
            return InvoiceStatus.DRAFT
        case InvoiceCancelled():
            return InvoiceStatus.POSTED
        case PaymentReceived() | PaymentReversed():
            return next(
                (a.previous_status for a in event.allocations if a.invoice_id == invoice_id), None
            )
        case CreditMemoIssued() | WriteOffApproved():
            return event.previous_status if event.invoice_id == invoice_id else None
    return None
