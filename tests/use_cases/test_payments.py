"""Payment use cases on the in-memory unit of work: allocations named or oldest due
first, the unapplied rest applied later, reversals, a closed period, cancelling a paid
invoice, a bank statement applied once, and the reports read from the journal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.clock import ManualClock
from domain.errors import DomainError
from domain.finance.periods import FinancialPeriod
from domain.identity import Principal
from domain.paging import PageRequest
from domain.receivables.allocation import AllocationRequest
from domain.receivables.bank_statement import BankStatementImported, BankStatementLine
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.lines import LineRequest
from domain.receivables.payment import PaymentMethod, PaymentStatus
from domain.receivables.payment_events import PaymentReceived, PaymentReversed
from domain.tax import ItemType
from resolvers.receivables import invoices, payments, reports
from resolvers.receivables.bank_statements import apply_bank_statement
from tests.use_cases.conftest import TENANT
from tests.use_cases.fakes import Database, FakeUnitOfWork
from tests.use_cases.outcomes import refusal
from tests.use_cases.tax_codes import EXEMPT, location_with_codes
from tests.use_cases.test_invoices import customer

CLERK = Principal("clerk-7", TENANT, frozenset({"*"}))
Units = Callable[[], FakeUnitOfWork]
D = Decimal


@pytest.fixture
async def shop(uow: Units) -> None:
    await location_with_codes(uow, "LOC-001", (EXEMPT,))


async def posted(
    uow: Units, clock: ManualClock, customer_id: str, amount: str, on: date | None = None
) -> Invoice:
    line = LineRequest("Service", ItemType.LABOR, D("1"), D(amount), "TAX_EXEMPT")
    draft = await invoices.create_invoice(uow, clock, CLERK, customer_id, "LOC-001", None, [line])
    return await invoices.post_invoice(uow, clock, CLERK, draft.id, on, draft.version)


def paying(
    customer_id: str,
    amount: str,
    *parts: tuple[str, str],
    currency: str = "USD",
    on: date | None = None,
) -> payments.PaymentRequest:
    return payments.PaymentRequest(
        customer_id=customer_id,
        amount=D(amount),
        currency=currency,
        method=PaymentMethod.ACH,
        payment_date=on,
        allocations=[AllocationRequest(i, D(a)) for i, a in parts] if parts else None,
    )


ALONE = pytest.mark.parametrize("alone", [False, True], ids=["in a transaction", "alone"])
"""A payment with named invoices recorded in a transaction, or first by a statement that
stands alone (`alone`), which must change and record the same."""


async def status(uow: Units, invoice_id: str) -> tuple[InvoiceStatus, Decimal]:
    found = await invoices.invoice(uow, invoice_id)
    return found.status, found.open_balance


@ALONE
async def test_money_goes_where_named_else_oldest_due_first_and_the_rest_waits(
    shop: None, uow: Units, clock: ManualClock, database: Database, alone: bool
) -> None:
    payer = await customer(uow, clock)
    today = clock.now().date()
    newer = await posted(uow, clock, payer, "100.00", today)
    older = await posted(uow, clock, payer, "100.00", today - timedelta(days=40))
    named = await payments.record_payment(
        uow, clock, CLERK, paying(payer, "30.00", (newer.id, "30.00")), alone=uow if alone else None
    )
    assert [(a.invoice_id, a.amount) for a in named.allocations] == [(newer.id, D("30.00"))]
    auto = await payments.record_payment(uow, clock, CLERK, paying(payer, "200.00"))
    assert [(a.invoice_id, a.amount) for a in auto.allocations] == [
        (older.id, D("100.00")),
        (newer.id, D("70.00")),
    ]
    assert auto.unapplied == D("30.00")
    assert await status(uow, older.id) == (InvoiceStatus.PAID, D("0.00"))
    received = [e for e in database.outbox if isinstance(e, PaymentReceived)]
    assert [e.aggregate_id for e in received] == [named.id, auto.id]
    aging = await reports.ar_aging(uow, today)
    assert (aging.total.unapplied, aging.total.total) == (D("-30.00"), D("-30.00"))


async def test_unapplied_cash_is_applied_later_and_a_reversal_reopens_every_invoice(
    shop: None, uow: Units, clock: ManualClock, database: Database
) -> None:
    payer = await customer(uow, clock)
    cash = await payments.record_payment(uow, clock, CLERK, paying(payer, "150.00"))
    assert (cash.applied, cash.unapplied) == (D("0.00"), D("150.00"))
    first = await posted(uow, clock, payer, "100.00")
    second = await posted(uow, clock, payer, "100.00")
    applied = await payments.apply_unapplied_cash(uow, clock, cash.id, cash.version, None)
    assert [a.amount for a in applied.allocations] == [D("100.00"), D("50.00")]
    assert await status(uow, second.id) == (InvoiceStatus.PARTIALLY_PAID, D("50.00"))
    reversed_ = await payments.reverse_payment(
        uow, clock, CLERK, cash.id, applied.version, "Bounced"
    )
    assert reversed_.status is PaymentStatus.REVERSED and reversed_.unapplied == 0
    assert await status(uow, first.id) == (InvoiceStatus.POSTED, D("100.00"))
    assert await status(uow, second.id) == (InvoiceStatus.POSTED, D("100.00"))
    assert [e.reason for e in database.outbox if isinstance(e, PaymentReversed)] == ["Bounced"]
    assert [e.entry_id for e in reversed_.journal] == [
        f"{cash.id}-RECEIVED",
        f"{cash.id}-APPLIED-1",
        f"{cash.id}-REVERSED",
    ]
    aging = await reports.ar_aging(uow, clock.now().date())
    assert aging.total.total == D("200.00") and aging.total.unapplied == 0


@ALONE
async def test_refusals_name_their_code_and_store_nothing(
    shop: None, uow: Units, clock: ManualClock, database: Database, alone: bool
) -> None:
    payer = await customer(uow, clock)
    owed = await posted(uow, clock, payer, "100.00")

    async def refused(request: payments.PaymentRequest) -> list[tuple[str, str | None]]:
        with pytest.raises(DomainError) as error:
            await payments.record_payment(uow, clock, CLERK, request, alone=uow if alone else None)
        return refusal(error)

    assert await refused(paying(payer, "10.00", (owed.id, "10.00"), currency="EUR")) == [
        ("CURRENCY_MISMATCH", "currency")
    ]
    assert await refused(paying(payer, "200.00", (owed.id, "150.00"))) == [
        ("ALLOCATION_EXCEEDS_OPEN_BALANCE", "allocations")
    ]
    assert await refused(paying(payer, "10.00", ("INVC-404", "5.00"))) == [
        ("INVOICE_NOT_FOUND", "allocations[0].invoiceId")
    ]
    closed = FinancialPeriod(
        "2026-02", date(2026, 2, 1), date(2026, 2, 28), clock.now(), "controller"
    )
    async with uow() as work:
        await work.financial_periods.record_closed(closed)
        await work.commit()
    assert await refused(paying(payer, "10.00", on=date(2026, 2, 10))) == [
        ("FINANCIAL_PERIOD_CLOSED", None)
    ]
    assert not [e for e in database.outbox if isinstance(e, PaymentReceived)]
    assert await status(uow, owed.id) == (InvoiceStatus.POSTED, D("100.00"))


async def test_a_paid_invoice_is_not_cancelled_until_its_payments_are_reversed(
    shop: None, uow: Units, clock: ManualClock
) -> None:
    payer = await customer(uow, clock)
    owed = await posted(uow, clock, payer, "100.00")
    paid = await payments.record_payment(
        uow, clock, CLERK, paying(payer, "40.00", (owed.id, "40.00"))
    )
    with pytest.raises(DomainError) as error:
        await invoices.cancel_invoice(uow, clock, CLERK, owed.id, "Duplicate", owed.version + 1)
    assert refusal(error) == [("INVOICE_HAS_PAYMENTS", "invoiceId")]
    assert paid.id in error.value.message
    await payments.reverse_payment(uow, clock, CLERK, paid.id, paid.version, "Chargeback")
    current = await invoices.invoice(uow, owed.id)
    cancelled = await invoices.cancel_invoice(
        uow, clock, CLERK, owed.id, "Duplicate", current.version
    )
    assert cancelled.status is InvoiceStatus.CANCELLED


async def test_a_bank_statement_is_applied_once(shop: None, uow: Units, clock: ManualClock) -> None:
    payer = await customer(uow, clock)
    owed = await posted(uow, clock, payer, "100.00")
    today = clock.now().date()
    fact = BankStatementImported(
        aggregate_id="STMT-1",
        tenant_id=TENANT,
        occurred_at=datetime(2026, 3, 2, 18, tzinfo=UTC),
        statement_date=today,
        lines=(
            BankStatementLine(1, payer, D("60.00"), "USD", today, f"re {owed.number}"),
            BankStatementLine(2, payer, D("70.00"), "USD", today, "no number"),
        ),
    )
    for _ in range(2):
        async with uow() as work:
            await apply_bank_statement(work, fact)
            await work.commit()
    page = await payments.payments(uow, payer, False, PageRequest(page_size=10))
    assert sorted(p.statement_line or 0 for p in page.items) == [1, 2]
    assert await status(uow, owed.id) == (InvoiceStatus.PAID, D("0.00"))
    unapplied = await payments.payments(uow, None, True, PageRequest(page_size=10))
    assert [(p.statement_line, p.unapplied) for p in unapplied.items] == [(2, D("30.00"))]
