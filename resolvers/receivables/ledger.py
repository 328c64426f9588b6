"""The ledger invoices post to: the tenant's chart of accounts and the trial balance."""

from __future__ import annotations

from datetime import date

from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts
from domain.receivables.ledger import TrialBalance
from resolvers.ports import UnitOfWorkFactory


async def trial_balance(uow: UnitOfWorkFactory, as_of: date) -> TrialBalance:
    async with uow() as work:
        return TrialBalance(as_of, tuple(await work.journal.balances(as_of)))


async def chart_of_accounts(uow: UnitOfWorkFactory) -> ChartOfAccounts:
    async with uow() as work:
        return await work.chart_of_accounts.chart()


async def set_gl_account(
    uow: UnitOfWorkFactory, role: AccountRole, number: str, name: str
) -> ChartOfAccounts:
    """Post `role` to the account `number` from now on; entries already made stay as they
    were posted (the journal is append-only)."""
    async with uow() as work:
        account = Account(number, name)
        chart = (await work.chart_of_accounts.chart()).with_account(role, account)
        await work.chart_of_accounts.put(role, account)
        await work.commit()
        return chart
