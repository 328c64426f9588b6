"""The invoice aggregate: drafted with lines, posted under a gapless number, cancelled.

A draft is created with its lines (priced and taxed by `lines.py`) and has no number.
Posting gives it the next number of its tenant's series for the posting year
(`INV-2026-004210`, taken by the use case inside the posting transaction, so a refused
or rolled-back posting takes no number), its due date from the customer's billing
terms, and one balanced journal entry: Dr Accounts Receivable the total, Cr revenue the
net, Cr Sales Tax Payable the tax.
Cancelling a posted invoice reverses that entry on the cancelling date. Nothing in here
reads a clock: instants are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.checks import check_text
from domain.errors import DomainError, NotFound, collect
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.receivables.accounts import AccountRole, ChartOfAccounts
from domain.receivables.cash_refusals import (
    AllocationExceedsOpenBalance,
    CurrencyMismatch,
    InvoiceNotOpen,
    cents_text,
)
from domain.receivables.events import InvoiceCancelled, InvoicePosted
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.lines import ZERO, InvoiceLine
from domain.receivables.terms import due_date

NUMBER_PREFIX = "INV"
NUMBER_WIDTH = 6


class InvoiceStatus(StrEnum):
    DRAFT = "DRAFT"
    POSTED = "POSTED"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    CANCELLED = "CANCELLED"
    WRITTEN_OFF = "WRITTEN_OFF"


OPEN_STATUSES = (InvoiceStatus.POSTED, InvoiceStatus.PARTIALLY_PAID)
"""Statuses in which money is still owed."""


class InvoiceNotFound(NotFound):
    code = "INVOICE_NOT_FOUND"

    def __init__(self, invoice_id: str):
        super().__init__("Invoice", invoice_id)
        self.field = "invoiceId"


class InvalidInvoiceTransition(DomainError):
    code = "INVALID_TRANSITION"

    def __init__(self, invoice_id: str, current: InvoiceStatus, action: str):
        super().__init__(
            f"Invoice {invoice_id} is {current}, so it cannot {action}. Refresh the invoice "
            "to see what it allows now.",
            field="status",
        )


class EmptyInvoice(DomainError):
    code = "EMPTY_INVOICE"


class CreditAboveOpenBalance(DomainError):
    code = "CREDIT_EXCEEDS_OPEN_BALANCE"

    def __init__(self, invoice_id: str, amount: Decimal, open_balance: Decimal):
        super().__init__(
            f"Invoice {invoice_id} has {open_balance} open; a credit of {amount} against it "
            "is more than that. Credit the rest on account.",
            field="amount",
        )


class WriteOffOutdated(DomainError):
    code = "WRITE_OFF_OUTDATED"

    def __init__(self, invoice_id: str, amount: Decimal, open_balance: Decimal):
        super().__init__(
            f"The write-off of {amount} was proposed when invoice {invoice_id} had that "
            f"open; it has {open_balance} open now. Propose the write-off again.",
            field="writeOffId",
        )


def invoice_number(year: int, sequence: int) -> str:
    """The number a tenant's `sequence`-th invoice posted in `year` carries."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:0{NUMBER_WIDTH}d}"


