"""The ledger invariant a client can check after every receivables scenario: every
journal entry balances, and the balance of account 1200 is what open invoices owe less
the credits on account."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import journal_lines
from tests.conftest import Api

BALANCES = "{ trialBalance { accounts { account balance } totalDebit totalCredit } }"
OPEN = """query($page: Int) { invoices(pageIndex: $page, pageSize: 100) {
  items { openBalance } hasNextPage } }"""


async def receivables_balance(api: Api) -> Decimal:
    report = (await api.data(BALANCES))["trialBalance"]
    assert report["totalDebit"] == report["totalCredit"]
    return sum(
        (Decimal(a["balance"]) for a in report["accounts"] if a["account"] == "1200"),
        Decimal("0.00"),
    )


async def open_invoice_balances(api: Api) -> Decimal:
    total, page = Decimal("0.00"), 0
    while True:
        found = (await api.data(OPEN, {"page": page}))["invoices"]
        total += sum((Decimal(i["openBalance"]) for i in found["items"]), Decimal("0.00"))
        if not found["hasNextPage"]:
            return total
        page += 1


async def unbalanced_entries(engine: AsyncEngine, tenant: str) -> list[str]:
    line = journal_lines.c
    query = (
        select(line.entry_id)
        .where(line.tenant_id == tenant)
        .group_by(line.entry_id)
        .having(func.sum(line.debit) != func.sum(line.credit))
    )
    async with engine.connect() as connection:
        return list((await connection.execute(query)).scalars())


async def assert_ledger_holds(
    api: Api, engine: AsyncEngine, credits_on_account: Decimal = Decimal("0.00")
) -> None:
    """Every entry balances; 1200 = open invoice balances - credits on account."""
    assert await unbalanced_entries(engine, api.tenant) == []
    assert await receivables_balance(api) == await open_invoice_balances(api) - credits_on_account
