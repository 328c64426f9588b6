"""Invoices on PostgreSQL: stored and read back whole, numbered without gaps under
concurrency and rollback, and a journal the database itself keeps append-only and
balanced."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from asyncpg import CheckViolationError, InsufficientPrivilegeError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import ManualClock
from domain.identity import Principal
from domain.receivables.invoice import Invoice, InvoiceStatus
from domain.receivables.lines import LineRequest
from domain.tax import ItemType
from persistence.unit_of_work import UnitOfWork
from resolvers.customers.use_cases import create_customer
from resolvers.locations.use_cases import create_location
from resolvers.pricing.use_cases import put_tax_code
from resolvers.receivables import invoices

PADS = LineRequest("Brake pads", ItemType.PART, Decimal("2"), Decimal("89.99"), "TAXABLE_GOODS")
GOODS = {
    "code": "TAXABLE_GOODS",
    "description": "Taxable parts",
    "rate": Decimal("0.08"),
    "applicable_item_types": (ItemType.PART,),
}


async def drafts(
    uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str, count: int
) -> list[Invoice]:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    await create_location(uow, {"id": "LOC-001", "name": "Shop"})
    await put_tax_code(uow, {**GOODS, "location_id": "LOC-001"}, None)
    owner = await create_customer(uow, clock, {"name": "Fleet Co", "billing_terms_id": "NET30"})
    return [
        await invoices.create_invoice(uow, clock, clerk, owner.id, "LOC-001", None, [PADS])
        for _ in range(count)
    ]


async def test_a_posted_and_cancelled_invoice_reads_back_with_lines_and_journal(
    uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str
) -> None:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    (draft,) = await drafts(uow, clock, tenant, 1)
    posted = await invoices.post_invoice(uow, clock, clerk, draft.id, None, draft.version)
    await invoices.cancel_invoice(uow, clock, clerk, draft.id, "Duplicate", posted.version)
    async with uow() as work:
        stored = await work.invoices.get(draft.id)
    assert stored is not None
    assert (stored.status, stored.number, stored.version) == (
        InvoiceStatus.CANCELLED,
        "INV-2026-000001",
        3,
    )
    assert stored.lines == posted.lines and stored.total == Decimal("194.38")
    assert [
        [(line.account, line.debit, line.credit) for line in entry.lines]
        for entry in stored.journal
    ] == [
        [
            ("1200", Decimal("194.38"), 0),
            ("4000", 0, Decimal("179.98")),
            ("2100", 0, Decimal("14.40")),
        ],
        [
            ("1200", 0, Decimal("194.38")),
            ("4000", Decimal("179.98"), 0),
            ("2100", Decimal("14.40"), 0),
        ],
    ]


async def test_concurrent_postings_take_every_number_once_and_a_rollback_gives_its_back(
    uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str
) -> None:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    found = await drafts(uow, clock, tenant, 12)
    async with uow() as abandoned:
        assert await abandoned.invoice_numbers.take(2026) == 1
    posted = await asyncio.gather(
        *(invoices.post_invoice(uow, clock, clerk, i.id, None, i.version) for i in found)
    )
    assert sorted(i.number or "" for i in posted) == [f"INV-2026-{n:06d}" for n in range(1, 13)]


async def test_the_database_keeps_the_journal_append_only_and_balanced(
    engine: AsyncEngine, uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str
) -> None:
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    (draft,) = await drafts(uow, clock, tenant, 1)
    await invoices.post_invoice(uow, clock, clerk, draft.id, date(2026, 3, 2), 1)
    for statement in (
        "UPDATE journal_lines SET debit = debit + 1 WHERE tenant_id = :t",
        "DELETE FROM journal_lines WHERE tenant_id = :t",
    ):
        async with engine.connect() as connection:
            with pytest.raises(Exception) as refused:
                await connection.execute(text(statement), {"t": tenant})
            assert isinstance(refused.value.__cause__.__cause__, InsufficientPrivilegeError)
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "INSERT INTO journal_lines (tenant_id, entry_id, line_no, posted_on, memo, "
                "customer_id, invoice_id, account, account_name, debit, credit) VALUES "
                "(:t, 'LOOSE', 1, '2026-03-02', 'one-sided', :c, :i, '1200', 'AR', 5, 0)"
            ),
            {"t": tenant, "c": draft.customer_id, "i": draft.id},
        )
        with pytest.raises(Exception) as unbalanced:
            await connection.commit()
        assert isinstance(unbalanced.value.__cause__.__cause__, CheckViolationError)


LINE = (
    "INSERT INTO journal_lines (tenant_id, entry_id, line_no, posted_on, memo, customer_id, "
    "invoice_id, account, account_name, debit, credit) VALUES "
    "(:t, :e, :n, '2026-03-02', 'part', :c, :i, '1200', 'AR', :debit, :credit)"
)


async def test_an_entry_is_written_whole_by_one_statement_and_checked_once_at_commit(
    engine: AsyncEngine, uow: Callable[[], UnitOfWork], clock: ManualClock, tenant: str
) -> None:
    """The balance check is queued for an entry's first line alone, so an entry's other
    lines may not come in a statement of their own: not in the entry's transaction (the
    parts would balance by commit), not later (they would unbalance a checked entry)."""
    clerk = Principal("clerk-1", tenant, frozenset({"*"}))
    (draft,) = await drafts(uow, clock, tenant, 1)
    await invoices.post_invoice(uow, clock, clerk, draft.id, date(2026, 3, 2), 1)
    key = {"t": tenant, "c": draft.customer_id, "i": draft.id}
    async with engine.connect() as connection:
        await connection.execute(text(LINE), {**key, "e": "PARTS", "n": 1, "debit": 5, "credit": 0})
        with pytest.raises(Exception) as in_parts:
            await connection.execute(
                text(LINE), {**key, "e": "PARTS", "n": 2, "debit": 0, "credit": 5}
            )
        assert isinstance(in_parts.value.__cause__.__cause__, CheckViolationError)
        await connection.rollback()
    async with engine.connect() as connection:
        with pytest.raises(Exception) as added_later:
            await connection.execute(
                text(LINE), {**key, "e": f"{draft.id}-POST", "n": 9, "debit": 1, "credit": 0}
            )
        assert isinstance(added_later.value.__cause__.__cause__, CheckViolationError)
        await connection.rollback()
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "INSERT INTO journal_lines (tenant_id, entry_id, line_no, posted_on, memo, "
                "customer_id, invoice_id, account, account_name, debit, credit) VALUES "
                "(:t, 'WHOLE', 1, '2026-03-02', 'one', :c, :i, '1200', 'AR', 0, 5), "
                "(:t, 'WHOLE', 2, '2026-03-02', 'two', :c, :i, '1200', 'AR', 3, 0)"
            ),
            key,
        )
        with pytest.raises(Exception) as unbalanced:
            await connection.commit()
        assert isinstance(unbalanced.value.__cause__.__cause__, CheckViolationError)
