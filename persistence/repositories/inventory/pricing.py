"""Customers' prices and the tenant's tier discounts.

A customer's price list is read in two statements at most (its header, then its lines
with their parts' SKU and list price) and saved as a version-checked header plus the
lines that differ: removed or changed lines are deleted, new or changed ones inserted.
A customer who never had a list reads as an empty one at version 0 (inserted at its
first change: of two first updates racing, the second finds the header taken and is
VERSION_CONFLICT).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from domain.customers import CustomerNotFound
from domain.errors import DomainError
from domain.inventory.pricing import CustomerPrice, CustomerPriceList
from domain.inventory.tiers import CustomerTier, TierDiscount, tier_discount_conflict
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    TenantRepository,
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.tables import (
    customer_price_lists,
    customer_prices,
    customers,
    parts,
    tier_discounts,
)

HEADER, LINE, PART = customer_price_lists.c, customer_prices.c, parts.c
HEADER_COLUMNS = [
    HEADER.customer_id.label("id"),
    HEADER.version,
    HEADER.created_at,
    HEADER.updated_at,
]
LINE_COLUMNS = [
    LINE.customer_id,
    LINE.product_id,
    PART.sku,
    PART.unit_price.label("list_price"),
    LINE.customer_price,
    LINE.discount_percentage,
]
LINES_WITH_PART = customer_prices.join(
    parts, and_(PART.tenant_id == LINE.tenant_id, PART.id == LINE.product_id)
)
HEADERS_OF_CUSTOMERS = select(*HEADER_COLUMNS).where(
    of_tenant(customer_price_lists), one_of_param(HEADER.customer_id, "customer_ids")
)
LINES_OF_CUSTOMERS = (
    select(*LINE_COLUMNS)
    .select_from(LINES_WITH_PART)
    .where(of_tenant(customer_prices), one_of_param(LINE.customer_id, "customer_ids"))
    .order_by(LINE.customer_id, PART.sku)
)
CUSTOMER_EXISTS = select(customers.c.id).where(
    of_tenant(customers), customers.c.id == bindparam("id")
)
ADD_HEADER = (
    upsert(customer_price_lists)
    .on_conflict_do_nothing(index_elements=[HEADER.tenant_id, HEADER.customer_id])
    .returning(HEADER.version, HEADER.created_at, HEADER.updated_at)
)
SAVE_HEADER = versioned_update(
    customer_price_lists, [], HEADER.customer_id == bindparam("key_customer_id")
).returning(HEADER.version, HEADER.updated_at)
DROP_LINES = delete(customer_prices).where(
    of_tenant(customer_prices),
    LINE.customer_id == bindparam("customer_id"),
    one_of_param(LINE.product_id, "product_ids"),
)
ADD_LINE = insert(customer_prices)

DISCOUNT_COLUMNS = [
    tier_discounts.c.tier,
    tier_discounts.c.discount_percent,
    tier_discounts.c.version,
    tier_discounts.c.created_at,
    tier_discounts.c.updated_at,
]
ALL_DISCOUNTS = select(*DISCOUNT_COLUMNS).where(of_tenant(tier_discounts))
ADD_DISCOUNT = (
    upsert(tier_discounts)
    .on_conflict_do_nothing(index_elements=[tier_discounts.c.tenant_id, tier_discounts.c.tier])
    .returning(*DISCOUNT_COLUMNS)
)
SAVE_DISCOUNT = versioned_update(
    tier_discounts, ["discount_percent"], tier_discounts.c.tier == bindparam("key_tier")
).returning(*DISCOUNT_COLUMNS)


def _line(row: Mapping[str, Any]) -> CustomerPrice:
    return CustomerPrice(
        row["product_id"],
        row["sku"],
        row["list_price"],
        row["customer_price"],
        row["discount_percentage"],
    )


def _stored_lines(price_list: CustomerPriceList) -> dict[str, tuple[Any, Any]]:
    return {
        p.product_id: (p.customer_price, p.discount_percentage) for p in price_list.prices.values()
    }


class CustomerPriceListRepository(AggregateRepository[CustomerPriceList]):
    """Price lists by customer id; None only for a customer this tenant has not."""

    table = customer_price_lists
    noun = "Customer price list"

    async def _read(self, customer_id: str, lock: bool) -> CustomerPriceList | None:
        found = await self.of_customers([customer_id])
        if customer_id in found:
            return found[customer_id]
        if await self._value(CUSTOMER_EXISTS, id=customer_id) is None:
            return None
        return self.track_new(CustomerPriceList(customer_id))

    def not_found(self, customer_id: str) -> DomainError:
        return CustomerNotFound(f"Customer '{customer_id}' was not found.", field="customerId")

    async def of_customers(self, customer_ids: Sequence[str]) -> dict[str, CustomerPriceList]:
        """The stored price lists of these customers (none for one who never had one),
        in two statements however many customers."""
        keys = list(customer_ids)
        lists = {
            row["id"]: CustomerPriceList(**row)
            for row in await self._rows(HEADERS_OF_CUSTOMERS, customer_ids=keys)
        }
        if lists:
            for row in await self._rows(LINES_OF_CUSTOMERS, customer_ids=list(lists)):
                lists[row["customer_id"]].prices[row["product_id"]] = _line(row)
        return lists

    def _stored_form(self, price_list: CustomerPriceList) -> dict[str, tuple[Any, Any]]:
        return _stored_lines(price_list)

    async def _save(
        self, price_list: CustomerPriceList, before: dict[str, tuple[Any, Any]] | None
    ) -> None:
        customer = {"customer_id": price_list.id}
        if before is None:
            row = await self._row(ADD_HEADER, **customer, version=1)
        else:
            row = await self._row(
                SAVE_HEADER, key_customer_id=price_list.id, key_version=price_list.version
            )
        if row is None:
            raise self.stale(price_list.id, price_list.version)
        take_written(price_list, row)
        old, new = before or {}, _stored_lines(price_list)
        gone = [product for product, line in old.items() if new.get(product) != line]
        if gone:
            await self._run(DROP_LINES, **customer, product_ids=gone)
        added = [
            {**customer, "product_id": product, "customer_price": p, "discount_percentage": d}
            for product, (p, d) in new.items()
            if old.get(product) != (p, d)
        ]
        if added:
            await self._run_many(ADD_LINE, added)


def _discount(row: Mapping[str, Any]) -> TierDiscount:
    return TierDiscount(**row)


class TierDiscountRepository(TenantRepository):
    table = tier_discounts

    async def stored(self) -> list[TierDiscount]:
        """The discounts this tenant set (tiers it set none of are not in it)."""
        return [_discount(row) for row in await self._rows(ALL_DISCOUNTS)]

    async def put(self, discount: TierDiscount, version: int | None) -> TierDiscount:
        """Create the tier's discount (`version` None), or replace it if still at
        `version`; else VERSION_CONFLICT."""
        values = {"discount_percent": discount.discount_percent}
        if version is None:
            row = await self._row(ADD_DISCOUNT, tier=discount.tier.value, **values)
        else:
            row = await self._row(
                SAVE_DISCOUNT, key_tier=discount.tier.value, key_version=version, **values
            )
        if row is None:
            raise tier_discount_conflict(CustomerTier(discount.tier), version)
        return _discount(row)
