"""In-memory customer price lists, tier discounts and receivables: the fake side of
`resolvers/inventory/pricing_ports.py`.

A price list row keeps its lines as `{product_id: (customer_price, discount)}`, as the
real lines table holds them; reading one joins the parts for SKU and list price. A
customer who never had a list reads as an empty one at version 0 and is stored when it
changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from domain.catalog import Part
from domain.customers import CustomerNotFound
from domain.errors import DomainError
from domain.inventory.pricing import CustomerPrice, CustomerPriceList
from domain.inventory.tiers import TierDiscount, tier_discount_conflict
from domain.money import to_cents
from domain.receivables.accounts import DEFAULT_ACCOUNTS, AccountRole
from domain.service_orders.status import ServiceOrderStatus
from tests.use_cases.fakes.memory import Aggregates, Records, Repository, Table

CLOSED = (ServiceOrderStatus.BILLED, ServiceOrderStatus.CANCELLED)


class InMemoryCustomerPrices(Aggregates[CustomerPriceList]):
    table = "customer_price_lists"
    noun = "Customer price list"
    kind = CustomerPriceList

    def _list(self, customer_id: str, row: dict[str, Any]) -> CustomerPriceList:
        prices = {}
        for product_id, (price, discount) in row["lines"].items():
            part = Part(**self._work.read("parts", product_id))
            prices[product_id] = CustomerPrice(
                product_id, part.sku, part.unit_price, price, discount
            )
        return CustomerPriceList(
            customer_id, prices, row["version"], row["created_at"], row["updated_at"]
        )

    async def get(self, customer_id: str, *, lock: bool = False) -> CustomerPriceList | None:
        row = self._work.read(self.table, customer_id)
        if row is not None:
            return self.track(self._list(customer_id, row))
        if self._work.read("customers", customer_id) is None:
            return None
        return self.track(CustomerPriceList(customer_id))

    def not_found(self, customer_id: str) -> DomainError:
        return CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")

    async def of_customers(self, customer_ids: Sequence[str]) -> dict[str, CustomerPriceList]:
        return {
            i: self._list(i, row)
            for i in customer_ids
            if (row := self._work.read(self.table, i)) is not None
        }

    @staticmethod
    def _stored_form(price_list: CustomerPriceList) -> dict[str, Any]:
        return {
            "lines": {
                p.product_id: (p.customer_price, p.discount_percentage)
                for p in price_list.prices.values()
            }
        }

    def _save(self, price_list: CustomerPriceList) -> None:
        stored = self._work.read(self.table, price_list.id)
        if (stored["version"] if stored else 0) != price_list.version:
            raise self.stale(price_list.id, price_list.version)
        self._write(
            price_list,
            version=price_list.version + 1,
            created_at=stored["created_at"] if stored else self._work.now(),
        )


class InMemoryTierDiscounts(Records[TierDiscount]):
    """Keyed by tier, as the real table's primary key is."""

    table = "tier_discounts"

    async def stored(self) -> list[TierDiscount]:
        return list(self._work.rows(self.table))

    async def put(self, discount: TierDiscount, version: int | None) -> TierDiscount:
        return self._put(
            discount.tier, discount, version, lambda: tier_discount_conflict(discount.tier, version)
        )


class InMemoryReceivables(Table[Any]):
    """What the customer owes on account (their receivables lines in the invoices'
    journals) and their service orders not yet billed, as the real query sums them."""

    table = "invoices"

    async def open_receivable(self, customer_id: str) -> Decimal:
        receivables = DEFAULT_ACCOUNTS[AccountRole.RECEIVABLES].number
        owed = sum(
            (
                line.debit - line.credit
                for row in self._work.rows(self.table)
                if row["customer_id"] == customer_id
                for entry in row["journal"]
                for line in entry.lines
                if line.account == receivables
            ),
            Decimal(0),
        )
        unbilled = sum(
            (
                to_cents(item.quantity * item.unit_price)
                for row in self._work.rows("service_orders")
                if row["customer_id"] == customer_id and row["status"] not in CLOSED
                for item in row["items"]
            ),
            Decimal(0),
        )
        return owed + unbilled


class CustomerPricingWork:
    customer_prices = Repository(InMemoryCustomerPrices)
    tier_discounts = Repository(InMemoryTierDiscounts)
    receivables = Repository(InMemoryReceivables)
