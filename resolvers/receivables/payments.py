"""Payments: recorded with their allocations (or oldest due first), unapplied cash applied
later, reversed (chargeback, bounce), looked up.

Every invoice a payment touches is locked (in id order) before its open balance is read,
so payments racing for one invoice queue there and the later ones see what the earlier
ones applied: an invoice is never applied more than it is owed (and the database's
check on `open_balance` would refuse it anyway). A cancel racing a payment either
cancels first (the payment then finds the invoice not open) or fails VERSION_CONFLICT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from domain.clock import Clock
from domain.customers import CustomerNotFound
from domain.errors import collect
from domain.finance.periods import FinancialPeriod
from domain.identity import Principal
from domain.money import check_currency, normalize_currency
from domain.paging import Page, PageRequest
from domain.receivables.accounts import ChartOfAccounts
from domain.receivables.allocation import (
    AllocationRequest,
    check_payment_amount,
    named,
    oldest_due_first,
)
from domain.receivables.invoice import Invoice, InvoiceNotFound
from domain.receivables.payment import Payment, PaymentMethod, PaymentStatus, payment_number
from resolvers.changes import changing, existing
from resolvers.paging import paged
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

PAYMENT_SERIES = "PAY"
PAYMENT_ID_WIDTH = 6


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    customer_id: str
    amount: Decimal
    currency: str
    method: PaymentMethod
    payment_date: date | None = None
    bank_reference: str | None = None
    allocations: Sequence[AllocationRequest] | None = None
    """None: oldest due first; empty: all of it stays unapplied."""


@dataclass(frozen=True, slots=True)
class InvoiceAllocation:
    """A part of a payment applied to an invoice, as the invoice lists it."""

    payment_id: str
    invoice_id: str
    amount: Decimal
    applied_on: date
    reversed: bool


@dataclass(frozen=True, slots=True)
class Books:
    """What every payment of a unit of work posts against: the tenant's chart of accounts
    and the closed periods (read once for a whole bank statement)."""

    chart: ChartOfAccounts
    closed: tuple[FinancialPeriod, ...]


async def numbered(work: UnitOfWork, count: int) -> tuple[list[str], Books]:
    """`count` payment ids, and the books they post against, in one round trip."""
    ids, chart, closed = await work.naming.next_ids_with_books(
        PAYMENT_SERIES, count, PAYMENT_ID_WIDTH
    )
    return ids, Books(chart, tuple(closed))


async def record_payment(
    uow: UnitOfWorkFactory,
    clock: Clock,
    by: Principal,
    request: PaymentRequest,
    *,
    alone: UnitOfWorkFactory | None = None,
) -> Payment:
    """Record the payment and apply it; what is not applied is unapplied cash.

    A hot path (docs/receivables.md, "Recording a payment"). Given `alone` (units of
    work that open no transaction) and invoices named: the payment's number, the books
    and the invoices (unlocked) are read in one statement; if the invoices are the
    payer's, the payment is decided on them and written with its invoices' money moves
    and its event by a second statement, which first locks them and writes nothing
    unless they are still as read: two round trips. Otherwise, or when another change
    came between, in a transaction with the invoices locked first (under the number
    already taken: a payment refused after taking one leaves a gap in the series, as
    any record numbered outside its transaction may, persistence/repositories/naming.py)."""
    collect(check_payment_amount(request.amount), check_currency(request.currency, "currency"))
    currency = normalize_currency(request.currency)
    taken: tuple[list[str], Books] | None = None
    if alone is not None and request.allocations:
        async with alone() as work:
            ids, chart, closed, named = await work.invoices.current_numbered(
                [a.invoice_id for a in request.allocations], PAYMENT_SERIES, 1, PAYMENT_ID_WIDTH
            )
            taken = ids, Books(chart, tuple(closed))
            if named and all(i.customer_id == request.customer_id for i in named.values()):
                parts = await _parts(
                    work, request.customer_id, request.amount, currency, request.allocations, named
                )
                payment = _received(work, clock, by, request, taken, parts)
                await work.payments.add(payment)
                if await work.payments.received_alone(payment):
                    return payment
    async with uow() as work:
        named = await _named_invoices(work, request.allocations)
        if not named or any(i.customer_id != request.customer_id for i in named.values()):
            # Else the customer's own invoices prove it is there (they reference it).
            await _require_customer(work, request.customer_id)
        parts = await _parts(
            work, request.customer_id, request.amount, currency, request.allocations, named
        )
        payment = _received(work, clock, by, request, taken or await numbered(work, 1), parts)
        await work.payments.add(payment)
        await work.commit()
        return payment


def _received(
    work: UnitOfWork,
    clock: Clock,
    by: Principal,
    request: PaymentRequest,
    taken: tuple[list[str], Books],
    parts: Sequence[tuple[Invoice, Decimal]],
) -> Payment:
    """The payment of `request` under the id and books `numbered` took."""
    [payment_id], books = taken
    return receive(work.tenant_id, clock.now(), by.user_id, request, payment_id, books, parts)


def receive(
    tenant_id: str,
    at: datetime,
    by: str,
    request: PaymentRequest,
    payment_id: str,
    books: Books,
    parts: Sequence[tuple[Invoice, Decimal]],
    statement: tuple[str, int] | None = None,
) -> Payment:
    """The payment of `request` with `parts` applied (a bank statement makes each of its
    lines one, `statement` naming the statement and the line)."""
    on = request.payment_date or at.astimezone(UTC).date()
    return Payment.receive(
        id=payment_id,
        tenant_id=tenant_id,
        customer_id=request.customer_id,
        number=payment_number(on.year, int(payment_id.rsplit("-", 1)[1])),
        method=request.method,
        payment_date=on,
        bank_reference=request.bank_reference,
        amount=request.amount,
        currency=normalize_currency(request.currency),
        at=at,
        by=by,
        chart=books.chart,
        closed_periods=books.closed,
        parts=parts,
        statement_id=statement[0] if statement else None,
        statement_line=statement[1] if statement else None,
    )


async def apply_unapplied_cash(
    uow: UnitOfWorkFactory,
    clock: Clock,
    payment_id: str,
    version: int,
    allocations: Sequence[AllocationRequest] | None,
) -> Payment:
    """Apply a payment's unapplied cash as `allocations` say, or oldest due first."""
    async with uow() as work:
        async with changing(work.payments, payment_id, version) as payment:
            parts = await _parts(
                work,
                payment.customer_id,
                payment.unapplied,
                payment.currency,
                allocations,
                await _named_invoices(work, allocations),
            )
            payment.apply_unapplied(parts, clock.now(), await work.financial_periods.closed())
        await work.commit()
        return payment


