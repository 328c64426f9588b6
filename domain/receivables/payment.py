"""The payment aggregate: money a customer paid, applied to invoices, perhaps reversed.

Recording a payment posts Dr Cash/Bank the amount, Cr Accounts Receivable each part
applied to an invoice (the line names the invoice) and Cr Accounts Receivable the rest,
the customer's unapplied cash (a line with no invoice). Applying that cash later posts
Dr Accounts Receivable (no invoice) / Cr Accounts Receivable (the invoice): the account
keeps its balance, the customer's documents change. Reversing (chargeback, bounce)
posts the opposite of what the payment still holds, on the accounts it was posted to,
and gives every invoice back its part. Nothing in here reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.checks import check_text
from domain.errors import DomainError, collect
from domain.events import DomainEvent
from domain.finance.periods import FinancialPeriod
from domain.money import check_currency
from domain.receivables.accounts import AccountRole, ChartOfAccounts
from domain.receivables.allocation import check_payment_amount
from domain.receivables.cash_refusals import NothingToApply
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.payment_events import AllocatedAmount, PaymentReceived, PaymentReversed

ZERO = Decimal("0.00")
NUMBER_PREFIX = "PMT"


class PaymentStatus(StrEnum):
    RECEIVED = "RECEIVED"
    REVERSED = "REVERSED"


class PaymentMethod(StrEnum):
    ACH = "ACH"
    WIRE = "WIRE"
    CHECK = "CHECK"
    CARD = "CARD"
    CASH = "CASH"
    BANK_TRANSFER = "BANK_TRANSFER"


class InvalidPaymentTransition(DomainError):
    code = "INVALID_TRANSITION"


def payment_number(year: int, sequence: int) -> str:
    """`PMT-2026-000210`: the payment date's year and the tenant's payment sequence."""
    return f"{NUMBER_PREFIX}-{year}-{sequence:06d}"


@dataclass(frozen=True, slots=True)
class Allocation:
    line_no: int
    invoice_id: str
    amount: Decimal
    applied_on: date
    entry_id: str
    """The journal entry that applied it: the payment's own, or a later application."""


