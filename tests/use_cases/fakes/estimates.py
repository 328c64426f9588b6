"""In-memory estimates: revisions tracked like every aggregate, inserted at commit, with
the audit records each decision made appended to an `audit_events` table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from domain.estimates import Estimate, EstimateNotFound
from tests.use_cases.fakes.memory import Aggregates, DuplicateKey, Repository

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
