"""Repositories of aggregates: they remember what they loaded or added, and save changes.

This is the persistence half of the one way an aggregate changes (docs/decisions.md,
"One way to change an aggregate"). A use case loads an aggregate, calls its methods and
commits; it never says what to write. At commit the unit of work asks each aggregate
repository to `flush()`: every aggregate it tracks whose stored form differs from what
was read (or that recorded events) is written with a version-checked UPDATE, so a
change made meanwhile by someone else is VERSION_CONFLICT, not a lost update, and the
events the aggregates recorded are handed over, as they were recorded, for the outbox.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Generic, TypeVar

from domain.errors import DomainError, NotFound, VersionConflict
from domain.events import Aggregate, DomainEvent
from persistence.repositories.base import TenantRepository

A = TypeVar("A", bound=Aggregate)


class AggregateRepository(TenantRepository, Generic[A]):
    """Tracks each aggregate with the stored form it had when read or added."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._tracked: dict[str, tuple[A, Any, int]] = {}

    async def get(self, aggregate_id: str, *, lock: bool = False) -> A | None:
        """The aggregate, tracked from now on, or None if this tenant has none.

        `lock` holds its row until commit, for internal callers that must decide from
        the latest state (inbound events); clients' changes are checked by version.
        """
        found = await self._read(aggregate_id, lock)
        return None if found is None else self.track(found)

    def track(self, aggregate: A) -> A:
        """Remember `aggregate` as it is stored now: the unit of work saves it if it
        changes or records another event (one it had already recorded, such as its
        creation, is stored by the write that added it)."""
        known = self._tracked.get(aggregate.id)
        if known is None or known[0] is not aggregate:
            self._stored_now(aggregate)
        return aggregate

    def _stored_now(self, aggregate: A) -> None:
        """Remember `aggregate` as the tables hold it now: read, saved by `flush`, or
        written by a statement of its own outside it (the events it still holds are
        handed over at the next flush)."""
        self._tracked[aggregate.id] = (
            aggregate,
            self._stored_form(aggregate),
            len(aggregate.events),
        )

    def track_new(self, aggregate: A) -> A:
        """Remember `aggregate` as not stored yet: the unit of work inserts it at commit
        (`_save` with no `before`), after the aggregates tracked before it are saved. A
        revision's predecessor is then saved, version-checked, before the revision is
        inserted, so of two racing revisions the second is VERSION_CONFLICT."""
        self._tracked[aggregate.id] = (aggregate, None, 0)
        return aggregate

    async def flush(self) -> list[DomainEvent]:
        """Save every tracked aggregate that changed; hand over the events they recorded."""
        tracked = list(self._tracked.items())
        await self._save_all(
            [
                (aggregate, before)
                for aggregate, before, stored_events in self._tracked.values()
                if len(aggregate.events) > stored_events or self._stored_form(aggregate) != before
            ]
        )
        recorded: list[DomainEvent] = []
        for _, (aggregate, _, _) in tracked:
            recorded += aggregate.events
            aggregate.events.clear()
            self._stored_now(aggregate)
        return recorded

    async def _save_all(self, changed: list[tuple[A, Any]]) -> None:
        """Save the changed aggregates, in the order they were tracked, one `_save` each;
        a repository whose rows change alike may write them in one round trip instead
        (a receipt filling 10,000 backorders)."""
        for aggregate, before in changed:
            await self._save(aggregate, before)

    def not_found(self, aggregate_id: str) -> DomainError:
        """The error a client gets for an id this tenant has no aggregate of."""
        return NotFound(self.noun, aggregate_id)

    def stale(self, aggregate_id: str, version: int) -> VersionConflict:
        return VersionConflict(
            f"{self.noun} '{aggregate_id}' was changed by someone else (you saw version "
            f"{version}); reload it and apply your change again.",
            field="version",
        )

    @abstractmethod
    async def _read(self, aggregate_id: str, lock: bool) -> A | None:
        """Load one aggregate (header and children) in as few statements as possible."""

    @abstractmethod
    def _stored_form(self, aggregate: A) -> Any:
        """What the tables hold of `aggregate`, comparable with ==, to tell if it changed."""

    @abstractmethod
    async def _save(self, aggregate: A, before: Any) -> None:
        """Write what changed since `before`, only if the row is still at
        `aggregate.version` (else raise `stale`), and move `aggregate.version` on; with
        `before` None (see `track_new`), insert the aggregate."""
