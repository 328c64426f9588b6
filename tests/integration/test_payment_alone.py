"""A payment written alone on PostgreSQL: its number, books and invoices read by one
statement, then one statement outside any transaction that writes nothing at all when an
invoice it pays changed after it was read."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.identity import Principal
from domain.receivables.allocation import AllocationRequest, named
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.payment import PaymentMethod
from persistence.unit_of_work import UnitOfWork
from resolvers.receivables import invoices, payments
from tests.integration.test_invoice_ledger import drafts

D = Decimal


async def owed(
    uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str, count: int
) -> list[Invoice]:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    return [
        await invoices.post_invoice(uow, clock, clerk, draft.id, None, draft.version)
        for draft in await drafts(uow, clock, tenant, count)
    ]


def paying(customer_id: str, *parts: tuple[str, str]) -> payments.PaymentRequest:
    return payments.PaymentRequest(
        customer_id=customer_id,
        amount=sum((D(amount) for _, amount in parts), D("0.00")),
        currency="USD",
        method=PaymentMethod.ACH,
        allocations=[AllocationRequest(i, D(amount)) for i, amount in parts],
    )


async def written(engine: AsyncEngine, tenant: str, payment_id: str) -> list[int]:
    """The payment's rows, its allocations, its journal lines and its outbox events."""
    async with engine.connect() as connection:
        return [
            await connection.scalar(text(statement), {"t": tenant, "p": payment_id})
            for statement in (
                "SELECT count(*) FROM payments WHERE tenant_id = :t AND id = :p",
                "SELECT count(*) FROM payment_allocations WHERE tenant_id = :t AND payment_id = :p",
                "SELECT count(*) FROM journal_lines WHERE tenant_id = :t "
                "AND starts_with(entry_id, :p)",
                "SELECT count(*) FROM outbox WHERE tenant_id = :t AND aggregate_id = :p",
            )
        ]


async def test_a_payment_alone_writes_nothing_when_an_invoice_it_pays_changed_meanwhile(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
) -> None:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    first, second = await owed(uow, clock, tenant, 2)
    request = paying(first.customer_id, (first.id, "10.00"), (second.id, "20.00"))
    async with alone() as work:
        [payment_id], chart, closed, read = await work.invoices.current_numbered(
            [first.id, second.id], payments.PAYMENT_SERIES, 1, payments.PAYMENT_ID_WIDTH
        )
        parts = named(request.amount, request.customer_id, request.allocations or [], read)
        books = payments.Books(chart, tuple(closed))
        payment = payments.receive(
            tenant, clock.now(), "clerk-1", request, payment_id, books, parts
        )
        # Another payment takes money from the second invoice after it was read.
        other = await payments.record_payment(
            uow, clock, clerk, paying(first.customer_id, (second.id, "5.00"))
        )
        await work.payments.add(payment)
        assert not await work.payments.received_alone(payment)
    assert await written(engine, tenant, payment_id) == [0, 0, 0, 0]
    assert await written(engine, tenant, other.id) == [1, 1, 2, 1]
    async with uow() as work:
        now = await work.invoices.by_ids([first.id, second.id])
    assert (now[first.id].version, now[first.id].open_balance) == (first.version, first.total)
    assert now[second.id].open_balance == second.total - D("5.00")


async def test_a_payment_alone_then_one_that_lost_the_race_both_apply_in_full(
    engine: AsyncEngine,
    uow: Callable[[], UnitOfWork],
    alone: Callable[[], UnitOfWork],
    clock: ManualClock,
    tenant: str,
) -> None:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    first, second = await owed(uow, clock, tenant, 2)
    request = paying(first.customer_id, (first.id, "10.00"), (second.id, "20.00"))
    paid = [
        await payments.record_payment(uow, clock, clerk, request, alone=alone) for _ in range(2)
    ]
    for payment in paid:
        assert payment.version == 1 and not payment.events
        assert await written(engine, tenant, payment.id) == [1, 2, 3, 1]
    async with uow() as work:
        now = await work.invoices.by_ids([first.id, second.id])
    assert [(now[i.id].status, now[i.id].open_balance) for i in (first, second)] == [
        (InvoiceStatus.PARTIALLY_PAID, first.total - D("20.00")),
        (InvoiceStatus.PARTIALLY_PAID, second.total - D("40.00")),
    ]
