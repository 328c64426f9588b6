"""Writing off what a customer will not pay: proposed by one user, approved by another.

A proposal names an open invoice and why; it writes off the invoice's whole open
balance as it is then. Approval by someone other than the proposer (four eyes:
WRITE_OFF_SELF_APPROVAL otherwise) posts Dr Bad Debt Expense / Cr Accounts Receivable
(seed 002's rule) on the approval date, which must be in an open period, and sets the
invoice WRITTEN_OFF. If the invoice's open balance changed since the proposal (a payment
or a credit came in), approval is WRITE_OFF_OUTDATED: propose again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from domain.checks import check_text
from domain.errors import DomainError, NotFound, collect
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.receivables.accounts import AccountRole, ChartOfAccounts
from domain.receivables.invoice import (
    OPEN_STATUSES,
    InvalidInvoiceTransition,
    Invoice,
    InvoiceStatus,
)
from domain.receivables.journal import JournalEntry, JournalLine, Side


class WriteOffStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"


class WriteOffNotFound(NotFound):
    code = "WRITE_OFF_NOT_FOUND"

    def __init__(self, write_off_id: str):
        super().__init__("Write-off", write_off_id)
        self.field = "writeOffId"


class SelfApproval(DomainError):
    code = "WRITE_OFF_SELF_APPROVAL"


class WriteOffNotPending(DomainError):
    code = "INVALID_TRANSITION"


def approval_entry_id(write_off_id: str) -> str:
    """The journal entry an approved write-off posted."""
    return f"{write_off_id}-APPROVE"


@dataclass(frozen=True, kw_only=True)
class WriteOffApproved(DomainEvent):
    """An invoice's open balance was written off to bad debt (on
    `finance.ar.writeoff.approved`)."""

    aggregate_type = "write_off"

    invoice_id: str
    customer_id: str
    amount: Decimal
    reason: str
    proposed_by: str
    approved_by: str
    gl_entries: tuple[JournalLine, ...]
    previous_status: InvoiceStatus | None = field(default=None, compare=False)
    """The invoice's status before it was written off (`invoiceStatusChanged`): the
    gateway's own fact, not on the wire; None in facts kept before it was."""


EVENTS = (WriteOffApproved,)


@dataclass(slots=True, eq=False)
class WriteOff:
    id: str
    tenant_id: str
    invoice_id: str
    customer_id: str
    amount: Decimal
    reason: str
    proposed_by: str
    proposed_at: datetime
    status: WriteOffStatus = WriteOffStatus.PROPOSED
    approved_by: str | None = None
    approved_at: datetime | None = None
    journal: tuple[JournalEntry, ...] = ()
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def propose(
        cls, write_off_id: str, invoice: Invoice, reason: str, at: datetime, by: str
    ) -> WriteOff:
        """Propose writing off `invoice`'s open balance, saying why."""
        collect(check_text(reason, "reason", "Say why the invoice is written off.", 1000))
        if invoice.status not in OPEN_STATUSES or invoice.open_balance <= 0:
            raise InvalidInvoiceTransition(invoice.id, invoice.status, "be written off")
        return cls(
            id=write_off_id,
            tenant_id=invoice.tenant_id,
            invoice_id=invoice.id,
            customer_id=invoice.customer_id,
            amount=invoice.open_balance,
            reason=reason.strip(),
            proposed_by=by,
            proposed_at=at,
        )

    def approve(
        self,
        invoice: Invoice,
        at: datetime,
        by: str,
        chart: ChartOfAccounts,
        closed_periods: Iterable[FinancialPeriod],
    ) -> JournalEntry:
        if self.status is not WriteOffStatus.PROPOSED:
            raise WriteOffNotPending(
                f"Write-off {self.id} is {self.status}; only a proposed one can be approved.",
                field="writeOffId",
            )
        if by == self.proposed_by:
            raise SelfApproval(
                f"You proposed write-off {self.id}; another user must approve it.",
                field="writeOffId",
            )
        on = at.astimezone(UTC).date()
        for period in closed_periods:
            period.refuse_billing_on(on)
        previous = invoice.status
        invoice.write_off(self.amount)
        entry = JournalEntry.of(
            approval_entry_id(self.id),
            on,
            f"Write-off of invoice {invoice.number}",
            (
                JournalLine.of(chart[AccountRole.BAD_DEBT], Side.DEBIT, self.amount),
                JournalLine.of(chart[AccountRole.RECEIVABLES], Side.CREDIT, self.amount),
            ),
        )
        self.status, self.approved_by, self.approved_at = WriteOffStatus.APPROVED, by, at
        self.journal += (entry,)
        self.events.append(
            WriteOffApproved(
                aggregate_id=self.id,
                tenant_id=self.tenant_id,
                occurred_at=at,
                invoice_id=self.invoice_id,
                customer_id=self.customer_id,
                amount=self.amount,
                reason=self.reason,
                proposed_by=self.proposed_by,
                approved_by=by,
                gl_entries=entry.lines,
                previous_status=previous,
            )
        )
        return entry
