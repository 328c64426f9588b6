"""In-memory estimates: revisions tracked like every aggregate, inserted at commit, with
the audit records each decision made appended to an `audit_events` table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from domain.estimates import Estimate, EstimateNotFound
from domain.estimates.search import EstimateFilter
from domain.paging import PageRequest
from domain.work_parties import WorkParty
from tests.use_cases.fakes.memory import Aggregates, DuplicateKey, Repository, page_of

AUDIT_EVENTS = "audit_events"
FIELDS = frozenset(f.name for f in fields(Estimate)) - {"events", "audit_records"}


class InMemoryEstimates(Aggregates[Estimate]):
    table = "estimates"
    noun = "Estimate"
    kind = Estimate

    def __init__(self, work: Any):
        super().__init__(work)
        self._new: set[str] = set()

    def not_found(self, aggregate_id: str) -> EstimateNotFound:
        return EstimateNotFound(aggregate_id)

    async def get_many(self, estimate_ids: Sequence[str]) -> dict[str, Estimate]:
        rows = [self._work.read(self.table, i) for i in estimate_ids]
        return {row["id"]: self._estimate(row) for row in rows if row is not None}

    async def revisions(self, number: str) -> list[Estimate]:
        found = [row for row in self._work.rows(self.table) if row["number"] == number]
        return [self._estimate(row) for row in sorted(found, key=lambda row: row["revision"])]

    async def revisions_of(self, numbers: Sequence[str]) -> dict[str, list[Estimate]]:
        return {number: await self.revisions(number) for number in numbers}

    async def search(
        self, where: EstimateFilter, at: datetime, request: PageRequest
    ) -> list[Estimate]:
        return page_of(self._matching(where, at), request)

    async def count(self, where: EstimateFilter, at: datetime) -> int:
        return len(self._matching(where, at))

    async def pages_of(
        self,
        party: WorkParty,
        party_ids: Sequence[str],
        where: EstimateFilter,
        at: datetime,
        request: PageRequest,
    ) -> dict[str, list[Estimate]]:
        column = f"{party.value.lower()}_id"
        matching = self._matching(where, at)
        return {
            i: page_of([e for e in matching if getattr(e, column) == i], request) for i in party_ids
        }

    async def counts_of(
        self, party: WorkParty, party_ids: Sequence[str], where: EstimateFilter, at: datetime
    ) -> dict[str, int]:
        column = f"{party.value.lower()}_id"
        matching = self._matching(where, at)
        return {i: sum(1 for e in matching if getattr(e, column) == i) for i in party_ids}

    def _matching(self, where: EstimateFilter, at: datetime) -> list[Estimate]:
        """Newest first, the id breaking ties, as the real lists are ordered."""
        found = [
            e
            for e in map(self._estimate, self._work.rows(self.table))
            if where.customer_id in (None, e.customer_id)
            and where.vehicle_id in (None, e.vehicle_id)
            and where.location_id in (None, e.location_id)
            and (not where.statuses or e.status_at(at) in where.statuses)
            and (where.since is None or e.created_at >= where.since)
            and (where.until is None or e.created_at < where.until)
        ]
        return sorted(found, key=lambda e: (e.created_at, e.id), reverse=True)

    async def get(self, aggregate_id: str, *, lock: bool = False) -> Estimate | None:
        row = self._work.read(self.table, aggregate_id)
        return None if row is None else self.track(self._estimate(row))

    async def add(self, aggregate: Estimate) -> None:
        """Tracked as new and inserted at commit, after the estimates read before it, as
        `EstimateRepository.add` does."""
        self._new.add(aggregate.id)
        self._tracked[aggregate.id] = (aggregate, {}, 0)

    def _save(self, aggregate: Estimate) -> None:
        if aggregate.id in self._new:
            self._new.discard(aggregate.id)
            if self._work.read(self.table, aggregate.id) is not None:
                raise DuplicateKey(f"{self.table} {aggregate.id!r} exists")
            self._write(aggregate, version=1, created_at=aggregate.created_at)
        else:
            super()._save(aggregate)
        for record in aggregate.audit_records:
            trail = len(self._work.rows(AUDIT_EVENTS))
            self._work.write(AUDIT_EVENTS, trail, record)
        aggregate.audit_records.clear()

    @staticmethod
    def _estimate(row: dict[str, Any]) -> Estimate:
        """The estimate a row holds (the row's `updated_at` is the database's own)."""
        held = {name: value for name, value in copy.deepcopy(row).items() if name in FIELDS}
        return Estimate(**held)

    @staticmethod
    def _stored_form(aggregate: Estimate) -> dict[str, Any]:  # type: ignore[override]
        return {
            name: value
            for name, value in Aggregates._stored_form(aggregate).items()
            if name != "audit_records"
        }


def stored_row(estimate: Estimate) -> dict[str, Any]:
    """The row `estimate` would be stored as, at version 1 (for tests that start from an
    estimate the estimate use cases would have left)."""
    return {
        **InMemoryEstimates._stored_form(estimate),
        "version": 1,
        "created_at": estimate.created_at,
        "updated_at": estimate.created_at,
    }


class EstimatesWork:
    estimates = Repository(InMemoryEstimates)
