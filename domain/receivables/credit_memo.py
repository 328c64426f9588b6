"""Credit memos: money a customer is credited, against one invoice or on account.

Issuing one posts Dr Sales Returns / Cr Accounts Receivable (seed 002's rule; Sales
Returns is 4900, docs/decisions.md) on the issuing date, which must be in an open
period. Against an invoice it comes off that invoice's open balance (never more than
is open: CREDIT_EXCEEDS_OPEN_BALANCE), in the invoice's currency; on account it stays
the customer's credit, lowering what they owe (their receivables balance). Sales
Rebates settle a rebate with a credit memo of the id it chose (`RebateIssued`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from domain.catalog import check_amount
from domain.checks import check_text
from domain.errors import InvalidInput, NotFound, collect
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.receivables.accounts import AccountRole, ChartOfAccounts
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.journal import JournalEntry, JournalLine, Side

REBATE_SETTLEMENT = "CREDIT_MEMO"
"""The settlement method of a rebate paid as a credit memo (others are not AR's)."""


class CreditMemoNotFound(NotFound):
    code = "CREDIT_MEMO_NOT_FOUND"

    def __init__(self, memo_id: str):
        super().__init__("Credit memo", memo_id)
        self.field = "creditMemoId"


def issue_entry_id(memo_id: str) -> str:
    """The journal entry an issued credit memo posted."""
    return f"{memo_id}-ISSUE"


@dataclass(frozen=True, kw_only=True)
class CreditMemoIssued(DomainEvent):
    """The customer was credited `amount` (against `invoice_id`, or on account)."""

    aggregate_type = "credit_memo"

    customer_id: str
    invoice_id: str | None
    amount: Decimal
    reason: str
    gl_entries: tuple[JournalLine, ...] = ()
    """The memo's posting; none in a document of another system that omits it."""
    previous_status: InvoiceStatus | None = field(default=None, compare=False)
    """The invoice's status before the credit (`invoiceStatusChanged`): the gateway's own
    fact, not on the wire; None on account, and in facts kept before it was."""


@dataclass(frozen=True, kw_only=True)
class RebateIssued(DomainEvent):
    """Sales Rebates settled rebate claim `claim_id` (seed 002's `RebateIssuedEvent`)."""

    aggregate_type = "rebate_claim"

    claim_id: str
    customer_id: str
    amount: Decimal
    settlement_method: str
    credit_memo_id: str
    currency: str


EVENTS = (CreditMemoIssued,)


@dataclass(slots=True, eq=False)
class CreditMemo:
    id: str
    tenant_id: str
    customer_id: str
    invoice_id: str | None
    amount: Decimal
    currency: str
    reason: str
    issued_by: str
    issued_at: datetime
    claim_id: str | None = None
    journal: tuple[JournalEntry, ...] = ()
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def issue(
        cls,
        memo_id: str,
        tenant_id: str,
        customer_id: str,
        invoice: Invoice | None,
        amount: Decimal,
        currency: str,
        reason: str,
        at: datetime,
        by: str,
        chart: ChartOfAccounts,
        closed_periods: Iterable[FinancialPeriod],
        claim_id: str | None = None,
    ) -> CreditMemo:
        """Credit `amount` against `invoice` (taken off its open balance) or on account."""
        collect(
            check_amount(amount, "amount", "credit amount"),
            check_text(reason, "reason", "Say why the customer is credited.", 1000),
        )
        if amount <= 0:
            raise InvalidInput(f"A credit is above 0.00; got {amount}.", field="amount")
        if invoice is not None and invoice.customer_id != customer_id:
            raise InvalidInput(
                f"Invoice {invoice.id} bills customer {invoice.customer_id}, not {customer_id}.",
                field="invoiceId",
            )
        if invoice is not None and currency != invoice.currency:
            raise InvalidInput(
                f"Invoice {invoice.id} is in {invoice.currency}; a credit against it is too "
                f"(got {currency}).",
                code="CURRENCY_MISMATCH",
                field="currency",
            )
        on = at.astimezone(UTC).date()
        for period in closed_periods:
            period.refuse_billing_on(on)
        previous = None if invoice is None else invoice.status
        if invoice is not None:
            invoice.apply_credit(amount)
        entry = JournalEntry.of(
            issue_entry_id(memo_id),
            on,
            f"Credit memo {memo_id}"
            + (f" on invoice {invoice.number}" if invoice else " on account"),
            (
                JournalLine.of(chart[AccountRole.SALES_RETURNS], Side.DEBIT, amount),
                JournalLine.of(chart[AccountRole.RECEIVABLES], Side.CREDIT, amount),
            ),
        )
        memo = cls(
            id=memo_id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            invoice_id=invoice.id if invoice else None,
            amount=amount,
            currency=currency,
            reason=reason.strip(),
            issued_by=by,
            issued_at=at,
            claim_id=claim_id,
            journal=(entry,),
        )
        memo.events.append(
            CreditMemoIssued(
                aggregate_id=memo_id,
                tenant_id=tenant_id,
                occurred_at=at,
                customer_id=customer_id,
                invoice_id=memo.invoice_id,
                amount=amount,
                reason=memo.reason,
                gl_entries=entry.lines,
                previous_status=previous,
            )
        )
        return memo