@dataclass(slots=True, eq=False)
class Invoice:
    id: str
    tenant_id: str
    customer_id: str
    location_id: str
    currency: str
    billing_terms_id: str | None
    created_at: datetime
    created_by: str
    service_order_id: str | None = None
    sales_order_id: str | None = None
    """The fulfilled sales order it bills (`SalesOrderFulfilledEvent`)."""
    contract_id: str | None = None
    """The renewed contract it bills for `billing_period_start`..`billing_period_end`."""
    billing_period_start: date | None = None
    billing_period_end: date | None = None
    note: str | None = None
    """What the customer should know about the amounts (labor billed as approved)."""
    lines: tuple[InvoiceLine, ...] = ()
    """Left out of an invoice loaded only to take or give back money (a payment, its
    reversal), which needs its totals and open balance, never its lines."""
    subtotal: Decimal = ZERO
    """The lines' net amounts: worked out from the lines when there are any, else as
    stored."""
    tax_total: Decimal = ZERO
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    posting_date: date | None = None
    due_date: date | None = None
    open_balance: Decimal = ZERO
    posted_at: datetime | None = None
    posted_by: str | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    cancellation_reason: str | None = None
    journal: tuple[JournalEntry, ...] = ()
    """Left out, as `lines` are, of an invoice loaded only to take or give back money."""
    version: int = 1
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.lines:
            self.subtotal = sum((line.net_amount for line in self.lines), ZERO)
            self.tax_total = sum((line.tax_amount for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax_total

    @property
    def revenue_role(self) -> AccountRole:
        """A billed order earns Service Revenue (seed 000); any other invoice, Revenue
        (seed 002)."""
        return AccountRole.SERVICE_REVENUE if self.service_order_id else AccountRole.REVENUE

    def is_overdue(self, on: date) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < on
            and self.open_balance > 0
        )

    def post(
        self,
        number: str,
        posting_date: date,
        at: datetime,
        by: str,
        chart: ChartOfAccounts,
        closed_periods: Iterable[FinancialPeriod],
    ) -> JournalEntry:
        """Post the draft under `number` on `posting_date`; the books must be open then."""
        self._require(InvoiceStatus.DRAFT, "be posted")
        if not self.lines or self.total <= 0:
            raise EmptyInvoice(
                f"Invoice {self.id} bills nothing yet; add a line with an amount first.",
                field="items",
            )
        for period in closed_periods:
            period.refuse_billing_on(posting_date)
        due = due_date(posting_date, self.billing_terms_id)
        entry = JournalEntry.of(
            f"{self.id}-POST",
            posting_date,
            f"Invoice {number}",
            (
                JournalLine.of(chart[AccountRole.RECEIVABLES], Side.DEBIT, self.total),
                JournalLine.of(chart[self.revenue_role], Side.CREDIT, self.subtotal),
                JournalLine.of(chart[AccountRole.SALES_TAX_PAYABLE], Side.CREDIT, self.tax_total),
            ),
        )
        self.status, self.number = InvoiceStatus.POSTED, number
        self.posting_date, self.due_date = posting_date, due
        self.open_balance, self.posted_at, self.posted_by = self.total, at, by
        self.journal += (entry,)
        self.events.append(
            InvoicePosted(
                **self._about(at),
                invoice_number=number,
                total_amount=self.total,
                tax_amount=self.tax_total,
                currency=self.currency,
                posting_date=posting_date,
                due_date=due,
                gl_entries=entry.lines,
            )
        )
        return entry

    def cancel(
        self, reason: str, at: datetime, by: str, closed_periods: Iterable[FinancialPeriod]
    ) -> None:
        """Cancel with a reason. A posted invoice's posting is reversed on the cancelling
        date (which must be in an open period); a draft is only set aside."""
        if self.status not in (InvoiceStatus.DRAFT, InvoiceStatus.POSTED):
            raise InvalidInvoiceTransition(self.id, self.status, "be cancelled")
        collect(check_text(reason, "reason", "Say why the invoice is cancelled.", 1000))
        if self.status is InvoiceStatus.POSTED:
            on = max(at.astimezone(UTC).date(), self.posting_date or date.min)
            for period in closed_periods:
                period.refuse_billing_on(on)
            reversal = self.journal[-1].reversal(
                f"{self.id}-CANCEL", on, f"Cancellation of invoice {self.number}"
            )
            self.journal += (reversal,)
            self.events.append(
                InvoiceCancelled(
                    **self._about(at),
                    reason=reason.strip(),
                    cancelled_by=by,
                    gl_entries=reversal.lines,
                )
            )
        self.status, self.open_balance = InvoiceStatus.CANCELLED, ZERO
        self.cancelled_at, self.cancelled_by = at, by
        self.cancellation_reason = reason.strip()

    def apply_credit(self, amount: Decimal) -> None:
        """Take a credit memo's `amount` off the open balance (its journal entry is the
        memo's): PARTIALLY_PAID while money is still owed, PAID when nothing is."""
        self._require_open("be credited")
        if not 0 < amount <= self.open_balance:
            raise CreditAboveOpenBalance(self.id, amount, self.open_balance)
        self.open_balance -= amount
        self.status = InvoiceStatus.PAID if not self.open_balance else InvoiceStatus.PARTIALLY_PAID

    def write_off(self, amount: Decimal) -> None:
        """Write off the open balance, exactly `amount` (what was proposed): the invoice
        is WRITTEN_OFF and owes nothing more (the write-off's entry is its own)."""
        self._require_open("be written off")
        if amount != self.open_balance:
            raise WriteOffOutdated(self.id, amount, self.open_balance)
        self.open_balance, self.status = ZERO, InvoiceStatus.WRITTEN_OFF

    def _require_open(self, action: str) -> None:
        if self.status not in OPEN_STATUSES or self.open_balance <= 0:
            raise InvalidInvoiceTransition(self.id, self.status, action)

    def apply_payment(self, payment_id: str, amount: Decimal, currency: str) -> None:
        """Take `amount` of payment `payment_id` off the open balance: PARTIALLY_PAID, or
        PAID when nothing is left. Only an open invoice in the payment's currency takes
        money, and never more than it is owed."""
        if self.status not in OPEN_STATUSES:
            raise InvoiceNotOpen(
                f"Invoice {self.id} is {self.status}; only a POSTED or PARTIALLY_PAID "
                "invoice takes a payment.",
                field="allocations",
            )
        if currency != self.currency:
            raise CurrencyMismatch(
                f"Payment {payment_id} is in {currency}; invoice {self.id} is in {self.currency}.",
                field="currency",
            )
        if amount > self.open_balance:
            raise AllocationExceedsOpenBalance(
                f"Invoice {self.id} has {cents_text(self.open_balance)} open; "
                f"{cents_text(amount)} cannot be applied to it.",
                field="allocations",
            )
        self.open_balance -= amount
        self.status = InvoiceStatus.PAID if not self.open_balance else InvoiceStatus.PARTIALLY_PAID

    def reverse_payment(self, amount: Decimal) -> None:
        """Give back `amount` a reversed payment had applied: the invoice reopens."""
        self.open_balance += amount
        self.status = (
            InvoiceStatus.POSTED
            if self.open_balance == self.total
            else InvoiceStatus.PARTIALLY_PAID
        )

    def _require(self, status: InvoiceStatus, action: str) -> None:
        if self.status is not status:
            raise InvalidInvoiceTransition(self.id, self.status, action)

    def _about(self, at: datetime) -> dict[str, Any]:
        return {
            "aggregate_id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": at,
            "customer_id": self.customer_id,
        }
