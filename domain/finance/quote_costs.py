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

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, InvalidInput
from domain.money import parse_amount


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


@dataclass(frozen=True, slots=True)
class MonthLock:
    """A calendar month finance has closed to new transactions."""

    year: int
    month: int

    def __post_init__(self) -> None:
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


def booking_date(payload: Mapping[str, Any]) -> date:
    """The UTC day of the approval, which decides the month the costs belong to."""
    value = payload.get("approved_at")
    try:
        approved_at = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"approved_at must be an ISO 8601 instant like 2026-01-08T13:30:00Z; got {value!r}.",
            field="approved_at",
        ) from None
    if approved_at.tzinfo is None:
        raise InvalidInput("approved_at needs a time zone (such as Z).", field="approved_at")
    return approved_at.astimezone(UTC).date()


def cost_transactions(payload: Mapping[str, Any]) -> list[CostTransaction]:
    """The cost transactions a quote-approved payload books, services first."""
    quote_id = str(payload["quote_id"])
    on = booking_date(payload)
    sides = (
        (service_key(quote_id), CostType.THIRD_PARTY, payload["subtotal_services"]),
        (material_key(quote_id), CostType.PARTS, payload["subtotal_materials"]),
    )
    return [
        CostTransaction(key, quote_id, cost_type, parse_amount(amount), on)
        for key, cost_type, amount in sides
        if parse_amount(amount) > 0
    ]


def finance_lock(payload: Mapping[str, Any], locks: Collection[MonthLock]) -> FinanceLocked | None:
    """FINANCE_LOCKED if the approval's month is locked; reports, never undoes the approval."""
    on = booking_date(payload)
    for lock in locks:
        if lock.covers(on):
            return FinanceLocked(
                f"Finance has locked {lock.label()}, so the costs of quote "
                f"{payload.get('quote_number')} were not booked; the quote stays approved. "
                "Ask finance to unlock the month or book the costs in an open one.",
                field="approved_at",
            )
    return None