@dataclass(slots=True, eq=False)
class Payment:
    id: str
    tenant_id: str
    customer_id: str
    number: str
    method: PaymentMethod
    payment_date: date
    bank_reference: str | None
    amount: Decimal
    currency: str
    received_at: datetime
    received_by: str
    statement_id: str | None = None
    statement_line: int | None = None
    allocations: tuple[Allocation, ...] = ()
    status: PaymentStatus = PaymentStatus.RECEIVED
    reversed_at: datetime | None = None
    reversed_by: str | None = None
    reversal_reason: str | None = None
    journal: tuple[JournalEntry, ...] = ()
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def applied(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def unapplied(self) -> Decimal:
        """The customer's cash not applied to an invoice yet; none once reversed."""
        return self.amount - self.applied if self.status is PaymentStatus.RECEIVED else ZERO

    @property
    def entry_ids(self) -> list[str]:
        """The journal entries the payment posted, in order (how its journal is read)."""
        ids = [_received(self.id), *dict.fromkeys(a.entry_id for a in self.allocations)]
        return list(dict.fromkeys(ids)) + (
            [_reversed(self.id)] if self.status is PaymentStatus.REVERSED else []
        )

    @classmethod
    def receive(
        cls,
        *,
        id: str,
        tenant_id: str,
        customer_id: str,
        number: str,
        method: PaymentMethod,
        payment_date: date,
        bank_reference: str | None,
        amount: Decimal,
        currency: str,
        at: datetime,
        by: str,
        chart: ChartOfAccounts,
        closed_periods: Iterable[FinancialPeriod],
        parts: Sequence[tuple[Invoice, Decimal]],
        statement_id: str | None = None,
        statement_line: int | None = None,
    ) -> Payment:
        """Record the payment on `payment_date` (an open period) with `parts` applied."""
        collect(
            check_payment_amount(amount),
            check_currency(currency, "currency"),
            None
            if bank_reference is None
            else check_text(bank_reference, "bankReference", "Give the bank's reference.", 200),
        )
        for period in closed_periods:
            period.refuse_billing_on(payment_date)
        payment = cls(
            id=id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            number=number,
            method=method,
            payment_date=payment_date,
            bank_reference=None if bank_reference is None else bank_reference.strip(),
            amount=amount,
            currency=currency,
            received_at=at,
            received_by=by,
            statement_id=statement_id,
            statement_line=statement_line,
        )
        entry_id = _received(id)
        before = {invoice.id: invoice.status for invoice, _ in parts}
        applied = payment._apply(parts, payment_date, entry_id)
        receivables = chart[AccountRole.RECEIVABLES]
        entry = JournalEntry.of(
            entry_id,
            payment_date,
            f"Payment {number}",
            (
                JournalLine.of(chart[AccountRole.CASH], Side.DEBIT, amount),
                *(
                    JournalLine.of(receivables, Side.CREDIT, a.amount, a.invoice_id)
                    for a in applied
                ),
                JournalLine.of(receivables, Side.CREDIT, payment.unapplied),
            ),
        )
        payment.journal = (entry,)
        payment.events.append(
            PaymentReceived(
                **payment._about(at),
                payment_number=number,
                amount=amount,
                currency=currency,
                payment_method=method.value,
                payment_date=payment_date,
                bank_reference=payment.bank_reference,
                allocations=_by_invoice(applied, before),
                gl_entries=_per_account(entry.lines),
            )
        )
        return payment

    def apply_unapplied(
        self,
        parts: Sequence[tuple[Invoice, Decimal]],
        at: datetime,
        closed_periods: Iterable[FinancialPeriod],
    ) -> tuple[Allocation, ...]:
        """Apply the unapplied cash as `parts` say, on the day of `at` (not before the
        payment): Dr Accounts Receivable unapplied / Cr Accounts Receivable each invoice."""
        self._require_received("have its cash applied")
        if self.unapplied <= 0 or not parts:
            raise NothingToApply(
                f"Payment {self.id} has {self.unapplied:.2f} unapplied"
                + ("." if self.unapplied <= 0 else " and no open invoice in its currency.")
                + " There is nothing to apply.",
                field="paymentId",
            )
        on = max(at.astimezone(UTC).date(), self.payment_date)
        for period in closed_periods:
            period.refuse_billing_on(on)
        entry_id = f"{self.id}-APPLIED-{len(self.journal)}"
        applied = self._apply(parts, on, entry_id)
        receivables = self._receivables_line()
        total = sum((a.amount for a in applied), ZERO)
        self.journal += (
            JournalEntry.of(
                entry_id,
                on,
                f"Payment {self.number} applied",
                (
                    JournalLine(receivables.account, receivables.account_name, Side.DEBIT, total),
                    *(
                        JournalLine(
                            receivables.account,
                            receivables.account_name,
                            Side.CREDIT,
                            a.amount,
                            a.invoice_id,
                        )
                        for a in applied
                    ),
                ),
            ),
        )
        return applied

    def reverse(
        self,
        reason: str,
        at: datetime,
        by: str,
        invoices: Mapping[str, Invoice],
        closed_periods: Iterable[FinancialPeriod],
    ) -> None:
        """Take the payment back: each invoice gets its part back, and the ledger the
        opposite of what the payment holds, on the day of `at` (not before its last
        posting). `invoices` holds every invoice it was applied to."""
        self._require_received("be reversed")
        collect(check_text(reason, "reason", "Say why the payment is reversed.", 1000))
        on = max(
            at.astimezone(UTC).date(),
            self.payment_date,
            *(a.applied_on for a in self.allocations),
        )
        for period in closed_periods:
            period.refuse_billing_on(on)
        before = {a.invoice_id: invoices[a.invoice_id].status for a in self.allocations}
        for allocation in self.allocations:
            invoices[allocation.invoice_id].reverse_payment(allocation.amount)
        cash = self.journal[0].lines[0]
        receivables = self._receivables_line()
        entry = JournalEntry.of(
            _reversed(self.id),
            on,
            f"Reversal of payment {self.number}",
            (
                JournalLine(cash.account, cash.account_name, Side.CREDIT, self.amount),
                *(
                    JournalLine(
                        receivables.account,
                        receivables.account_name,
                        Side.DEBIT,
                        a.amount,
                        a.invoice_id,
                    )
                    for a in self.allocations
                ),
                JournalLine(
                    receivables.account, receivables.account_name, Side.DEBIT, self.unapplied
                ),
            ),
        )
        self.status, self.reversed_at, self.reversed_by = PaymentStatus.REVERSED, at, by
        self.reversal_reason = reason.strip()
        self.journal += (entry,)
        self.events.append(
            PaymentReversed(
                **self._about(at),
                reason=self.reversal_reason,
                reversed_by=by,
                allocations=_by_invoice(self.allocations, before),
                gl_entries=_per_account(entry.lines),
            )
        )

    def _apply(
        self, parts: Sequence[tuple[Invoice, Decimal]], on: date, entry_id: str
    ) -> tuple[Allocation, ...]:
        first = len(self.allocations) + 1
        applied = tuple(
            Allocation(first + n, invoice.id, amount, on, entry_id)
            for n, (invoice, amount) in enumerate(parts)
        )
        if sum((a.amount for a in applied), ZERO) > self.unapplied:
            raise NothingToApply(
                f"Payment {self.id} has only {self.unapplied:.2f} to apply.", field="allocations"
            )
        for invoice, amount in parts:
            invoice.apply_payment(self.id, amount, self.currency)
        self.allocations += applied
        return applied

    def _receivables_line(self) -> JournalLine:
        """The Accounts Receivable account the payment was posted to (its first credit)."""
        return next(line for line in self.journal[0].lines if line.side is Side.CREDIT)

    def _require_received(self, action: str) -> None:
        if self.status is not PaymentStatus.RECEIVED:
            raise InvalidPaymentTransition(
                f"Payment {self.id} is {self.status}, so it cannot {action}.", field="status"
            )

    def _about(self, at: datetime) -> dict[str, Any]:
        return {
            "aggregate_id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": at,
            "customer_id": self.customer_id,
        }


def _received(payment_id: str) -> str:
    return f"{payment_id}-RECEIVED"


def _reversed(payment_id: str) -> str:
    return f"{payment_id}-REVERSED"


def _by_invoice(
    allocations: Iterable[Allocation], before: Mapping[str, InvoiceStatus]
) -> tuple[AllocatedAmount, ...]:
    """The amounts per invoice, each with the invoice's status `before` the change."""
    totals: dict[str, Decimal] = {}
    for a in allocations:
        totals[a.invoice_id] = totals.get(a.invoice_id, ZERO) + a.amount
    return tuple(
        AllocatedAmount(invoice_id, amount, before[invoice_id])
        for invoice_id, amount in totals.items()
    )


def _per_account(lines: Iterable[JournalLine]) -> tuple[JournalLine, ...]:
    """The entry as the General Ledger books it (seed 002's glEntries): one line per
    account and side, the invoices the sub-ledger keeps left out."""
    merged: dict[tuple[str, Side], JournalLine] = {}
    for line in lines:
        key = (line.account, line.side)
        known = merged.get(key)
        amount = line.amount + (known.amount if known else ZERO)
        merged[key] = JournalLine(line.account, line.account_name, line.side, amount)
    return tuple(merged.values())
