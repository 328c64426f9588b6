"""Closed financial periods as clients see them (names mirror the event's payload)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain.finance import periods as domain


@strawberry.type(description="A financial period Period Close has closed: no billing into it.")
class FinancialPeriod:
    period_id: strawberry.ID
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period (inclusive).")
    closed_at: datetime
    closed_by: str

    @classmethod
    def from_domain(cls, p: domain.FinancialPeriod) -> FinancialPeriod:
        return cls(
            period_id=strawberry.ID(p.period_id),
            period_start=p.start,
            period_end=p.end,
            closed_at=p.closed_at,
            closed_by=p.closed_by,
        )
