"""What the receivables use cases ask of their repositories: the port's AR side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from domain.paging import PageRequest
from domain.receivables.accounts import Account, AccountRole, ChartOfAccounts, LocationAccounts
from domain.receivables.invoice import Invoice
from domain.receivables.ledger import AccountBalance
from domain.receivables.search import InvoiceFilter
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


class ReceivablesWork(Protocol):
    @property
    def invoices(self) -> InvoiceStore: ...

    @property
    def invoice_numbers(self) -> InvoiceNumbers: ...

    @property
    def chart_of_accounts(self) -> ChartStore: ...

    @property
    def journal(self) -> JournalStore: ...
