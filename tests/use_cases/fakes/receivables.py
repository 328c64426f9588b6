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
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from domain.customers import CustomerNotFound
from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts, LocationAccounts
from domain.receivables.credit_control import CreditStanding
from domain.receivables.credit_memo import CreditMemo, CreditMemoNotFound
from domain.receivables.dunning import DunningLevel, DunningRun, PastDue
from domain.receivables.invoice import OPEN_STATUSES, Invoice, InvoiceNotFound
from domain.receivables.ledger import ZERO, AccountBalance
from domain.receivables.search import InvoiceFilter
from domain.receivables.write_off import WriteOff, WriteOffNotFound
from tests.use_cases.fakes.memory import Aggregates, DuplicateKey, Repository, Table, page_of
from tests.use_cases.fakes.payments import InMemoryPayments, InMemoryReceivablesReports

D = TypeVar("D", WriteOff, CreditMemo)


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

    async def of_sales_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        wanted = set(order_ids)
        return {
            row["sales_order_id"]: _invoice(row)
            for row in self._work.rows(self.table)
            if row["sales_order_id"] in wanted
        }

    async def of_renewal(self, contract_id: str, period_start: date) -> Invoice | None:
        for row in self._work.rows(self.table):
            if (row["contract_id"], row["billing_period_start"]) == (contract_id, period_start):
                return _invoice(row)
        return None

    async def by_ids(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        rows = (self._work.read(self.table, i) for i in dict.fromkeys(invoice_ids))
        return {row["id"]: _invoice(row) for row in rows if row is not None}

    async def locked(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        rows = (self._work.read(self.table, i) for i in sorted(set(invoice_ids)))
        return {row["id"]: self._held(row) for row in rows if row is not None}

    async def current_numbered(
        self, invoice_ids: Sequence[str], series: str, count: int, width: int
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod], dict[str, Invoice]]:
        ids, chart, closed = await self._work.naming.next_ids_with_books(series, count, width)
        return ids, chart, closed, await self.locked(invoice_ids)

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
        """The unique indexes: one invoice per service order, per sales order and per
        contract's period."""
        for key in _sources(aggregate):
            if any(
                key in _sources(_invoice(row)) and row["id"] != aggregate.id
                for row in self._work.rows(self.table)
            ):
                raise DuplicateKey(f"{key} has an invoice")

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


def _sources(invoice: Invoice) -> set[tuple[object, ...]]:
    return {
        key
        for key in (
            ("service order", invoice.service_order_id),
            ("sales order", invoice.sales_order_id),
            ("contract", invoice.contract_id, invoice.billing_period_start),
        )
        if key[1] is not None
    }


def _invoice(row: dict[str, Any]) -> Invoice:
    return Invoice(**row)


class InMemoryInvoiceNumbers(Table[int]):
    table = "invoice_number_series"

    async def take(self, year: int) -> int:
        taken = (self._work.read(self.table, year) or 0) + 1
        self._work.write(self.table, year, taken)
        return taken


LOCATION_TABLE = "location_gl_accounts"


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

    async def at_location(self, location_id: str) -> LocationAccounts:
        rows = self._work.rows(LOCATION_TABLE)
        own = {role: account for location, role, account in rows if location == location_id}
        return LocationAccounts(location_id, own, frozenset(role for _, role, _ in rows))

    async def put_at_location(self, location_id: str, role: AccountRole, account: Account) -> None:
        self._work.write(LOCATION_TABLE, (location_id, role), (location_id, role, account))


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


class InMemoryCreditStandings(Aggregates[CreditStanding]):
    """A customer's block beside the customer's row (the real one is on that row)."""

    table = "credit_standings"
    noun = "Customer"
    kind = CreditStanding
    UNBLOCKED: ClassVar[dict[str, Any]] = {
        "block_reason": None,
        "blocked_at": None,
        "blocked_by": None,
        "unblock_reason": None,
        "unblocked_at": None,
        "unblocked_by": None,
        "version": 1,
    }

    def not_found(self, aggregate_id: str) -> CustomerNotFound:
        return CustomerNotFound(f"Customer '{aggregate_id}' was not found.", field="customerId")

    async def get(self, aggregate_id: str, *, lock: bool = False) -> CreditStanding | None:
        customer = self._work.read("customers", aggregate_id)
        if customer is None:
            return None
        row = self._work.read(self.table, aggregate_id) or self.UNBLOCKED
        return self.track(
            CreditStanding(
                id=aggregate_id,
                tenant_id=self._work.tenant_id,
                credit_limit=customer["credit_limit"],
                **row,
            )
        )

    async def held(self, customer_id: str) -> CreditStanding | None:
        return await self.get(customer_id)

    async def limited(self) -> list[str]:
        found = [await self.get(row["id"]) for row in self._work.rows("customers")]
        return sorted(s.id for s in found if s and s.credit_limit is not None and not s.blocked)

    async def get_many(self, customer_ids: Sequence[str]) -> dict[str, CreditStanding]:
        found = [await self.get(i) for i in customer_ids]
        return {standing.id: standing for standing in found if standing is not None}

    def _save(self, aggregate: CreditStanding) -> None:
        stored = self._work.read(self.table, aggregate.id) or self.UNBLOCKED
        if stored["version"] != aggregate.version:
            raise self.stale(aggregate.id, aggregate.version)
        aggregate.version += 1
        self._work.write(
            self.table,
            aggregate.id,
            {
                **{name: getattr(aggregate, name) for name in self.UNBLOCKED if name != "version"},
                "version": aggregate.version,
            },
        )


class _Documents(Aggregates[D]):
    """Credit documents: stored as the mapping of their fields, with their version."""

    def _write(self, aggregate: D, *, version: int, created_at: Any) -> None:
        self._work.write(
            self.table, aggregate.id, {**self._stored_form(aggregate), "version": version}
        )
        aggregate.version = version

    def _save(self, aggregate: D) -> None:
        stored = self._work.read(self.table, aggregate.id)
        if stored is None or stored["version"] != aggregate.version:
            raise self.stale(aggregate.id, aggregate.version)
        self._write(aggregate, version=aggregate.version + 1, created_at=None)


class InMemoryWriteOffs(_Documents[WriteOff]):
    table = "write_offs"
    noun = "Write-off"
    kind = WriteOff

    def not_found(self, aggregate_id: str) -> WriteOffNotFound:
        return WriteOffNotFound(aggregate_id)


class InMemoryCreditMemos(_Documents[CreditMemo]):
    table = "credit_memos"
    noun = "Credit memo"
    kind = CreditMemo

    def not_found(self, aggregate_id: str) -> CreditMemoNotFound:
        return CreditMemoNotFound(aggregate_id)


class InMemoryDunningSetup(Table[DunningLevel]):
    table = "dunning_levels"

    async def levels(self) -> list[DunningLevel]:
        return list(self._work.read(self.table, "levels") or ())

    async def replace_levels(self, levels: tuple[DunningLevel, ...]) -> None:
        self._work.write(self.table, "levels", levels)

    async def past_due(self, as_of: date) -> list[PastDue]:
        found: dict[str, PastDue] = {}
        for row in self._work.rows("invoices"):
            invoice = _invoice(row)
            if not invoice.is_overdue(as_of) or invoice.due_date is None:
                continue
            known = found.get(invoice.customer_id)
            found[invoice.customer_id] = PastDue(
                invoice.customer_id,
                invoice.open_balance + (known.amount if known else ZERO),
                min(invoice.due_date, known.oldest_due_date if known else invoice.due_date),
            )
        return [found[c] for c in sorted(found)]


class InMemoryDunningRuns(Aggregates[DunningRun]):
    table = "dunning_notices"
    noun = "Dunning run"
    kind = DunningRun

    async def add(self, aggregate: DunningRun) -> None:
        self.track(aggregate)

    async def claim(
        self, run_id: str, customer_id: str, as_of: date, level: str, amount: Decimal
    ) -> bool:
        if self._work.read(self.table, (customer_id, as_of)) is not None:
            return False
        self._work.write(self.table, (customer_id, as_of), (run_id, level, amount))
        return True

    def _save(self, aggregate: DunningRun) -> None:
        """Each notice was stored as it was claimed."""


class ReceivablesWork:
    invoices = Repository(InMemoryInvoices)
    invoice_numbers = Repository(InMemoryInvoiceNumbers)
    chart_of_accounts = Repository(InMemoryChart)
    journal = Repository(InMemoryJournal)
    credit_standings = Repository(InMemoryCreditStandings)
    write_offs = Repository(InMemoryWriteOffs)
    credit_memos = Repository(InMemoryCreditMemos)
    dunning = Repository(InMemoryDunningSetup)
    dunning_runs = Repository(InMemoryDunningRuns)
    payments = Repository(InMemoryPayments)
    receivables_reports = Repository(InMemoryReceivablesReports)
