"""AR reports from the journal: aging as of a date, a customer's statement, balances."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.customers import CustomerNotFound
from domain.receivables.accounts import AccountRole
from domain.receivables.aging import Aging, AgingRow, aging
from domain.receivables.statement import CustomerStatement, check_period, statement
from resolvers.ports import UnitOfWork, UnitOfWorkFactory

ZERO = Decimal("0.00")


async def ar_aging(uow: UnitOfWorkFactory, as_of: date) -> Aging:
    """Each customer's receivable as of `as_of` by days past due; the total is the
    balance of the receivables account on that date."""
    async with uow() as work:
        account = await _receivables(work)
        return aging(as_of, await work.receivables_reports.aging_rows(account, as_of))


async def ar_aging_total(uow: UnitOfWorkFactory, as_of: date) -> AgingRow:
    """`ar_aging`'s total alone, without reading a row per customer."""
    async with uow() as work:
        account = await _receivables(work)
        return await work.receivables_reports.aging_total(account, as_of)


async def customer_statement(
    uow: UnitOfWorkFactory, customer_id: str, from_date: date, to_date: date
) -> CustomerStatement:
    check_period(from_date, to_date)
    async with uow() as work:
        if customer_id not in await work.customers.get_many([customer_id]):
            raise CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")
        account = await _receivables(work)
        reports = work.receivables_reports
        opening = await reports.balance_before(account, customer_id, from_date)
        movements = await reports.movements(account, customer_id, from_date, to_date)
        return statement(customer_id, from_date, to_date, opening, movements)


async def customer_balances(
    uow: UnitOfWorkFactory, customer_ids: Sequence[str], as_of: date
) -> list[Decimal]:
    """Batch for `Customer.balance`: what each customer owes (less unapplied cash)."""
    async with uow() as work:
        account = await _receivables(work)
        found = await work.receivables_reports.balances(account, customer_ids, as_of)
    return [found.get(i, ZERO) for i in customer_ids]


async def _receivables(work: UnitOfWork) -> str:
    return (await work.chart_of_accounts.chart())[AccountRole.RECEIVABLES].number
