"""Reading estimates, their revisions, and what finance booked from them."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.estimates import editing as use_cases
from resolvers.finance import quote_costs as finance
from schema.context import Info
from schema.estimates.types import CostTransaction, Estimate, FinanceMonthLock
from schema.permissions import requires


@strawberry.type
class EstimateQueries:
    @strawberry.field(
        description="One revision by id (EST-001, EST-001-R2); ESTIMATE_NOT_FOUND if none.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate(self, info: Info, id: strawberry.ID) -> Estimate:
        return Estimate.from_domain(await use_cases.estimate(info.context.uow, id))

    @strawberry.field(
        description="Every revision of an estimate number, the first first.",
        permission_classes=[requires(Permission.ESTIMATE_READ)],
    )
    async def estimate_revisions(self, info: Info, estimate_number: str) -> list[Estimate]:
        found = await use_cases.estimate_revisions(info.context.uow, estimate_number)
        return [Estimate.from_domain(e) for e in found]

    @strawberry.field(
        description="The cost transactions finance booked from an approved quote (estimate id).",
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
