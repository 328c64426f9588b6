"""Financial periods closed by Period Close (seed 000: FinancialPeriodClosedEvent).

Once Period Close closes a period, nothing may be billed into it: billing asks
`covers(date)` of each closed period and raises `FinancialPeriodClosed`. The gateway
does not close periods itself; it records the closes it is told about.

Period Close's event reaches the gateway as a `PeriodClosed` fact, parsed from its
document at the boundary (`subscriptions/wire/contracts/finance.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.errors import DomainError, InvalidInput
from domain.events import DomainEvent


class InvalidFinancialPeriod(InvalidInput):
    code = "INVALID_FINANCIAL_PERIOD"


class FinancialPeriodClosed(DomainError):
    """Raised by billing for a date inside a closed period: the books are final there."""

    code = "FINANCIAL_PERIOD_CLOSED"

    def __init__(self, period_id: str, on: date):
        super().__init__(
            f"Financial period {period_id} is closed, so nothing can be billed on "
            f"{on.isoformat()}; bill in an open period or ask finance to reopen it."
        )
        self.period_id = period_id


@dataclass(frozen=True, slots=True)
class FinancialPeriod:
    """A closed period: the dates it spans (both inclusive), when and by whom it closed."""

    period_id: str
    start: date
    end: date
    closed_at: datetime
    closed_by: str

    def __post_init__(self) -> None:
        for name, value in (("periodId", self.period_id), ("closedBy", self.closed_by)):
            if not value:
                raise InvalidFinancialPeriod(f"{name} must not be empty.", field=name)
        if self.end < self.start:
            raise InvalidFinancialPeriod(
                f"Financial period {self.period_id} ends ({self.end.isoformat()}) before it "
                f"starts ({self.start.isoformat()}).",
                field="periodEnd",
            )
        if self.closed_at.tzinfo is None:
            raise InvalidFinancialPeriod("closedAt needs a time zone.", field="closedAt")

    def covers(self, on: date) -> bool:
        return self.start <= on <= self.end

    def refuse_billing_on(self, on: date) -> None:
        """Raise FinancialPeriodClosed if `on` falls inside this (closed) period."""
        if self.covers(on):
            raise FinancialPeriodClosed(self.period_id, on)


@dataclass(frozen=True, kw_only=True)
class PeriodClosed(DomainEvent):
    """Period Close closed a period, as it reported it (not judged yet: see `period`)."""

    aggregate_type = "financial_period"

    period_id: str
    start: date
    end: date
    closed_at: datetime
    closed_by: str

    def period(self) -> FinancialPeriod:
        """The closed period; InvalidFinancialPeriod if the report contradicts itself."""
        return FinancialPeriod(
            self.period_id.strip(), self.start, self.end, self.closed_at, self.closed_by.strip()
        )
