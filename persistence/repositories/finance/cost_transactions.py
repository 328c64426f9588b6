"""Cost transactions booked from approved quotes, their posting status, and locked months."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.finance.quote_costs import CostTransaction, CostType, FinancePostingStatus, MonthLock
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import cost_transactions, finance_month_locks, finance_postings

BOOK = (
    upsert(cost_transactions)
    .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
    .returning(cost_transactions.c.idempotency_key)
)
_POSTING = upsert(finance_postings)
RECORD_POSTING = _POSTING.on_conflict_do_update(
    index_elements=["tenant_id", "quote_id"],
    set_={
        "status": _POSTING.excluded.status,
        "detail": _POSTING.excluded.detail,
        "recorded_at": _POSTING.excluded.recorded_at,
    },
)
LOCKED = (
    select(finance_month_locks.c.year, finance_month_locks.c.month)
    .where(of_tenant(finance_month_locks))
    .order_by(finance_month_locks.c.year.desc(), finance_month_locks.c.month.desc())
)
"""The statements of handling every approved quote, built once (see `of_tenant`)."""
FOR_QUOTE = (
    select(cost_transactions)
    .where(of_tenant(cost_transactions), cost_transactions.c.quote_id == bindparam("quote_id"))
    .order_by(cost_transactions.c.idempotency_key.desc())
)
BLOCKED = (
    select(finance_postings.c.quote_id)
    .where(
        of_tenant(finance_postings),
        finance_postings.c.status == FinancePostingStatus.BLOCKED_BY_LOCK.value,
    )
    .order_by(finance_postings.c.recorded_at)
)
POSTING = select(finance_postings.c.status, finance_postings.c.detail).where(
    of_tenant(finance_postings), finance_postings.c.quote_id == bindparam("quote_id")
)
LOCK = upsert(finance_month_locks).on_conflict_do_nothing(
    index_elements=["tenant_id", "year", "month"]
)
UNLOCK = delete(finance_month_locks).where(
    of_tenant(finance_month_locks),
    finance_month_locks.c.year == bindparam("year"),
    finance_month_locks.c.month == bindparam("month"),
)


class CostTransactionRepository(TenantRepository):
    table = cost_transactions

    async def book(self, transactions: Sequence[CostTransaction]) -> int:
        """Insert the transactions whose idempotency key is new; the number inserted."""
        booked = await self._run_many(
            BOOK,
            [
                {
                    "idempotency_key": t.idempotency_key,
                    "quote_id": t.quote_id,
                    "cost_type": t.cost_type.value,
                    "amount": t.amount,
                    "booked_on": t.booked_on,
                }
                for t in transactions
            ],
        )
        return len(booked)

    async def for_quote(self, quote_id: str) -> list[CostTransaction]:
        return [
            CostTransaction(
                idempotency_key=row["idempotency_key"],
                quote_id=row["quote_id"],
                cost_type=CostType(row["cost_type"]),
                amount=row["amount"],
                booked_on=row["booked_on"],
            )
            for row in await self._rows(FOR_QUOTE, quote_id=quote_id)
        ]

    async def record_posting(self, quote_id: str, status: str, detail: str | None) -> None:
        """Remember how the quote's costs fared: POSTED or BLOCKED_BY_LOCK (latest wins)."""
        await self._run(RECORD_POSTING, quote_id=quote_id, status=status, detail=detail)

    async def blocked_quotes(self) -> list[str]:
        """Quotes whose costs a month lock held back, oldest first."""
        return [row["quote_id"] for row in await self._rows(BLOCKED)]

    async def posting(self, quote_id: str) -> tuple[str, str | None] | None:
        row = await self._row(POSTING, quote_id=quote_id)
        return None if row is None else (row["status"], row["detail"])


class FinanceLockRepository(TenantRepository):
    table = finance_month_locks

    async def lock(self, month: MonthLock, by: str) -> None:
        await self._run(LOCK, year=month.year, month=month.month, locked_by=by)

    async def unlock(self, month: MonthLock) -> None:
        await self._run(UNLOCK, year=month.year, month=month.month)

    async def locked(self) -> list[MonthLock]:
        """Every locked month, the latest first."""
        return [MonthLock(row["year"], row["month"]) for row in await self._rows(LOCKED)]
