"""Where "now" comes from: one seam, so time-dependent rules can be tested without sleeping.

The domain never reads the clock itself; use cases ask a `Clock` (the request context
carries one, the SLA monitor is given one) and hand the instant to the domain. Production
runs on `SystemClock`; tests build the gateway with a `ManualClock` they move forward.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, time-zone aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until told to move: for tests and replays."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("a ManualClock needs a time-zone aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, by: timedelta) -> datetime:
        self._now += by
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)
