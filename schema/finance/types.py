"""Finance as clients see it: closed financial periods (names mirror the event's payload),
the cost transactions booked from approved quotes, and the months locked to them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.finance import periods as domain
from domain.finance import quote_costs

FinancePostingStatus = strawberry.enum(
    quote_costs.FinancePostingStatus,
    description="Whether finance booked an approved quote's costs, or a locked month held them.",
)


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


@strawberry.type(description="A cost finance booked from an approved quote.")
class CostTransaction:
    idempotency_key: str
    quote_id: strawberry.ID
    cost_type: str = strawberry.field(description="THIRD_PARTY for services, PARTS for materials.")
    amount: Decimal
    booked_on: date

    @classmethod
    def from_domain(cls, t: quote_costs.CostTransaction) -> CostTransaction:
        return cls(
            idempotency_key=t.idempotency_key,
            quote_id=strawberry.ID(t.quote_id),
            cost_type=str(t.cost_type),
            amount=t.amount,
            booked_on=t.booked_on,
        )


@strawberry.type(description="A month finance closed to new cost transactions.")
class FinanceMonthLock:
    year: int
    month: int
    label: str = strawberry.field(description="YYYY-MM")

    @classmethod
    def from_domain(cls, lock: quote_costs.MonthLock) -> FinanceMonthLock:
        return cls(year=lock.year, month=lock.month, label=lock.label())
