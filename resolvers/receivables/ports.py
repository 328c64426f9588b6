"""What the receivables use cases ask of their repositories: the port's AR side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts, LocationAccounts
from domain.receivables.aging import AgingRow
from domain.receivables.invoice import Invoice
from domain.receivables.ledger import AccountBalance
from domain.receivables.payment import Payment, PaymentStatus
from domain.receivables.search import InvoiceFilter
from domain.receivables.statement import Movement
from resolvers.changes import Changeable


class InvoiceStore(Changeable[Invoice], Protocol):
    async def search(self, where: InvoiceFilter, request: PageRequest) -> list[Invoice]:
        """One page, newest first, and one invoice more if another page follows."""
        ...

    async def count(self, where: InvoiceFilter) -> int: ...

    async def of_service_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices the orders were billed on, by order id (to read only)."""
        ...

    async def of_sales_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices billing the sales orders, by order id (to read only)."""
        ...

    async def of_renewal(self, contract_id: str, period_start: date) -> Invoice | None:
        """The invoice billing the contract's period starting on `period_start`."""
        ...

    async def add(self, invoice: Invoice) -> None:
        """Store a new invoice and track it; a second invoice of one order (service or
        sales), or of one contract's period, is refused."""
        ...

    async def by_ids(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices of these ids the tenant has, by id (to read only)."""
        ...

    async def locked(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices of these ids (those the tenant has), to take or give back money:
        tracked, held until commit, the ones this unit already holds as it holds them;
        the others may come without their lines and journal (such a change needs
        neither, and keeps the totals)."""
        ...

    async def current_numbered(
        self, invoice_ids: Sequence[str], series: str, count: int, width: int
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod], dict[str, Invoice]]:
        """The next `count` ids of `series` with the chart of accounts and the closed
        periods (as `NamingSeries.next_ids_with_books` gives them), and the invoices of
        these ids as `locked` gives them but not held, at once: for a payment written
        alone (`PaymentStore.received_alone`), which checks their versions."""
        ...

    async def open_of_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        """Each customer's invoices with money owed, to change (as `locked`)."""
        ...


class InvoiceNumbers(Protocol):
    async def take(self, year: int) -> int:
        """The next number of the tenant's series for `year`, inside the unit's
        transaction: the series' row stays locked until commit, and a rollback gives
        the number back, so the series has no gap."""
        ...


class ChartStore(Protocol):
    async def chart(self) -> ChartOfAccounts:
        """The tenant's chart of accounts (its own accounts over the defaults)."""
        ...

    async def put(self, role: AccountRole, account: Account) -> None:
        """Post `role` to `account` from now on."""
        ...

    async def at_location(self, location_id: str) -> LocationAccounts:
        """The location's own accounts, and the roles any location has its own for."""
        ...

    async def put_at_location(self, location_id: str, role: AccountRole, account: Account) -> None:
        """Post `role` at the location to `account` from now on."""
        ...


class JournalStore(Protocol):
    async def balances(self, as_of: date) -> list[AccountBalance]:
        """Each account's debits and credits posted on or before `as_of`, by account."""
        ...


class PaymentStore(Changeable[Payment], Protocol):
    async def add(self, payment: Payment) -> None: ...

    async def received_alone(self, payment: Payment) -> bool:
        """In a unit that opens no transaction: write the payment just `add`ed, its
        invoices' money moves (read with `InvoiceStore.current_numbered`) and its events at once,
        if those invoices are still at the versions read; whether they were (nothing is
        written otherwise)."""
        ...

    async def by_ids(self, payment_ids: Sequence[str]) -> dict[str, Payment]:
        """The payments of these ids the tenant has, by id (to read only)."""
        ...

    async def applied_to(self, invoice_id: str) -> list[str]:
        """The ids of the payments (not reversed) with money applied to the invoice."""
        ...

    async def allocations_to(
        self, invoice_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, Decimal, Any, PaymentStatus]]]:
        """Per invoice id: (payment id, amount, applied on, payment status) of each
        allocation made to it, reversed payments' included."""
        ...

    async def search(
        self, customer_id: str | None, unapplied_only: bool, request: PageRequest
    ) -> list[Payment]:
        """One page, newest first, and one payment more if another page follows."""
        ...

    async def count(self, customer_id: str | None, unapplied_only: bool) -> int: ...

    async def lines_of_statement(self, statement_id: str) -> set[int]:
        """The lines of a bank statement that already made a payment."""
        ...


class ReceivablesReportStore(Protocol):
    async def aging_rows(self, account: str, as_of: date) -> list[AgingRow]:
        """Per customer, the balance of `account` up to `as_of` by aging column."""
        ...

    async def aging_total(self, account: str, as_of: date) -> AgingRow:
        """`aging_rows` summed over every customer."""
        ...

    async def balance_before(self, account: str, customer_id: str, from_date: date) -> Decimal: ...

    async def movements(
        self, account: str, customer_id: str, from_date: date, to_date: date
    ) -> list[Movement]:
        """The customer's entries on `account` in the period, in posting order."""
        ...

    async def balances(
        self, account: str, customer_ids: Sequence[str], as_of: date
    ) -> dict[str, Decimal]:
        """Each customer's balance of `account` (customers with no line left out)."""
        ...


class ReceivablesWork(Protocol):
    @property
    def invoices(self) -> InvoiceStore: ...

    @property
    def invoice_numbers(self) -> InvoiceNumbers: ...

    @property
    def chart_of_accounts(self) -> ChartStore: ...

    @property
    def journal(self) -> JournalStore: ...

    @property
    def payments(self) -> PaymentStore: ...

    @property
    def receivables_reports(self) -> ReceivablesReportStore: ...
