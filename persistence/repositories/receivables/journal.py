"""The journal read as balances: each account's debits and credits up to a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select

from domain.receivables.ledger import AccountBalance
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.tables import journal_lines

JOURNAL = journal_lines.c
BALANCES = (
    select(
        JOURNAL.account,
        func.min(JOURNAL.account_name).label("account_name"),
        func.sum(JOURNAL.debit).label("debit"),
        func.sum(JOURNAL.credit).label("credit"),
    )
    .where(of_tenant(journal_lines), JOURNAL.posted_on <= bindparam("as_of"))
    .group_by(JOURNAL.account)
    .order_by(JOURNAL.account)
)


class JournalRepository(TenantRepository):
    table = journal_lines

    async def balances(self, as_of: date) -> list[AccountBalance]:
        return [AccountBalance(**row) for row in await self._rows(BALANCES, as_of=as_of)]
