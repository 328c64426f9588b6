"""How long to wait before trying a failed handler again.

The seeds' policy (001): 3 retries with exponential backoff, 1 s, 2 s, 4 s, so a
handler runs at most four times before its event is dead-lettered. Tests shrink the
base to keep the same shape in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    retries: int = 3
    base_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.retries < 0 or self.base_seconds < 0:
            raise ValueError("retries and base_seconds must not be negative")

    def delays(self) -> list[float]:
        """The wait before each retry: base, 2 x base, 4 x base, ..."""
        return [self.base_seconds * 2**retry for retry in range(self.retries)]

    @property
    def attempts(self) -> int:
        """How often a handler runs at most: the first try and every retry."""
        return self.retries + 1
