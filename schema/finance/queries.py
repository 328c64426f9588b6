"""Reading finance: the periods Period Close closed (as FinancialPeriodClosedEvent
delivered them), the costs booked from approved quotes, and the locked months."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.finance import periods as use_cases
from resolvers.finance import quote_costs as finance
from schema.context import Info
from schema.finance.types import CostTransaction, FinanceMonthLock, FinancialPeriod
from schema.permissions import requires


@strawberry.type
class FinanceQueries:
    @strawberry.field(
        description="Every financial period closed for this tenant, the latest first.",
        permission_classes=[requires(Permission.FINANCIAL_PERIOD_READ)],
    )
    async def closed_financial_periods(self, info: Info) -> list[FinancialPeriod]:
        periods = await use_cases.closed_financial_periods(info.context.uow)
        return [FinancialPeriod.from_domain(p) for p in periods]

    @strawberry.field(
        description="The cost transactions finance booked from an approved quote: its quote id "
        "(a UUID, `Estimate.quoteId`) or the approved estimate revision's id.",
        permission_classes=[requires(Permission.COST_TRANSACTION_READ)],
    )
    async def cost_transactions(self, info: Info, quote_id: strawberry.ID) -> list[CostTransaction]:
        found = await finance.quote_cost_transactions(info.context.uow, quote_id)
        return [CostTransaction.from_domain(t) for t in found]

    @strawberry.field(
        description="Months locked to new cost transactions, the latest first.",
        permission_classes=[requires(Permission.COST_TRANSACTION_READ)],
    )
    async def finance_month_locks(self, info: Info) -> list[FinanceMonthLock]:
        found = await finance.locked_finance_months(info.context.uow)
        return [FinanceMonthLock.from_domain(lock) for lock in found]
