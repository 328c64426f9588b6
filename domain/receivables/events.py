"""What happens to an invoice, as facts (seed 002's invoice events).

`InvoicePosted` carries the journal lines of the posting, which seed 002 publishes as
`glEntries`; `InvoiceCancelled` carries those of the reversal. A draft records no event:
nothing outside the gateway knows of it until it is posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import DomainEvent
from domain.receivables.journal import JournalLine


@dataclass(frozen=True, kw_only=True)
class InvoiceEvent(DomainEvent):
    aggregate_type = "invoice"

    customer_id: str


@dataclass(frozen=True, kw_only=True)
class InvoicePosted(InvoiceEvent):
    """The invoice got its number and was posted to the ledger on `posting_date`."""

    invoice_number: str
    total_amount: Decimal
    tax_amount: Decimal
    currency: str
    posting_date: date
    due_date: date
    gl_entries: tuple[JournalLine, ...]


@dataclass(frozen=True, kw_only=True)
class InvoiceCancelled(InvoiceEvent):
    """A posted invoice was cancelled and its posting reversed; `occurred_at` is when."""

    reason: str
    cancelled_by: str
    gl_entries: tuple[JournalLine, ...] = ()
    """The reversal's lines; none in a document of another system that omits them."""


EVENTS = (InvoicePosted, InvoiceCancelled)
