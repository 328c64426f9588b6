"""What the sales-order use cases ask of their repositories: the port's sales side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from domain.inventory.reservations import Reservation
from domain.inventory.stock import StockItem
from domain.paging import PageRequest
from domain.sales.backorder_report import BackorderGroup
from domain.sales.backorders import Backorder, BackorderFilter
from domain.sales.opportunities import Opportunity, OpportunityFilter
from domain.sales.order import SalesOrder, SalesOrderFilter
from domain.sales.terms import CustomerTerms, OrderCatalog
from resolvers.changes import Changeable


class SalesOrderStore(Changeable[SalesOrder], Protocol):
    async def add(self, order: SalesOrder) -> None: ...

    async def get_many(self, order_ids: Sequence[str]) -> dict[str, SalesOrder]:
        """The orders of these ids, by id (to read only)."""
        ...

    async def by_fulfillment(self, fulfillment_id: str) -> SalesOrder | None: ...

    async def orders(self, wanted: SalesOrderFilter, request: PageRequest) -> list[SalesOrder]:
        """One page, newest first, and one more if another page follows."""
        ...

    async def count(self, wanted: SalesOrderFilter) -> int: ...

    async def pages_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter, request: PageRequest
    ) -> dict[str, list[SalesOrder]]:
        """`orders` of each customer (the filter's customer ignored), by customer."""
        ...

    async def counts_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter
    ) -> dict[str, int]: ...

    async def hold_customer(self, customer_id: str) -> bool:
        """Lock the customer until commit (one credit check at a time per customer);
        False if this tenant has no such customer."""
        ...

    async def open_value(self, customer_id: str) -> Decimal:
        """What the customer's orders not yet fulfilled are worth."""
        ...

    async def reservations(self, reservation_ids: Sequence[str]) -> dict[str, Reservation]:
        """The reservations of these ids, in whatever state, by id."""
        ...

    async def taken_alone(self, order: SalesOrder, terms: CustomerTerms) -> bool:
        """In a unit that opens no transaction: write the new order `add`ed, the items
        it reserves from (read with `OrderTermsReader.terms_with_items`) and the events
        of them all at once, if the customer (not blocked, no credit limit) is still as
        in `terms` (the same versions) and every item at the version read; whether they
        were (nothing is written otherwise)."""
        ...


class BackorderStore(Changeable[Backorder], Protocol):
    async def add(self, backorder: Backorder) -> None: ...

    async def queue_of_item(self, product_id: str, location_id: str) -> list[Backorder]:
        """The item's PENDING backorders in the order they are filled (priority, then
        age), tracked."""
        ...

    async def pending_items(
        self, product_id: str | None, location_id: str | None
    ) -> list[tuple[str, str]]:
        """The (product, location) pairs with PENDING backorders, sorted."""
        ...

    async def backorders(self, wanted: BackorderFilter, request: PageRequest) -> list[Backorder]:
        """One page, newest first, and one more if another page follows."""
        ...

    async def count(self, wanted: BackorderFilter) -> int: ...

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Backorder]]:
        """The backorders recorded for each order, newest first."""
        ...

    async def report_groups(self) -> list[BackorderGroup]:
        """Every backorder counted, valued and timed by priority and status."""
        ...


class OpportunityStore(Changeable[Opportunity], Protocol):
    async def add(self, opportunity: Opportunity) -> None: ...

    async def opportunities(
        self, wanted: OpportunityFilter, request: PageRequest
    ) -> list[Opportunity]:
        """One page, newest first, and one more if another page follows."""
        ...

    async def count(self, wanted: OpportunityFilter) -> int: ...

    async def open_ones(self) -> list[Opportunity]:
        """Every opportunity not yet closed, with its items."""
        ...


class OrderTermsReader(Protocol):
    """What taking an order reads before it decides."""

    async def terms(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]]
    ) -> tuple[CustomerTerms, OrderCatalog] | None:
        """The customer, their credit standing and tier discount, their row held until
        commit so no block or limit change passes the order, with the parts the lines
        name (each by its id, else its normalized SKU, at a location) at the customer's
        specific prices and which of their locations exist, in one statement; None if
        this tenant has no such customer."""
        ...

    async def terms_locking_items(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        """`terms`, and the stocked items the lines draw on, locked after the customer's
        row in (product, location) order and tracked, to reserve from at `now` (as
        `StockStore.locked_to_reserve` leaves them), in the same statement. A pair never
        stocked is not among the items."""
        ...

    async def terms_with_items(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        """`terms_locking_items` unlocked, in a unit that opens no transaction (for
        `SalesOrderStore.taken_alone`). An item holding a reservation due by `now` is
        left out, as a pair never stocked is."""
        ...

    async def hold_credit(self, customer_id: str) -> None:
        """Until commit, the customer's other orders wait here for their credit check."""
        ...

    async def credit_in_use(self, customer_id: str) -> Decimal:
        """Their open receivable plus their orders not yet fulfilled (the exposure)."""
        ...


class SalesWork(Protocol):
    @property
    def sales_orders(self) -> SalesOrderStore: ...

    @property
    def backorders(self) -> BackorderStore: ...

    @property
    def opportunities(self) -> OpportunityStore: ...

    @property
    def order_terms(self) -> OrderTermsReader: ...
