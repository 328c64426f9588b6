"""The ledger invoices post to: the tenant's chart of accounts, a location's own revenue
accounts, and the trial balance."""

from __future__ import annotations

from datetime import date

from domain.locations import LocationNotFound
from domain.receivables.accounts import (
    Account,
    AccountRole,
    ChartOfAccounts,
    LocationAccount,
    accounts_at,
)
from domain.receivables.ledger import TrialBalance
from resolvers.ports import UnitOfWork, UnitOfWorkFactory


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


async def location_accounts(uow: UnitOfWorkFactory, location_id: str) -> list[LocationAccount]:
    """Every role as a posting at the location books it."""
    async with uow() as work:
        await _require_location(work, location_id)
        chart = await work.chart_of_accounts.chart()
        return accounts_at(chart, await work.chart_of_accounts.at_location(location_id))


async def set_location_gl_account(
    uow: UnitOfWorkFactory, location_id: str, role: AccountRole, number: str, name: str
) -> list[LocationAccount]:
    """Post the location's `role` (its revenue) to `account` from now on."""
    async with uow() as work:
        await _require_location(work, location_id)
        account = Account(number, name)
        own = await work.chart_of_accounts.at_location(location_id)
        chart = await work.chart_of_accounts.chart()
        ChartOfAccounts({**chart.overrides, **own.own}).check_location_account(role, account)
        await work.chart_of_accounts.put_at_location(location_id, role, account)
        placed = accounts_at(chart, await work.chart_of_accounts.at_location(location_id))
        await work.commit()
        return placed


async def _require_location(work: UnitOfWork, location_id: str) -> None:
    if location_id not in await work.locations.get_many([location_id]):
        raise LocationNotFound(f"Location '{location_id}' was not found.", field="locationId")
