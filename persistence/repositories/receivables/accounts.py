"""The invoice number series and the tenant's chart of accounts.

A location's own accounts (`location_gl_accounts`) are read with the roles any location
books per location, in one statement, for every posting. A payment reads the chart with
the closed periods it must not post in (`BOOKS`) in the statement that takes its number
(persistence/repositories/naming.py).

An invoice number is taken with one upsert on the series' row of the tenant and year,
inside the posting's transaction: the row stays locked until commit (postings of one
tenant and year queue there, as the law's gapless series requires) and a rollback
gives the number back. The readable-id series (`naming.py`) are deliberately the
opposite, taken outside any transaction; invoices cannot have gaps, ids may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, cast, func, null, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert

from domain.finance.periods import FinancialPeriod
from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts, LocationAccounts
from persistence.repositories.base import TenantRepository, of_tenant
from persistence.repositories.finance.periods import PERIOD_COLUMNS
from persistence.tables import (
    financial_periods,
    gl_accounts,
    invoice_number_series,
    location_gl_accounts,
)

SERIES = invoice_number_series.c
_FIRST = pg_insert(invoice_number_series).values(
    tenant_id=bindparam("tenant_id"), year=bindparam("year"), last_number=1
)
TAKE = _FIRST.on_conflict_do_update(
    index_elements=[SERIES.tenant_id, SERIES.year],
    set_={"last_number": SERIES.last_number + 1},
).returning(SERIES.last_number)
PUT = (
    pg_insert(gl_accounts)
    .values(
        tenant_id=bindparam("tenant_id"),
        role=bindparam("role"),
        number=bindparam("number"),
        name=bindparam("name"),
    )
    .on_conflict_do_update(
        index_elements=[gl_accounts.c.tenant_id, gl_accounts.c.role],
        set_={"number": bindparam("number"), "name": bindparam("name")},
    )
)
ACCOUNT_COLUMNS = [gl_accounts.c.role, gl_accounts.c.number, gl_accounts.c.name]
ACCOUNTS = select(*ACCOUNT_COLUMNS).where(of_tenant(gl_accounts))
_BOOKS = union_all(
    select(*ACCOUNT_COLUMNS, *(cast(null(), c.type).label(c.name) for c in PERIOD_COLUMNS)).where(
        of_tenant(gl_accounts)
    ),
    select(*(cast(null(), c.type).label(c.name) for c in ACCOUNT_COLUMNS), *PERIOD_COLUMNS).where(
        of_tenant(financial_periods)
    ),
)
BOOKS = _BOOKS.subquery("books")
"""The chart's accounts (the rows with a role) and the closed periods (the rows with a
period), read together (`books_of_rows`)."""
BOOKS_ORDER = (BOOKS.c.start.desc(), BOOKS.c.period_id)
"""The latest period first."""


def books_of_rows(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[ChartOfAccounts, list[FinancialPeriod]]:
    """The chart and the closed periods of `BOOKS` rows (in `BOOKS_ORDER`); a row with
    neither (the tenant has no account of its own and no closed period) adds nothing."""
    chart: dict[AccountRole, Account] = {}
    closed: list[FinancialPeriod] = []
    for row in rows:
        if row["role"] is not None:
            chart[AccountRole(row["role"])] = Account(row["number"], row["name"])
        elif row["period_id"] is not None:
            closed.append(FinancialPeriod(**{c.name: row[c.name] for c in PERIOD_COLUMNS}))
    return ChartOfAccounts(chart), closed


AT = location_gl_accounts.c
HERE = AT.location_id == bindparam("location_id")
AT_LOCATION = (
    select(
        AT.role,
        func.max(AT.number).filter(HERE).label("number"),
        func.max(AT.name).filter(HERE).label("name"),
    )
    .where(of_tenant(location_gl_accounts))
    .group_by(AT.role)
)
"""One row per role some location books to its own account, with the location's own
account (null when it has none)."""
PUT_AT = (
    pg_insert(location_gl_accounts)
    .values(
        tenant_id=bindparam("tenant_id"),
        location_id=bindparam("location_id"),
        role=bindparam("role"),
        number=bindparam("number"),
        name=bindparam("name"),
    )
    .on_conflict_do_update(
        index_elements=[AT.tenant_id, AT.location_id, AT.role],
        set_={"number": bindparam("number"), "name": bindparam("name")},
    )
)


class InvoiceNumberSeries(TenantRepository):
    table = invoice_number_series

    async def take(self, year: int) -> int:
        return int(await self._value(TAKE, year=year))


class ChartOfAccountsRepository(TenantRepository):
    table = gl_accounts

    async def chart(self) -> ChartOfAccounts:
        rows = await self._rows(ACCOUNTS)
        return ChartOfAccounts(
            {AccountRole(row["role"]): Account(row["number"], row["name"]) for row in rows}
        )

    async def put(self, role: AccountRole, account: Account) -> None:
        await self._run(PUT, role=role.value, number=account.number, name=account.name)

    async def at_location(self, location_id: str) -> LocationAccounts:
        rows = await self._rows(AT_LOCATION, location_id=location_id)
        return LocationAccounts(
            location_id,
            {
                AccountRole(row["role"]): Account(row["number"], row["name"])
                for row in rows
                if row["number"] is not None
            },
            frozenset(AccountRole(row["role"]) for row in rows),
        )

    async def put_at_location(self, location_id: str, role: AccountRole, account: Account) -> None:
        await self._run(
            PUT_AT,
            location_id=location_id,
            role=role.value,
            number=account.number,
            name=account.name,
        )
