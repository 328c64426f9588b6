"""Dunning: reminding customers of money past due, louder the longer it is late.

A tenant's dunning levels say from how many days overdue each applies (its own list, or
the defaults below); the last level (the most days) also blocks the customer. A run as
of a date gives each customer with money past due then (open invoices whose due date is
before that date) the highest level their oldest past-due invoice has reached, and one
notice (`DunningNoticeGeneratedEvent`) with the amount past due. A customer has at most
one notice per date: a run repeated for a date notifies nobody twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.errors import InvalidInput, collect
from domain.events import DomainEvent

LEVEL_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
MAX_LEVELS = 10


@dataclass(frozen=True, slots=True)
class DunningLevel:
    level: str
    days_overdue: int
    """The level applies from this many days past the due date on."""


DEFAULT_LEVELS = (
    DunningLevel("REMINDER", 1),
    DunningLevel("SECOND_REMINDER", 31),
    DunningLevel("FINAL_NOTICE", 61),
)


def check_levels(levels: Sequence[DunningLevel]) -> tuple[DunningLevel, ...]:
    """The levels in order of days overdue: named in capitals, each from a different day."""
    if not 0 < len(levels) <= MAX_LEVELS:
        raise InvalidInput(f"Give 1 to {MAX_LEVELS} dunning levels.", field="levels")
    collect(
        *(
            InvalidInput(
                "A level is named in capitals (REMINDER) and applies from 1 day overdue on.",
                field=f"levels[{i}]",
            )
            for i, level in enumerate(levels)
            if not LEVEL_NAME.match(level.level) or not 0 < level.days_overdue <= 3650
        )
    )
    ordered = tuple(sorted(levels, key=lambda level: level.days_overdue))
    if len({level.days_overdue for level in ordered}) < len(ordered) or len(
        {level.level for level in ordered}
    ) < len(ordered):
        raise InvalidInput("Each level has its own name and its own days.", field="levels")
    return ordered


def level_for(levels: Sequence[DunningLevel], days_overdue: int) -> DunningLevel | None:
    """The highest level `days_overdue` reached (levels in order), None below the first."""
    reached = [level for level in levels if level.days_overdue <= days_overdue]
    return reached[-1] if reached else None


@dataclass(frozen=True, slots=True)
class PastDue:
    """A customer's money past due as of a date: how much, and since when."""

    customer_id: str
    amount: Decimal
    oldest_due_date: date


@dataclass(frozen=True, kw_only=True)
class DunningNoticeGenerated(DomainEvent):
    """The customer was sent a notice of `dunning_level` by run `aggregate_id`."""

    aggregate_type = "dunning_run"

    customer_id: str
    dunning_level: str
    as_of_date: date
    past_due_amount: Decimal


EVENTS = (DunningNoticeGenerated,)


@dataclass(slots=True, eq=False)
class DunningRun:
    """One run as of a date: the notices it sent (customers already noticed for that
    date are left out by the use case, which claims each notice first)."""

    id: str
    tenant_id: str
    as_of: date
    levels: tuple[DunningLevel, ...]
    ran_at: datetime
    notices: list[DunningNoticeGenerated] = field(default_factory=list)
    version: int = 1
    events: list[DomainEvent] = field(default_factory=list)

    def level_of(self, past_due: PastDue) -> DunningLevel | None:
        return level_for(self.levels, (self.as_of - past_due.oldest_due_date).days)

    def is_last(self, level: DunningLevel) -> bool:
        return level == self.levels[-1]

    def notify(self, past_due: PastDue, level: DunningLevel) -> DunningNoticeGenerated:
        notice = DunningNoticeGenerated(
            aggregate_id=self.id,
            tenant_id=self.tenant_id,
            occurred_at=self.ran_at,
            customer_id=past_due.customer_id,
            dunning_level=level.level,
            as_of_date=self.as_of,
            past_due_amount=past_due.amount,
        )
        self.notices.append(notice)
        self.events.append(notice)
        return notice
