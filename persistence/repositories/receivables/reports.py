"""Accounts receivable read from the journal: aging, statements and customer balances.

All three read the receivables account (the tenant's chart names it), so what they show
adds up to that account's balance: an invoice's lines sum to its open balance, and the
lines of no invoice are the customer's unapplied cash and credits. The aging reads the
journal's balances per document (`journal_balances`, which a trigger keeps equal to
the journal's sums) less the lines posted after its date, and buckets them in the
database by `domain.receivables.aging.BUCKETS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    Subquery,
    and_,
    bindparam,
    func,
    literal,
    select,
    union_all,
)

from domain.receivables.aging import BUCKETS, TOTAL, AgingRow
from domain.receivables.statement import Movement
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import invoices, journal_balances, journal_lines

JOURNAL = journal_lines.c
INVOICE = invoices.c
BALANCE = func.sum(JOURNAL.debit - JOURNAL.credit)
ON_ACCOUNT = (of_tenant(journal_lines), JOURNAL.account == bindparam("account"))
SUMMED = journal_balances.c
NONE = literal(Decimal("0.00"), journal_balances.c.balance.type)
AS_OF = bindparam("as_of", type_=Date)
OPEN_DOCUMENTS = (
    of_tenant(journal_balances),
    SUMMED.account == bindparam("account"),
    SUMMED.balance != 0,
)


def _taken_back(*leading: ColumnElement[Any]) -> Select:
    """What was posted after the report's date, to take back, with its due date."""
    return (
        select(*leading, INVOICE.due_date, (JOURNAL.credit - JOURNAL.debit).label("amount"))
        .select_from(
            journal_lines.outerjoin(
                invoices,
                and_(INVOICE.tenant_id == JOURNAL.tenant_id, INVOICE.id == JOURNAL.invoice_id),
            )
        )
        .where(*ON_ACCOUNT, JOURNAL.posted_on > AS_OF)
    )


AMOUNTS = union_all(
    select(SUMMED.customer_id, SUMMED.due_date, SUMMED.balance.label("amount")).where(
        *OPEN_DOCUMENTS
    ),
    _taken_back(JOURNAL.customer_id),
).subquery()
# The total buckets by due date alone, so it sums the open documents per due date first:
# an index-only scan of `ix_journal_balances_due` (migration 0029), in due-date order,
# leaves a few hundred sums to bucket instead of every open document.
DUE_AMOUNTS = union_all(
    select(SUMMED.due_date, func.sum(SUMMED.balance).label("amount"))
    .where(*OPEN_DOCUMENTS)
    .group_by(SUMMED.due_date),
    _taken_back(),
).subquery()


def _columns(amounts: Subquery) -> tuple[ColumnElement[Decimal], ...]:
    """The aging's columns summed over `amounts` (a due date and an amount a row)."""

    def column(condition: ColumnElement[bool], name: str) -> ColumnElement[Decimal]:
        return func.coalesce(func.sum(amounts.c.amount).filter(condition), NONE).label(name)

    def days_late(low: int | None, high: int | None) -> ColumnElement[bool]:
        """Due `low` to `high` days before the report's date (a date less a date is days)."""
        late = AS_OF - amounts.c.due_date
        conditions = [amounts.c.due_date.is_not(None)]
        if low is not None:
            conditions.append(late >= low)
        if high is not None:
            conditions.append(late <= high)
        return and_(*conditions)

    return (
        *(column(days_late(low, high), name) for name, low, high in BUCKETS),
        column(amounts.c.due_date.is_(None), "unapplied"),
    )


AGING = select(AMOUNTS.c.customer_id, *_columns(AMOUNTS)).group_by(AMOUNTS.c.customer_id)
AGING_TOTAL = select(*_columns(DUE_AMOUNTS))
BEFORE = select(func.coalesce(BALANCE, 0)).where(
    *ON_ACCOUNT,
    JOURNAL.customer_id == bindparam("customer_id"),
    JOURNAL.posted_on < bindparam("from_date"),
)
MOVEMENTS = (
    select(
        JOURNAL.entry_id,
        JOURNAL.posted_on,
        func.min(JOURNAL.memo).label("memo"),
        func.sum(JOURNAL.debit).label("debit"),
        func.sum(JOURNAL.credit).label("credit"),
    )
    .where(
        *ON_ACCOUNT,
        JOURNAL.customer_id == bindparam("customer_id"),
        JOURNAL.posted_on >= bindparam("from_date"),
        JOURNAL.posted_on <= bindparam("to_date"),
    )
    .group_by(JOURNAL.entry_id, JOURNAL.posted_on)
    .order_by(JOURNAL.posted_on, func.min(JOURNAL.position))
)
BALANCES = (
    select(JOURNAL.customer_id, BALANCE.label("balance"))
    .where(
        *ON_ACCOUNT,
        one_of_param(JOURNAL.customer_id, "customer_ids"),
        JOURNAL.posted_on <= bindparam("as_of"),
    )
    .group_by(JOURNAL.customer_id)
)


class ReceivablesReports(TenantRepository):
    table = journal_lines

    async def aging_rows(self, account: str, as_of: date) -> list[AgingRow]:
        """Per customer, the balance on `account` up to `as_of` in the aging's columns."""
        return [AgingRow(**row) for row in await self._rows(AGING, account=account, as_of=as_of)]

    async def aging_total(self, account: str, as_of: date) -> AgingRow:
        """The aging's columns over every customer (one row; no row per customer read)."""
        row = await self._row(AGING_TOTAL, account=account, as_of=as_of)
        assert row is not None, "an aggregate without GROUP BY gives one row"
        return AgingRow(TOTAL, **row)

    async def balance_before(self, account: str, customer_id: str, from_date: date) -> Decimal:
        value = await self._value(
            BEFORE, account=account, customer_id=customer_id, from_date=from_date
        )
        return Decimal(value).quantize(Decimal("0.01"))

    async def movements(
        self, account: str, customer_id: str, from_date: date, to_date: date
    ) -> list[Movement]:
        rows = await self._rows(
            MOVEMENTS,
            account=account,
            customer_id=customer_id,
            from_date=from_date,
            to_date=to_date,
        )
        return [Movement(**row) for row in rows]

    async def balances(
        self, account: str, customer_ids: Sequence[str], as_of: date
    ) -> dict[str, Decimal]:
        rows = await self._rows(
            BALANCES, account=account, customer_ids=list(customer_ids), as_of=as_of
        )
        return {row["customer_id"]: row["balance"] for row in rows}
