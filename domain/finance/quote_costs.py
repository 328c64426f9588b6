"""What finance books when a quote is approved (seed 003's QuoteFinanceService).

An approved quote commits costs: its services as a THIRD_PARTY cost transaction and its
materials as a PARTS one, each at the subtotal before discount, each with its own
idempotency key (`quote:{quote_id}:service`, `quote:{quote_id}:material`) so replaying
the event never books twice. A side with nothing on it books nothing.

A month finance has locked takes no new transactions: `finance_lock` reports
FINANCE_LOCKED for the month of the approval (UTC) and the handler creates nothing. The
approval itself still stands; only the booking waits for finance.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError, InvalidInput
from domain.estimates.events import QuoteApproved


class CostType(StrEnum):
    THIRD_PARTY = "THIRD_PARTY"
    PARTS = "PARTS"


class FinancePostingStatus(StrEnum):
    """How an approved quote's costs fared: waiting for the event, booked, or held by a lock."""

    PENDING = "PENDING"
    POSTED = "POSTED"
    BLOCKED_BY_LOCK = "BLOCKED_BY_LOCK"


class FinanceLocked(DomainError):
    code = "FINANCE_LOCKED"


@dataclass(frozen=True, slots=True)
class CostTransaction:
    idempotency_key: str
    quote_id: str
    cost_type: CostType
    amount: Decimal
    booked_on: date


FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Months finance can lock: a year outside them is a typing mistake, not a period."""


@dataclass(frozen=True, slots=True)
class MonthLock:
    """A calendar month finance has closed to new transactions."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise InvalidInput(
                f"A finance year is from {FIRST_YEAR} to {LAST_YEAR}; got {self.year}.",
                field="year",
            )
        if not 1 <= self.month <= 12:
            raise InvalidInput(f"A month is from 1 to 12; got {self.month}.", field="month")

    def covers(self, on: date) -> bool:
        return (on.year, on.month) == (self.year, self.month)

    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def service_key(quote_id: str) -> str:
    return f"quote:{quote_id}:service"


def material_key(quote_id: str) -> str:
    return f"quote:{quote_id}:material"


def booking_date(quote: QuoteApproved) -> date:
    """The UTC day of the approval, which decides the month the costs belong to."""
    return quote.approved_at.astimezone(UTC).date()


def cost_transactions(quote: QuoteApproved) -> list[CostTransaction]:
    """The cost transactions an approved quote books, services first."""
    quote_id = quote.aggregate_id
    on = booking_date(quote)
    sides = (
        (service_key(quote_id), CostType.THIRD_PARTY, quote.subtotal_services),
        (material_key(quote_id), CostType.PARTS, quote.subtotal_materials),
    )
    return [
        CostTransaction(key, quote_id, cost_type, amount, on)
        for key, cost_type, amount in sides
        if amount > 0
    ]


def finance_lock(quote: QuoteApproved, locks: Collection[MonthLock]) -> FinanceLocked | None:
    """FINANCE_LOCKED if the approval's month is locked; reports, never undoes the approval."""
    on = booking_date(quote)
    for lock in locks:
        if lock.covers(on):
            return FinanceLocked(
                f"Finance has locked {lock.label()}, so the costs of quote "
                f"{quote.quote_number} were not booked; the quote stays approved. "
                "Ask finance to unlock the month or book the costs in an open one."
            )
    return None
