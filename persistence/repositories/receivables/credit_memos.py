"""Credit memos: issued once and never changed, with their journal entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select

from domain.receivables.credit_memo import CreditMemo, CreditMemoNotFound, issue_entry_id
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import of_tenant, take_written
from persistence.repositories.receivables.documents import (
    APPEND,
    OF_ENTRIES,
    appended,
    entries_of,
    journal_rows,
)
from persistence.tables import credit_memos

ROW = credit_memos.c
COLUMNS = [c for c in credit_memos.c if c.name not in {"tenant_id", "created_at", "updated_at"}]
BY_ID = select(*COLUMNS).where(of_tenant(credit_memos), ROW.id == bindparam("id"))
ADD = insert(credit_memos).returning(ROW.version)


class CreditMemoRepository(AggregateRepository[CreditMemo]):
    table = credit_memos
    noun = "Credit memo"

    def not_found(self, aggregate_id: str) -> CreditMemoNotFound:
        return CreditMemoNotFound(aggregate_id)

    async def add(self, memo: CreditMemo) -> None:
        self.track_new(memo)

    async def _read(self, aggregate_id: str, lock: bool) -> CreditMemo | None:
        row = await self._row(BY_ID, id=aggregate_id)
        if row is None:
            return None
        entries = entries_of(await self._rows(OF_ENTRIES, entry_ids=[issue_entry_id(aggregate_id)]))
        return CreditMemo(tenant_id=self.tenant_id, **row, journal=tuple(entries.values()))

    def _stored_form(self, memo: CreditMemo) -> int:
        return len(memo.journal)

    async def _save(self, memo: CreditMemo, before: Any) -> None:
        if before is not None:
            raise self.stale(memo.id, memo.version)
        row = await self._row(
            ADD,
            id=memo.id,
            customer_id=memo.customer_id,
            invoice_id=memo.invoice_id,
            amount=memo.amount,
            currency=memo.currency,
            reason=memo.reason,
            issued_by=memo.issued_by,
            issued_at=memo.issued_at,
            claim_id=memo.claim_id,
            version=1,
        )
        take_written(memo, row)
        await self._run(
            APPEND, **appended(journal_rows(memo.journal, memo.customer_id, memo.invoice_id))
        )