async def reverse_payment(
    uow: UnitOfWorkFactory, clock: Clock, by: Principal, payment_id: str, version: int, reason: str
) -> Payment:
    """Reverse the payment: its invoices reopen and its posting is reversed."""
    async with uow() as work:
        async with changing(work.payments, payment_id, version) as payment:
            invoices = await work.invoices.locked([a.invoice_id for a in payment.allocations])
            payment.reverse(
                reason, clock.now(), by.user_id, invoices, await work.financial_periods.closed()
            )
        await work.commit()
        return payment


async def _require_customer(work: UnitOfWork, customer_id: str) -> None:
    if customer_id not in await work.customers.get_many([customer_id]):
        raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")


async def _named_invoices(
    work: UnitOfWork, allocations: Sequence[AllocationRequest] | None
) -> dict[str, Invoice]:
    """The invoices `allocations` name (those the tenant has), locked; none if they name
    none."""
    if not allocations:
        return {}
    return await work.invoices.locked([a.invoice_id for a in allocations])


async def _parts(
    work: UnitOfWork,
    customer_id: str,
    available: Decimal,
    currency: str,
    allocations: Sequence[AllocationRequest] | None,
    found: dict[str, Invoice],
) -> list[tuple[Invoice, Decimal]]:
    """`found`: the invoices `allocations` name (`_named_invoices`)."""
    if allocations is None:
        owed = await work.invoices.open_of_customers([customer_id])
        return oldest_due_first(available, currency, owed[customer_id])
    for i, part in enumerate(allocations):
        if part.invoice_id not in found:
            missing = InvoiceNotFound(part.invoice_id)
            missing.field = f"allocations[{i}].invoiceId"
            raise missing
    return named(available, customer_id, allocations, found)


async def payment(uow: UnitOfWorkFactory, payment_id: str) -> Payment:
    async with uow() as work:
        return await existing(work.payments, payment_id)


async def payments(
    uow: UnitOfWorkFactory, customer_id: str | None, unapplied_only: bool, request: PageRequest
) -> Page[Payment]:
    """Payments newest first: a customer's, or those with unapplied cash (for a clerk)."""
    return await paged(
        uow,
        request,
        rows=lambda work: work.payments.search(customer_id, unapplied_only, request),
        total=lambda work: work.payments.count(customer_id, unapplied_only),
    )


async def payments_by_id(
    uow: UnitOfWorkFactory, payment_ids: Sequence[str]
) -> list[Payment | None]:
    async with uow() as work:
        found = await work.payments.by_ids(payment_ids)
    return [found.get(i) for i in payment_ids]


async def allocations_of_invoices(
    uow: UnitOfWorkFactory, invoice_ids: Sequence[str]
) -> list[list[InvoiceAllocation]]:
    """Batch for `Invoice.allocations`: the parts of payments applied to each invoice."""
    async with uow() as work:
        found = await work.payments.allocations_to(invoice_ids)
    return [
        [
            InvoiceAllocation(pid, iid, amount, on, status is PaymentStatus.REVERSED)
            for pid, amount, on, status in found.get(iid, [])
        ]
        for iid in invoice_ids
    ]


async def invoices_by_id(
    uow: UnitOfWorkFactory, invoice_ids: Sequence[str]
) -> list[Invoice | None]:
    """Batch for `PaymentAllocation.invoice`, and the invoices `invoiceStatusChanged` reads."""
    async with uow() as work:
        found = await work.invoices.by_ids(invoice_ids)
    return [found.get(i) for i in invoice_ids]
