"""Write-offs: the proposal's row, saved version-checked, and its approval's journal
entry, appended (the journal is append-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select

from domain.receivables.write_off import (
    WriteOff,
    WriteOffNotFound,
    WriteOffStatus,
    approval_entry_id,
)
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import of_tenant, take_written, versioned_update
from persistence.repositories.receivables.documents import (
    APPEND,
    OF_ENTRIES,
    appended,
    entries_of,
    journal_rows,
)
from persistence.tables import write_offs

ROW = write_offs.c
WRITTEN = ["status", "approved_by", "approved_at"]
COLUMNS = [c for c in write_offs.c if c.name not in {"tenant_id", "created_at", "updated_at"}]
BY_ID = select(*COLUMNS).where(of_tenant(write_offs), ROW.id == bindparam("id"))
LOCKED_BY_ID = BY_ID.with_for_update()
ADD = insert(write_offs).returning(ROW.version)
SAVE = versioned_update(write_offs, WRITTEN).returning(ROW.version)


class WriteOffRepository(AggregateRepository[WriteOff]):
    table = write_offs
    noun = "Write-off"

    def not_found(self, aggregate_id: str) -> WriteOffNotFound:
        return WriteOffNotFound(aggregate_id)

    async def add(self, write_off: WriteOff) -> None:
        self.track_new(write_off)

    async def _read(self, aggregate_id: str, lock: bool) -> WriteOff | None:
        row = await self._row(LOCKED_BY_ID if lock else BY_ID, id=aggregate_id)
        if row is None:
            return None
        entries = entries_of(
            await self._rows(OF_ENTRIES, entry_ids=[approval_entry_id(aggregate_id)])
        )
        return WriteOff(
            tenant_id=self.tenant_id,
            **{**row, "status": WriteOffStatus(row["status"])},
            journal=tuple(entries.values()),
        )

    def _stored_form(self, write_off: WriteOff) -> tuple[Any, ...]:
        return (*(getattr(write_off, name) for name in WRITTEN), len(write_off.journal))

    async def _save(self, write_off: WriteOff, before: Any) -> None:
        if before is None:
            row = await self._row(
                ADD,
                id=write_off.id,
                invoice_id=write_off.invoice_id,
                customer_id=write_off.customer_id,
                amount=write_off.amount,
                reason=write_off.reason,
                status=write_off.status.value,
                proposed_by=write_off.proposed_by,
                proposed_at=write_off.proposed_at,
                approved_by=write_off.approved_by,
                approved_at=write_off.approved_at,
                version=1,
            )
            written = 0
        else:
            row = await self._row(
                SAVE,
                status=write_off.status.value,
                approved_by=write_off.approved_by,
                approved_at=write_off.approved_at,
                key_id=write_off.id,
                key_version=write_off.version,
            )
            written = before[-1]
        if row is None:
            raise self.stale(write_off.id, write_off.version)
        take_written(write_off, row)
        rows = journal_rows(
            write_off.journal[written:], write_off.customer_id, write_off.invoice_id
        )
        if rows:
            await self._run(APPEND, **appended(rows))
