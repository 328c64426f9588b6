"""Financial periods closed by Period Close (seed 000: FinancialPeriodClosedEvent).

Once Period Close closes a period, nothing may be billed into it: billing asks
`covers(date)` of each closed period and raises `FinancialPeriodClosed`. The gateway
does not close periods itself; it records the closes it is told about.

The event's payload (the gateway's contract; the seed names the event only):
`{"periodId": "2026-01", "periodStart": "2026-01-01", "periodEnd": "2026-01-31",
"closedAt": "2026-02-03T17:00:00Z", "closedBy": "controller@example.com"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.errors import DomainError, InvalidInput, collect

FINANCIAL_PERIOD_CLOSED_EVENT = "FinancialPeriodClosedEvent"


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


def closed_period(payload: Mapping[str, Any]) -> FinancialPeriod:
    """The period a FinancialPeriodClosedEvent payload reports, or every field at fault."""
    read = {
        "period_id": _text(payload, "periodId"),
        "start": _date(payload, "periodStart"),
        "end": _date(payload, "periodEnd"),
        "closed_at": _instant(payload, "closedAt"),
        "closed_by": _text(payload, "closedBy"),
    }
    collect(*(value for value in read.values() if isinstance(value, DomainError)))
    return FinancialPeriod(**read)


def _text(payload: Mapping[str, Any], name: str) -> str | DomainError:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        return InvalidFinancialPeriod(f"{name} must be a non-empty string.", field=name)
    return value.strip()


def _date(payload: Mapping[str, Any], name: str) -> date | DomainError:
    value = payload.get(name)
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return InvalidFinancialPeriod(f"{name} must be a date like 2026-01-31.", field=name)


def _instant(payload: Mapping[str, Any], name: str) -> datetime | DomainError:
    value = payload.get(name)
    try:
        instant = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return InvalidFinancialPeriod(
            f"{name} must be an ISO 8601 instant like 2026-02-03T17:00:00Z.", field=name
        )
    if instant.tzinfo is None:
        return InvalidFinancialPeriod(f"{name} needs a time zone (such as Z).", field=name)
    return instant
