"""What every record a clerk edits shares: an edit is checked whole before it applies."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from domain.events import DomainEvent


class Edited:
    """A mutable aggregate (a dataclass) whose `__post_init__` checks every field."""

    version: int
    events: list[DomainEvent]

    def _apply(self, changes: dict[str, Any]) -> None:
        """Apply `changes` if the edited record passes every check; else change nothing."""
        checked = replace(self, **changes)  # type: ignore[type-var]
        for name in (f.name for f in fields(self)):  # type: ignore[arg-type]
            if name != "events":
                setattr(self, name, getattr(checked, name))
