"""Reading a customer's view of inventory: stocked pairs with their parts, the customer's
price lines of a page's parts, and what the matching stock is worth in price groups.

Everything is read at the request, from the tables the stock commands write in their
transaction, so the view is as live as `stockLevels`. A page costs two statements
however many items it shows: the pairs (in SKU order, each level found by its primary
key from the part), then the customer's lines of those parts. The value is one
aggregate over the matching pairs, grouped by what decides their price (a price line
of the customer, else the list price), so the one pricing rule (domain/inventory/
pricing.py) prices a handful of groups instead of every pair, and nothing prices in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select

from domain.inventory.customer_view import InventoryViewFilter, StockedPart, ValueGroup
from domain.inventory.pricing import CustomerPrice
from domain.paging import PageRequest
from persistence.repositories.base import TenantRepository, contains, of_tenant, one_of_param
from persistence.tables import customer_prices, parts, stock_levels

LEVEL, PART, LINE = stock_levels.c, parts.c, customer_prices.c
STOCKED_PARTS = stock_levels.join(
    parts, and_(PART.tenant_id == LEVEL.tenant_id, PART.id == LEVEL.product_id)
)
STOCKED_COLUMNS = [
    LEVEL.product_id,
    PART.sku,
    func.coalesce(PART.description, PART.name).label("description"),
    LEVEL.location_id,
    LEVEL.on_hand,
    LEVEL.reserved,
    LEVEL.lead_time_days,
    PART.unit_price.label("list_price"),
]
THE_CUSTOMERS_LINE = and_(
    LINE.tenant_id == LEVEL.tenant_id,
    LINE.customer_id == bindparam("customer_id"),
    LINE.product_id == LEVEL.product_id,
)
LINES_OF_PARTS = (
    select(
        LINE.product_id,
        PART.sku,
        PART.unit_price.label("list_price"),
        LINE.customer_price,
        LINE.discount_percentage,
    )
    .select_from(
        customer_prices.join(
            parts, and_(PART.tenant_id == LINE.tenant_id, PART.id == LINE.product_id)
        )
    )
    .where(
        of_tenant(customer_prices),
        LINE.customer_id == bindparam("customer_id"),
        one_of_param(LINE.product_id, "product_ids"),
    )
)


def _matching(wanted: InventoryViewFilter) -> list[ColumnElement[bool]]:
    where = [of_tenant(stock_levels)]
    if wanted.location_id is not None:
        where.append(LEVEL.location_id == wanted.location_id)
    if wanted.search is not None:
        where.append(contains(PART.search_text, wanted.search))
    return where


def _stocked(wanted: InventoryViewFilter) -> Select:
    return (
        select(*STOCKED_COLUMNS)
        .select_from(STOCKED_PARTS)
        .where(*_matching(wanted))
        .order_by(PART.sku, LEVEL.location_id)
    )


def _value_groups(wanted: InventoryViewFilter) -> Select:
    """Available stock per price group: the customer's line of a part (one part: its SKU
    is the group's), or, for parts without one, their list price alone."""
    group = [LINE.product_id, PART.unit_price, LINE.customer_price, LINE.discount_percentage]
    return (
        select(
            LINE.product_id,
            func.min(PART.sku).label("sku"),
            PART.unit_price.label("list_price"),
            LINE.customer_price,
            LINE.discount_percentage,
            func.sum(LEVEL.on_hand - LEVEL.reserved).label("available"),
        )
        .select_from(STOCKED_PARTS.outerjoin(customer_prices, THE_CUSTOMERS_LINE))
        .where(*_matching(wanted))
        .group_by(*group)
    )


def _line(row: Mapping[str, Any]) -> CustomerPrice:
    return CustomerPrice(
        row["product_id"],
        row["sku"],
        row["list_price"],
        row["customer_price"],
        row["discount_percentage"],
    )


class CustomerInventory(TenantRepository):
    """Stocked pairs as a customer's view reads them, and that customer's price lines."""

    table = stock_levels

    async def stocked(self, wanted: InventoryViewFilter, request: PageRequest) -> list[StockedPart]:
        """One page in SKU then location order, and one pair more if another page follows."""
        rows = await self._page_rows(_stocked(wanted), request)
        return [StockedPart(**row) for row in rows]

    async def count(self, wanted: InventoryViewFilter) -> int:
        return await self._count(_stocked(wanted))

    async def price_lines(
        self, customer_id: str, product_ids: Sequence[str]
    ) -> dict[str, CustomerPrice]:
        """The customer's specific price or discount of each of these parts that has one."""
        rows = await self._rows(
            LINES_OF_PARTS, customer_id=customer_id, product_ids=list(product_ids)
        )
        return {row["product_id"]: _line(row) for row in rows}

    async def value_groups(self, customer_id: str, wanted: InventoryViewFilter) -> list[ValueGroup]:
        rows = await self._rows(_value_groups(wanted), customer_id=customer_id)
        return [
            ValueGroup(
                row["list_price"],
                None if row["product_id"] is None else _line(row),
                row["available"],
            )
            for row in rows
        ]
