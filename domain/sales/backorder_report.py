"""The backorder report (seed 004's `BackorderReport`): how many backorders, what they
are worth by priority and status, and how long filling them took on average."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.sales.backorders import RANK, BackorderPriority, BackorderStatus


@dataclass(frozen=True, slots=True)
class BackorderGroup:
    """Backorders of one priority and status: how many, what they are worth, and (for
    FULFILLED ones) the seconds from request to fill, summed."""

    priority: BackorderPriority
    status: BackorderStatus
    count: int
    value: Decimal
    seconds_to_fill: Decimal


@dataclass(frozen=True, slots=True)
class Tally:
    count: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class BackorderReport:
    """Seed 004's `BackorderReport`; `average_fulfillment_hours` is None until one is
    filled."""

    total_backorders: int
    total_value: Decimal
    by_priority: dict[BackorderPriority, Tally]
    by_status: dict[BackorderStatus, Tally]
    average_fulfillment_hours: Decimal | None


def _tally(groups: list[BackorderGroup]) -> Tally:
    return Tally(sum(g.count for g in groups), sum((g.value for g in groups), Decimal("0.00")))


def backorder_report(groups: list[BackorderGroup]) -> BackorderReport:
    """Totals by priority (URGENT first) and status, and the average time to fill."""
    filled = [g for g in groups if g.status is BackorderStatus.FULFILLED]
    filled_count = sum(g.count for g in filled)
    hours = None
    if filled_count:
        seconds = sum((g.seconds_to_fill for g in filled), Decimal(0))
        hours = (seconds / filled_count / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return BackorderReport(
        total_backorders=sum(g.count for g in groups),
        total_value=_tally(groups).value,
        by_priority={
            p: _tally([g for g in groups if g.priority is p]) for p in sorted(RANK, key=RANK.get)
        },
        by_status={s: _tally([g for g in groups if g.status is s]) for s in BackorderStatus},
        average_fulfillment_hours=hours,
    )
