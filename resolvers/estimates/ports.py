"""What the estimate use cases ask of their repositories: the port's estimates side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.estimates import Estimate
from resolvers.changes import Changeable


class EstimateStore(Changeable[Estimate], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get_many(self, estimate_ids: Sequence[str]) -> dict[str, Estimate]:
        """Revisions by id (to read only)."""
        ...

    async def revisions(self, number: str) -> list[Estimate]:
        """Every revision of the estimate `number`, the first one first (to read only)."""
        ...

    async def add(self, estimate: Estimate) -> None:
        """Track a new estimate (a draft, a revision): it is stored when the unit of work
        commits, after the estimates read before it are saved."""
        ...


class EstimatesWork(Protocol):
    @property
    def estimates(self) -> EstimateStore: ...
