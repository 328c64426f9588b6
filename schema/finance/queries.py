"""What finance has told the gateway: the closed periods, as FinancialPeriodClosedEvent
delivered them."""

from __future__ import annotations

import strawberry

from domain.identity import Permission
from resolvers.finance import periods as use_cases
from schema.context import Info
from schema.finance.types import FinancialPeriod
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
