"""What the estimate use cases ask of their repositories: the port's estimates side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.estimates import Estimate
from domain.estimates.search import EstimateFilter
from domain.paging import PageRequest
from domain.work_parties import WorkParty
from resolvers.changes import Changeable


class EstimateStore(Changeable[Estimate], Protocol):
    async def exists(self, record_id: str) -> bool: ...

    async def get_many(self, estimate_ids: Sequence[str]) -> dict[str, Estimate]:
        """Revisions by id (to read only)."""
        ...

    async def revisions(self, number: str) -> list[Estimate]:
        """Every revision of the estimate `number`, the first one first (to read only)."""
        ...

    async def revisions_of(self, numbers: Sequence[str]) -> dict[str, list[Estimate]]:
        """`revisions` of each estimate number (to read only)."""
        ...

    async def search(
        self, where: EstimateFilter, at: datetime, request: PageRequest
    ) -> list[Estimate]:
        """One page, newest first, and one revision more if another page follows; a status
        is the one seen at `at`."""
        ...

    async def count(self, where: EstimateFilter, at: datetime) -> int: ...

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: EstimateFilter,
        at: datetime,
        request: PageRequest,
    ) -> dict[str, list[Estimate]]:
        """`search`'s page of each customer, vehicle or location (by `party`) at once."""
        ...

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: EstimateFilter, at: datetime
    ) -> dict[str, int]:
        """`count` of each customer, vehicle or location at once."""
        ...

    async def add(self, estimate: Estimate) -> None:
        """Track a new estimate (a draft, a revision): it is stored when the unit of work
        commits, after the estimates read before it are saved."""
        ...


class EstimatesWork(Protocol):
    @property
    def estimates(self) -> EstimateStore: ...
