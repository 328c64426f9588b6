"""Accounts receivable read from the journal: aging, statements and customer balances.

All three read the lines of the receivables account (the tenant's chart names it), so
what they show adds up to that account's balance: an invoice's lines sum to its open
balance, and the lines of no invoice are the customer's unapplied cash and credits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, select

from domain.receivables.aging import OpenAmount
from domain.receivables.statement import Movement
from persistence.repositories.base import TenantRepository, of_tenant, one_of_param
from persistence.tables import invoices, journal_lines

JOURNAL = journal_lines.c
INVOICE = invoices.c
BALANCE = func.sum(JOURNAL.debit - JOURNAL.credit)
ON_ACCOUNT = (of_tenant(journal_lines), JOURNAL.account == bindparam("account"))
OPEN_AMOUNTS = (
    select(JOURNAL.customer_id, INVOICE.due_date, BALANCE.label("balance"))
    .select_from(
        journal_lines.outerjoin(
            invoices,
            and_(INVOICE.tenant_id == JOURNAL.tenant_id, INVOICE.id == JOURNAL.invoice_id),
        )
    )
    .where(*ON_ACCOUNT, JOURNAL.posted_on <= bindparam("as_of"))
    .group_by(JOURNAL.customer_id, INVOICE.due_date)
    .having(BALANCE != 0)
)
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

    async def open_amounts(self, account: str, as_of: date) -> list[OpenAmount]:
        """Per customer and due date, the balance on `account` up to `as_of` (due date
        None: lines of no invoice)."""
        rows = await self._rows(OPEN_AMOUNTS, account=account, as_of=as_of)
        return [OpenAmount(row["customer_id"], row["due_date"], row["balance"]) for row in rows]

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
