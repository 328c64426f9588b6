"""In-memory sales orders: the fake side of `resolvers/sales/ports.py`.

An order row keeps its lines as a tuple and its fulfilment as a mapping of its fields,
so what a unit changes on a loaded order reaches the row only when it is saved. Locks
are a no-op (one coroutine at a time runs a fake unit of work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.errors import DomainError, VersionConflict
from domain.inventory.reservations import Reservation
from domain.inventory.stock import StockItem, stock_id
from domain.paging import PageRequest
from domain.sales.backorder_report import BackorderGroup
from domain.sales.backorders import (
    Backorder,
    BackorderFilter,
    BackorderNotFound,
    BackorderPriority,
    BackorderStatus,
)
from domain.sales.opportunities import (
    CLOSED,
    Opportunity,
    OpportunityFilter,
    OpportunityNotFound,
)
from domain.sales.order import Fulfillment, SalesOrder, SalesOrderFilter, SalesOrderNotFound
from domain.sales.status import OPEN
from domain.sales.terms import CustomerTerms, OrderCatalog
from tests.use_cases.fakes.memory import Aggregates, Repository, Table, page_of


class InMemorySalesOrders(Aggregates[SalesOrder]):
    table = "sales_orders"
    noun = "Sales order"
    kind = SalesOrder

    def _order(self, row: dict[str, Any]) -> SalesOrder:
        held = row["fulfillment"]
        return SalesOrder(
            **{
                **row,
                "lines": list(row["lines"]),
                "fulfillment": None if held is None else Fulfillment(**held),
            }
        )

    async def get(self, order_id: str, *, lock: bool = False) -> SalesOrder | None:
        row = self._work.read(self.table, order_id)
        return None if row is None else self.track(self._order(row))

    def not_found(self, order_id: str) -> DomainError:
        return SalesOrderNotFound(order_id)

    @staticmethod
    def _stored_form(order: SalesOrder) -> dict[str, Any]:
        form = Aggregates._stored_form(order)
        form["lines"] = tuple(order.lines)
        form["fulfillment"] = None if order.fulfillment is None else asdict(order.fulfillment)
        return form

    def _all(self) -> list[SalesOrder]:
        return [self._order(row) for row in self._work.rows(self.table)]

    async def get_many(self, order_ids: Sequence[str]) -> dict[str, SalesOrder]:
        wanted = set(order_ids)
        return {o.id: o for o in self._all() if o.id in wanted}

    async def by_fulfillment(self, fulfillment_id: str) -> SalesOrder | None:
        return next(
            (o for o in self._all() if o.fulfillment and o.fulfillment.id == fulfillment_id),
            None,
        )

    def _matching(self, wanted: SalesOrderFilter) -> list[SalesOrder]:
        return [
            o
            for o in self._all()
            if (wanted.customer_id is None or o.customer_id == wanted.customer_id)
            and (wanted.status is None or o.status == wanted.status)
        ]

    async def orders(self, wanted: SalesOrderFilter, request: PageRequest) -> list[SalesOrder]:
        newest = sorted(self._matching(wanted), key=lambda o: (o.ordered_at, o.id), reverse=True)
        return page_of(newest, request)

    async def count(self, wanted: SalesOrderFilter) -> int:
        return len(self._matching(wanted))

    async def pages_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter, request: PageRequest
    ) -> dict[str, list[SalesOrder]]:
        return {
            customer_id: await self.orders(replace(wanted, customer_id=customer_id), request)
            for customer_id in customer_ids
        }

    async def counts_of_customers(
        self, customer_ids: Sequence[str], wanted: SalesOrderFilter
    ) -> dict[str, int]:
        return {
            customer_id: await self.count(replace(wanted, customer_id=customer_id))
            for customer_id in customer_ids
        }

    async def hold_customer(self, customer_id: str) -> bool:
        return self._work.read("customers", customer_id) is not None

    async def open_value(self, customer_id: str) -> Decimal:
        return sum(
            (
                o.total_amount
                for o in self._all()
                if o.customer_id == customer_id and o.status in OPEN
            ),
            Decimal(0),
        )

    async def taken_alone(self, order: SalesOrder, terms: CustomerTerms) -> bool:
        """The unit committed at once, as the real statement commits by itself; a
        customer changed, or an item, since they were read makes it write nothing."""
        work: Any = self._work
        customer = await work.customers.get(order.customer_id)
        standing = await work.credit_standings.get(order.customer_id)
        if (customer.version, standing.version, standing.block_reason, customer.credit_limit) != (
            terms.customer.version,
            terms.standing.version,
            None,
            None,
        ):
            return False
        try:
            await self._work.commit()
        except VersionConflict:
            return False
        return True

    async def reservations(self, reservation_ids: Sequence[str]) -> dict[str, Reservation]:
        found = (self._work.read("stock_reservations", i) for i in reservation_ids)
        return {r.id: replace(r) for r in found if r is not None}


class InMemoryBackorders(Aggregates[Backorder]):
    table = "backorders"
    noun = "Backorder"
    kind = Backorder

    def not_found(self, backorder_id: str) -> DomainError:
        return BackorderNotFound(backorder_id)

    def _all(self) -> list[Backorder]:
        return [Backorder(**row) for row in self._work.rows(self.table)]

    async def queue_of_item(self, product_id: str, location_id: str) -> list[Backorder]:
        queue = [
            b
            for b in self._all()
            if (b.product_id, b.location_id) == (product_id, location_id)
            and b.status is BackorderStatus.PENDING
        ]
        return [self.track(b) for b in sorted(queue, key=lambda b: b.queue_key)]

    async def pending_items(
        self, product_id: str | None, location_id: str | None
    ) -> list[tuple[str, str]]:
        return sorted(
            {
                (b.product_id, b.location_id)
                for b in self._all()
                if b.status is BackorderStatus.PENDING
                and product_id in (None, b.product_id)
                and location_id in (None, b.location_id)
            }
        )

    def _matching(self, wanted: BackorderFilter) -> list[Backorder]:
        return [
            b
            for b in self._all()
            if wanted.customer_id in (None, b.customer_id)
            and wanted.product_id in (None, b.product_id)
            and wanted.location_id in (None, b.location_id)
            and wanted.status in (None, b.status)
        ]

    async def backorders(self, wanted: BackorderFilter, request: PageRequest) -> list[Backorder]:
        newest = sorted(self._matching(wanted), key=lambda b: (b.requested_at, b.id), reverse=True)
        return page_of(newest, request)

    async def count(self, wanted: BackorderFilter) -> int:
        return len(self._matching(wanted))

    async def of_orders(self, order_ids: Sequence[str]) -> dict[str, list[Backorder]]:
        newest = sorted(self._all(), key=lambda b: (b.requested_at, b.id), reverse=True)
        return {i: [b for b in newest if b.order_id == i] for i in order_ids}

    async def report_groups(self) -> list[BackorderGroup]:
        groups: dict[tuple[BackorderPriority, BackorderStatus], list[Backorder]] = {}
        for b in self._all():
            groups.setdefault((b.priority, b.status), []).append(b)
        return [
            BackorderGroup(
                priority=priority,
                status=status,
                count=len(found),
                value=sum((b.value for b in found), Decimal(0)),
                seconds_to_fill=sum(
                    (
                        Decimal((b.fulfilled_at - b.requested_at).total_seconds())
                        for b in found
                        if b.fulfilled_at is not None
                    ),
                    Decimal(0),
                ),
            )
            for (priority, status), found in groups.items()
        ]


class InMemoryOpportunities(Aggregates[Opportunity]):
    table = "opportunities"
    noun = "Opportunity"
    kind = Opportunity

    def not_found(self, opportunity_id: str) -> DomainError:
        return OpportunityNotFound(opportunity_id)

    @staticmethod
    def _stored_form(opportunity: Opportunity) -> dict[str, Any]:
        form = Aggregates._stored_form(opportunity)
        form["items"] = tuple(opportunity.items)
        return form

    def _opportunity(self, row: dict[str, Any]) -> Opportunity:
        return Opportunity(**{**row, "items": list(row["items"])})

    async def get(self, opportunity_id: str, *, lock: bool = False) -> Opportunity | None:
        row = self._work.read(self.table, opportunity_id)
        return None if row is None else self.track(self._opportunity(row))

    def _all(self) -> list[Opportunity]:
        return [self._opportunity(row) for row in self._work.rows(self.table)]

    def _matching(self, wanted: OpportunityFilter) -> list[Opportunity]:
        return [
            o
            for o in self._all()
            if wanted.customer_id in (None, o.customer_id) and wanted.stage in (None, o.stage)
        ]

    async def opportunities(
        self, wanted: OpportunityFilter, request: PageRequest
    ) -> list[Opportunity]:
        newest = sorted(self._matching(wanted), key=lambda o: (o.created_at, o.id), reverse=True)
        return page_of(newest, request)

    async def count(self, wanted: OpportunityFilter) -> int:
        return len(self._matching(wanted))

    async def open_ones(self) -> list[Opportunity]:
        return [o for o in self._all() if o.stage not in CLOSED]


class InMemoryOrderTerms(Table[Any]):
    """The real reads' answers, from the other areas' fakes of the same unit (locks and
    the credit's hold are a no-op here)."""

    table = "customers"

    async def terms(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]]
    ) -> tuple[CustomerTerms, OrderCatalog] | None:
        work: Any = self._work
        customer = await work.customers.get(customer_id)
        if customer is None:
            return None
        standing = await work.credit_standings.get(customer_id)
        own = {d.tier: d.discount_percent for d in await work.tier_discounts.stored()}
        terms = CustomerTerms(customer, standing, own.get(customer.tier))
        catalog = await self._catalog(
            customer_id,
            sorted({product for product, _, _ in lines if product is not None}),
            sorted({sku for product, sku, _ in lines if product is None and sku}),
            sorted({location for _, _, location in lines}),
        )
        return terms, catalog

    async def terms_locking_items(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        read = await self.terms(customer_id, lines)
        if read is None:
            return None
        terms, catalog = read
        work: Any = self._work
        pairs = {
            (product or catalog.holders.get(sku or ""), location)
            for product, sku, location in lines
        }
        stocked = [
            (product, location)
            for product, location in pairs
            if product is not None and work.read("stock_levels", stock_id(product, location))
        ]
        return terms, catalog, await work.stock.locked_to_reserve(stocked, now)

    async def terms_with_items(
        self, customer_id: str, lines: Sequence[tuple[str | None, str | None, str]], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        read = await self.terms_locking_items(customer_id, lines, now)
        if read is None:
            return None
        terms, catalog, items = read
        undue = {
            pair: item
            for pair, item in items.items()
            if not any(r.is_due(now) for r in item.reservations)
        }
        return terms, catalog, undue

    async def _catalog(
        self,
        customer_id: str,
        product_ids: Sequence[str],
        skus: Sequence[str],
        location_ids: Sequence[str],
    ) -> OrderCatalog:
        work: Any = self._work
        holders = await work.parts.holders_of_skus(skus)
        parts = await work.parts.get_many([*product_ids, *holders.values()])
        prices = (await work.customer_prices.of_customers([customer_id])).get(customer_id)
        specific = {} if prices is None else prices.prices
        return OrderCatalog(
            parts,
            {part.sku: part.id for part in parts.values()},
            {pid: price for pid, price in specific.items() if pid in parts},
            frozenset(await work.locations.get_many(location_ids)),
        )

    async def hold_credit(self, customer_id: str) -> None:
        return None

    async def credit_in_use(self, customer_id: str) -> Decimal:
        work: Any = self._work
        open_orders = await work.sales_orders.open_value(customer_id)
        return await work.receivables.open_receivable(customer_id) + open_orders


class SalesWork:
    sales_orders = Repository(InMemorySalesOrders)
    backorders = Repository(InMemoryBackorders)
    opportunities = Repository(InMemoryOpportunities)
    order_terms = Repository(InMemoryOrderTerms)
