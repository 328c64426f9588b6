"""What a live operations dashboard shows per location.

Open orders (REQUESTED, SCHEDULED, DISPATCHED, IN_PROGRESS) counted by status and
priority; how many of them are at risk and how many have a broken promise right now
(the same judgement as an order's `sla { atRisk breached }`: a target at risk, a
target breached); and how many breaches the SLA monitor raised since the start of
today. "Today" is the UTC day: one boundary for every location, so figures add up across
locations and replicas. Beside them, how many orders wait for People's, Order's or
Accounting's acknowledgement (docs/acknowledgements.md), and how many of those have one
past its time-out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from domain.service_orders.status import Priority, ServiceOrderStatus

_STATUSES = list(ServiceOrderStatus)
_PRIORITIES = list(Priority)


@dataclass(frozen=True, slots=True)
class OpenOrderCount:
    status: ServiceOrderStatus
    priority: Priority
    count: int
    at_risk: int = 0
    breached: int = 0


@dataclass(frozen=True, slots=True)
class LocationOperations:
    location_id: str
    open_orders: tuple[OpenOrderCount, ...] = field(default=())
    breaches_today: int = 0
    awaiting_acknowledgement: int = 0
    overdue_acknowledgement: int = 0

    @property
    def open_total(self) -> int:
        return sum(c.count for c in self.open_orders)

    @property
    def at_risk(self) -> int:
        return sum(c.at_risk for c in self.open_orders)

    @property
    def breached(self) -> int:
        return sum(c.breached for c in self.open_orders)

    def by_status(self) -> dict[ServiceOrderStatus, list[OpenOrderCount]]:
        """The counts grouped per status, in lifecycle order."""
        grouped: dict[ServiceOrderStatus, list[OpenOrderCount]] = {}
        for count in self.open_orders:
            grouped.setdefault(count.status, []).append(count)
        return grouped


def _lifecycle_order(count: OpenOrderCount) -> tuple[int, int]:
    return _STATUSES.index(count.status), -_PRIORITIES.index(count.priority)


def start_of_day(now: datetime) -> datetime:
    """The start of `now`'s UTC day: where "breaches today" counts from."""
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def per_location(
    counts: Iterable[tuple[str, OpenOrderCount]],
    breaches_today: dict[str, int],
    awaiting: Mapping[str, tuple[int, int]] | None = None,
) -> list[LocationOperations]:
    """One row per location that has open orders, breaches today or orders awaiting an
    acknowledgement (`awaiting`: how many, and how many overdue), by location id."""
    grouped: dict[str, list[OpenOrderCount]] = {}
    for location_id, count in counts:
        grouped.setdefault(location_id, []).append(count)
    waiting = awaiting or {}
    return [
        LocationOperations(
            location_id,
            tuple(sorted(grouped.get(location_id, []), key=_lifecycle_order)),
            breaches_today.get(location_id, 0),
            *waiting.get(location_id, (0, 0)),
        )
        for location_id in sorted(grouped.keys() | breaches_today.keys() | waiting.keys())
    ]
