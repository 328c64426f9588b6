"""Closed financial periods of one tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.finance.periods import FinancialPeriod
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import financial_periods

PERIOD_COLUMNS = [
    financial_periods.c.period_id,
    financial_periods.c.period_start.label("start"),
    financial_periods.c.period_end.label("end"),
    financial_periods.c.closed_at,
    financial_periods.c.closed_by,
]
RECORD_CLOSED = (
    upsert(financial_periods)
    .on_conflict_do_nothing(index_elements=["tenant_id", "period_id"])
    .returning(financial_periods.c.period_id)
)
CLOSED = (
    select(*PERIOD_COLUMNS)
    .where(of_tenant(financial_periods))
    .order_by(financial_periods.c.period_start.desc(), financial_periods.c.period_id)
)


class FinancialPeriodRepository(TenantRepository):
    table = financial_periods

    async def record_closed(self, period: FinancialPeriod) -> bool:
        """Store a closed period; False if it was already closed (the first close stands)."""
        recorded = await self._row(
            RECORD_CLOSED,
            period_id=period.period_id,
            period_start=period.start,
            period_end=period.end,
            closed_at=period.closed_at,
            closed_by=period.closed_by,
        )
        return recorded is not None

    async def closed(self) -> list[FinancialPeriod]:
        """Every closed period, the latest first."""
        return [FinancialPeriod(**row) for row in await self._rows(CLOSED)]
