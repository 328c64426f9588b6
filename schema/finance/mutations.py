"""Locking a month to new cost transactions, and unlocking it (finance's own permission)."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.finance import quote_costs as finance
from schema.context import Info
from schema.finance.types import FinanceMonthLock
from schema.permissions import requires

LOCK = [requires(Permission.FINANCE_PERIOD_LOCK)]


@strawberry.type
class FinanceLockMutations:
    @strawberry.mutation(
        description="Lock a month: approvals in it book no cost transactions until unlocked. "
        "Returns every locked month.",
        permission_classes=LOCK,
    )
    async def lock_finance_month(self, info: Info, year: int, month: int) -> list[FinanceMonthLock]:
        locked = await finance.lock_finance_month(
            info.context.uow, info.context.require(Permission.FINANCE_PERIOD_LOCK), year, month
        )
        return [FinanceMonthLock.from_domain(lock) for lock in locked]

    @strawberry.mutation(
        description="Unlock a month and book the costs its lock held back; returns every "
        "month still locked.",
        permission_classes=LOCK,
    )
    async def unlock_finance_month(
        self, info: Info, year: int, month: int
    ) -> list[FinanceMonthLock]:
        locked = await finance.unlock_finance_month(info.context.uow, year, month)
        return [FinanceMonthLock.from_domain(lock) for lock in locked]
