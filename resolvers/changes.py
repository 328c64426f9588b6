"""The one way a use case changes an aggregate.

    async with uow() as work:
        async with changing(work.estimates, estimate_id, version) as estimate:
            estimate.approve(by, clock.now())
        await work.commit()

`changing` loads the aggregate (the repository tracks it from then on) and refuses a
stale `version`: the version the client read is required, and a change made since is
VERSION_CONFLICT before anything is computed. The use case only calls the aggregate's
methods; `commit()` saves what changed (checking the version again in its UPDATE, which
catches a change that slipped in between) and moves the events the aggregate recorded
into the outbox. `lock=True` holds the row until commit instead, for internal callers
with no client version (inbound events), which must decide from the latest state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar

from domain.errors import DomainError, VersionConflict
from domain.events import Aggregate

A = TypeVar("A", bound=Aggregate)


class Changeable(Protocol[A]):
    """A repository of aggregates, as `changing` needs it."""

    async def get(self, aggregate_id: str, *, lock: bool = False) -> A | None: ...

    def not_found(self, aggregate_id: str) -> DomainError: ...

    def stale(self, aggregate_id: str, version: int) -> VersionConflict: ...


async def existing(repository: Changeable[A], aggregate_id: str, *, lock: bool = False) -> A:
    """The aggregate `aggregate_id`, or the repository's not-found error."""
    found = await repository.get(aggregate_id, lock=lock)
    if found is None:
        raise repository.not_found(aggregate_id)
    return found


@asynccontextmanager
async def changing(
    repository: Changeable[A], aggregate_id: str, version: int | None, *, lock: bool = False
) -> AsyncIterator[A]:
    """The aggregate to change, if it is still at `version` (None: internal callers only)."""
    found = await existing(repository, aggregate_id, lock=lock)
    if version is not None and found.version != version:
        raise repository.stale(aggregate_id, version)
    yield found
