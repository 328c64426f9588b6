"""The receivables invariant, checked through the API after every AR scenario.

Aging total = balance of 1200 = open invoice balances - unapplied cash and credits on
account; every journal entry balances. The figures come from three places that must
agree: the AR aging (journal lines of 1200 per invoice and customer), the trial balance
(the same journal per account), and the documents (the invoices' open balances, the
payments' unapplied cash). A clerk sees a credit memo on account in the aging's
`unapplied` column, next to unapplied cash: both are lines of 1200 that belong to no
invoice, so that column less the payments' unapplied cash is the credits on account,
which the scenario states. The balances per document the aging reads
(`journal_balances`, kept by a trigger) must also be the journal's sums.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.tables import journal_balances, journal_lines
from tests.conftest import Api

ZERO = Decimal("0.00")
FIGURES = """query($asOf: Date) {
  arAging(asOf: $asOf) { total { total unapplied } }
  trialBalance(asOf: $asOf) { accounts { account balance } totalDebit totalCredit }
}"""
OPEN = """query($page: Int) { invoices(pageIndex: $page, pageSize: 100) {
  items { openBalance status } hasNextPage } }"""
UNAPPLIED = """query($page: Int) { unappliedCash(pageIndex: $page, pageSize: 100) {
  items { unappliedAmount } hasNextPage } }"""


async def _summed(api: Api, query: str, root: str, field: str) -> Decimal:
    total, page = ZERO, 0
    while True:
        found = (await api.data(query, {"page": page}))[root]
        total += sum((Decimal(item[field]) for item in found["items"]), ZERO)
        if not found["hasNextPage"]:
            return total
        page += 1


async def assert_the_ledger_holds(
    api: Api, engine: AsyncEngine, credits_on_account: Decimal = ZERO
) -> Decimal:
    """Aging total = balance of 1200 = open invoices - unapplied cash - credits on
    account (`credits_on_account`: what the scenario issued on account); every entry
    balances. Returns that amount."""
    figures = await api.data(FIGURES)
    aging_total = Decimal(figures["arAging"]["total"]["total"])
    aging_unapplied = Decimal(figures["arAging"]["total"]["unapplied"])
    receivables = sum(
        (
            Decimal(a["balance"])
            for a in figures["trialBalance"]["accounts"]
            if a["account"] == "1200"
        ),
        ZERO,
    )
    open_invoices = await _summed(api, OPEN, "invoices", "openBalance")
    unapplied = await _summed(api, UNAPPLIED, "unappliedCash", "unappliedAmount")
    expected = open_invoices - unapplied - credits_on_account
    assert aging_total == receivables == expected, (
        f"aging {aging_total}, 1200 {receivables}, open {open_invoices}, "
        f"unapplied {unapplied}, on account {credits_on_account}"
    )
    assert aging_unapplied == -(unapplied + credits_on_account), (
        f"aging's unapplied {aging_unapplied}, unapplied cash {unapplied}, "
        f"on account {credits_on_account}"
    )
    assert figures["trialBalance"]["totalDebit"] == figures["trialBalance"]["totalCredit"]
    async with engine.connect() as connection:
        unbalanced = await connection.execute(
            select(journal_lines.c.entry_id)
            .where(journal_lines.c.tenant_id == api.tenant)
            .group_by(journal_lines.c.entry_id)
            .having(func.sum(journal_lines.c.debit) != func.sum(journal_lines.c.credit))
        )
        assert unbalanced.scalars().all() == []
        lines = journal_lines.c
        document = func.coalesce(lines.invoice_id, literal("")).label("document")
        summed = await connection.execute(
            select(lines.account, lines.customer_id, document, func.sum(lines.debit - lines.credit))
            .where(lines.tenant_id == api.tenant)
            .group_by(lines.account, lines.customer_id, document)
        )
        kept = journal_balances.c
        balances = await connection.execute(
            select(kept.account, kept.customer_id, kept.document, kept.balance).where(
                kept.tenant_id == api.tenant
            )
        )
        assert sorted(map(tuple, balances)) == sorted(map(tuple, summed))
    return aging_total
