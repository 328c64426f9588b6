"""In-memory invoices, invoice number series and chart of accounts: the fake side of
`resolvers/receivables/ports.py`.

An invoice is kept as the mapping of its fields. The number series is a row of the
unit's own writes (as the real counter row is written in the posting transaction), so a
unit that does not commit gives its number back. The chart keeps the tenant's own
accounts by role; the defaults fill the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.paging import PageRequest
from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts
from domain.receivables.invoice import OPEN_STATUSES, Invoice, InvoiceNotFound
from domain.receivables.ledger import ZERO, AccountBalance
from domain.receivables.search import InvoiceFilter
from tests.use_cases.fakes.memory import Aggregates, DuplicateKey, Repository, Table, page_of
from tests.use_cases.fakes.payments import InMemoryPayments, InMemoryReceivablesReports


class InMemoryInvoices(Aggregates[Invoice]):
    table = "invoices"
    noun = "Invoice"
    kind = Invoice

    def not_found(self, aggregate_id: str) -> InvoiceNotFound:
        return InvoiceNotFound(aggregate_id)

    async def get(self, aggregate_id: str, *, lock: bool = False) -> Invoice | None:
        row = self._work.read(self.table, aggregate_id)
        return None if row is None else self.track(_invoice(row))

    async def search(self, where: InvoiceFilter, request: PageRequest) -> list[Invoice]:
        found = sorted(self._matching(where), key=lambda row: (row["created_at"], row["id"]))
        return [_invoice(row) for row in page_of(found[::-1], request)]

    async def count(self, where: InvoiceFilter) -> int:
        return len(self._matching(where))

    async def of_service_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        wanted = set(order_ids)
        return {
            row["service_order_id"]: _invoice(row)
            for row in self._work.rows(self.table)
            if row["service_order_id"] in wanted
        }

    async def by_ids(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        rows = (self._work.read(self.table, i) for i in dict.fromkeys(invoice_ids))
        return {row["id"]: _invoice(row) for row in rows if row is not None}

    async def locked(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        rows = (self._work.read(self.table, i) for i in sorted(set(invoice_ids)))
        return {row["id"]: self._held(row) for row in rows if row is not None}

    async def open_of_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        wanted = set(customer_ids)
        rows = sorted(
            (row for row in self._work.rows(self.table) if row["customer_id"] in wanted),
            key=lambda row: row["id"],
        )
        found: dict[str, list[Invoice]] = {c: [] for c in customer_ids}
        for invoice in (self._held(row) for row in rows):
            if invoice.status in OPEN_STATUSES and invoice.open_balance > 0:
                found[invoice.customer_id].append(invoice)
        return found

    def _held(self, row: dict[str, Any]) -> Invoice:
        """The invoice this unit already tracks (with its changes), else the row's."""
        known = self._tracked.get(row["id"])
        return known[0] if known is not None else self.track(_invoice(row))

    def _check_unique(self, aggregate: Invoice) -> None:
        """The unique index on (tenant, service order): one order, one invoice."""
        order_id = aggregate.service_order_id
        if order_id and any(
            row["service_order_id"] == order_id and row["id"] != aggregate.id
            for row in self._work.rows(self.table)
        ):
            raise DuplicateKey(f"service order {order_id!r} has an invoice")

    def _matching(self, where: InvoiceFilter) -> list[dict[str, Any]]:
        return [
            row
            for row in self._work.rows(self.table)
            if (where.customer_id is None or row["customer_id"] == where.customer_id)
            and (
                where.service_order_id is None or row["service_order_id"] == where.service_order_id
            )
            and (not where.statuses or row["status"] in where.statuses)
            and (where.due_from is None or (row["due_date"] and row["due_date"] >= where.due_from))
            and (where.due_to is None or (row["due_date"] and row["due_date"] <= where.due_to))
            and (where.overdue_on is None or _invoice(row).is_overdue(where.overdue_on))
        ]


def _invoice(row: dict[str, Any]) -> Invoice:
    return Invoice(**row)


class InMemoryInvoiceNumbers(Table[int]):
    table = "invoice_number_series"

    async def take(self, year: int) -> int:
        taken = (self._work.read(self.table, year) or 0) + 1
        self._work.write(self.table, year, taken)
        return taken


class InMemoryChart(Table[ChartOfAccounts]):
    table = "gl_accounts"

    async def chart(self) -> ChartOfAccounts:
        return ChartOfAccounts(
            {
                role: self._work.read(self.table, role)
                for role in AccountRole
                if self._work.read(self.table, role)
            }
        )

    async def put(self, role: AccountRole, account: Account) -> None:
        self._work.write(self.table, role, account)


class InMemoryJournal(Table[Any]):
    """The journal as the invoices' rows hold it (the real one is their journal lines)."""

    table = "invoices"

    async def balances(self, as_of: date) -> list[AccountBalance]:
        totals: dict[str, list[Any]] = {}
        for row in self._work.rows(self.table):
            for entry in row["journal"]:
                if entry.posted_on > as_of:
                    continue
                for line in entry.lines:
                    found = totals.setdefault(line.account, [line.account_name, ZERO, ZERO])
                    found[1] += line.debit
                    found[2] += line.credit
        return [AccountBalance(account, *totals[account]) for account in sorted(totals)]


class ReceivablesWork:
    invoices = Repository(InMemoryInvoices)
    invoice_numbers = Repository(InMemoryInvoiceNumbers)
    chart_of_accounts = Repository(InMemoryChart)
    journal = Repository(InMemoryJournal)
    payments = Repository(InMemoryPayments)
    receivables_reports = Repository(InMemoryReceivablesReports)
