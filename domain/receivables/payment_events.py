"""What happens to a payment, as facts (seed 002's payment events).

`PaymentReceived` carries the allocations made when it was recorded and the journal
lines of its posting, which seed 002 publishes as `glEntries`; `PaymentReversed` the
allocations it gave back and the lines of the reversal. Applying unapplied cash later
records no event: it moves money between the customer's documents inside account 1200
and changes no account's balance, so the General Ledger has nothing to book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.events import DomainEvent
from domain.receivables.invoice import InvoiceStatus
from domain.receivables.journal import JournalLine


@dataclass(frozen=True, slots=True)
class AllocatedAmount:
    invoice_id: str
    amount: Decimal
    previous_status: InvoiceStatus | None = field(default=None, compare=False)
    """The invoice's status before this money moved it (`invoiceStatusChanged`): the
    gateway's own fact, not on the wire, so a document read back equals the event; None
    in another system's document and in facts kept before it was."""


@dataclass(frozen=True, kw_only=True)
class PaymentEvent(DomainEvent):
    aggregate_type = "payment"


@dataclass(frozen=True, kw_only=True)
class PaymentReceived(PaymentEvent):
    """The customer paid `amount`; `allocations` is what went to which invoice (the rest
    is the customer's unapplied cash)."""

    customer_id: str
    payment_number: str
    amount: Decimal
    currency: str
    payment_method: str
    payment_date: date
    bank_reference: str | None
    allocations: tuple[AllocatedAmount, ...]
    gl_entries: tuple[JournalLine, ...]


@dataclass(frozen=True, kw_only=True)
class PaymentReversed(PaymentEvent):
    """The payment was taken back (chargeback, bounce); `occurred_at` is when. Its
    invoices reopened by `allocations`."""

    reason: str
    customer_id: str | None = None
    """The payer; the seed's document leaves it out (the gateway's own carry it)."""
    reversed_by: str | None = None
    allocations: tuple[AllocatedAmount, ...] = ()
    gl_entries: tuple[JournalLine, ...] = ()
    """The reversal's lines; none in a document of another system that omits them."""


EVENTS = (PaymentReceived, PaymentReversed)
