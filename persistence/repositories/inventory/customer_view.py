"""Reading a customer's view of inventory: the customer with their tier's discount,
stocked pairs with their parts and the customer's price lines of them, and what the
matching stock is worth in price groups.

Everything is read at the request, from the tables the stock commands write in their
transaction, so the view is as live as `stockLevels`. A page costs two statements
however many items it shows: the customer with the discount the tenant set for their
tier, then the pairs with their parts and the customer's line of each part (an outer
join). The page first picks its pairs' keys from the levels' SKU index (the level's
copy of its part's SKU, migration 0020), skipping earlier pages inside the index, and
only then reads those pairs, their parts and lines: page 100 of 50 costs about what
page 1 does. The value is one aggregate over the matching pairs, grouped by what decides
their price (the list price and the amounts of the customer's line of the part, if
any), so the one rule of what a part costs a customer (domain/inventory/pricing.py)
prices a few hundred groups instead of every pair, and nothing prices in SQL.

Statements are built once per filter shape (location or not, text or not), with the
filter's values as parameters. The compiled read path reads the view with the same
page, count and value statements, as subqueries of its one statement
(persistence/json_reads/inventory_view.py), so both paths select the same items.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import CTE, ColumnElement, FromClause, Select, and_, bindparam, func, select

from domain.inventory.customer_view import InventoryViewFilter, StockedPart, ValueGroup, Viewer
from domain.inventory.tiers import CustomerTier
from domain.paging import PageRequest
from persistence.repositories.base import (
    TenantRepository,
    contains_param,
    of_tenant,
    substring_pattern,
)
from persistence.tables import customer_prices, customers, parts, stock_levels, tier_discounts

LEVEL, PART, LINE = stock_levels.c, parts.c, customer_prices.c
PART_OF_LEVEL = and_(PART.tenant_id == LEVEL.tenant_id, PART.id == LEVEL.product_id)
VIEWER = (
    select(
        customers.c.id.label("customer_id"),
        customers.c.name,
        customers.c.tier,
        tier_discounts.c.discount_percent.label("own_tier_discount"),
    )
    .select_from(
        customers.outerjoin(
            tier_discounts,
            and_(
                tier_discounts.c.tenant_id == customers.c.tenant_id,
                tier_discounts.c.tier == customers.c.tier,
            ),
        )
    )
    .where(of_tenant(customers), customers.c.id == bindparam("customer_id"))
)
"""The customer with the discount the tenant set for their tier, if any."""


@cache
def _texts_parts() -> CTE:
    """The parts whose text matches, found first (MATERIALIZED) through the trigram index.

    Left to choose, the planner walked the levels' SKU index and tested each level's part
    until a page was full, trusting an estimate of 1% of the parts: 1 ms for a term whose
    parts come early in SKU order, 245 ms for one whose parts come last (every level
    walked; the benchmark's p99 0.9 s). Found first, a search costs in proportion to what
    it matches: 2-6 ms for a SKU fragment, more for a word in a quarter of the catalog
    (its matches are sorted for the page). One object, so a statement that reads both
    a page and the value (the compiled read path's) names it once."""
    return (
        select(PART.id)
        .where(of_tenant(parts), contains_param(PART.search_text, "pattern"))
        .cte("matching_parts")
        .prefix_with("MATERIALIZED")
    )


def _matching(
    by_location: bool, by_text: bool, with_parts: bool = False
) -> tuple[FromClause, list[ColumnElement[bool]]]:
    """The levels a filter of this shape matches, joined with their parts if the caller
    needs them."""
    where = [of_tenant(stock_levels)]
    if by_location:
        where.append(LEVEL.location_id == bindparam("location_id"))
    source: FromClause = stock_levels
    if by_text:
        found = _texts_parts()
        source = source.join(found, found.c.id == LEVEL.product_id)
    if with_parts:
        source = source.join(parts, PART_OF_LEVEL)
    return source, where


def _the_customers_line() -> ColumnElement[bool]:
    """The customer's price line of the level's part (an outer join: most have none)."""
    return and_(
        LINE.tenant_id == LEVEL.tenant_id,
        LINE.customer_id == bindparam("customer_id"),
        LINE.product_id == LEVEL.product_id,
    )


@cache
def page_statement(by_location: bool, by_text: bool) -> Select:
    source, where = _matching(by_location, by_text)
    keys = (
        select(LEVEL.product_id, LEVEL.location_id, LEVEL.sku)
        .select_from(source)
        .where(*where)
        .order_by(LEVEL.sku, LEVEL.location_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    return (
        select(
            keys.c.product_id,
            keys.c.sku,
            func.coalesce(PART.description, PART.name).label("description"),
            keys.c.location_id,
            LEVEL.on_hand,
            LEVEL.reserved,
            LEVEL.lead_time_days,
            PART.unit_price.label("list_price"),
            LINE.customer_price,
            LINE.discount_percentage,
        )
        .select_from(
            keys.join(
                stock_levels,
                and_(
                    LEVEL.product_id == keys.c.product_id,
                    LEVEL.location_id == keys.c.location_id,
                ),
            )
            .join(parts, PART_OF_LEVEL)
            .outerjoin(customer_prices, _the_customers_line())
        )
        .where(of_tenant(stock_levels))
        .order_by(keys.c.sku, keys.c.location_id)
    )


@cache
def count_statement(by_location: bool, by_text: bool) -> Select:
    source, where = _matching(by_location, by_text)
    return select(func.count()).select_from(source).where(*where)


@cache
def value_statement(by_location: bool, by_text: bool) -> Select:
    """Available stock per price group: the list price and the customer's line of the
    part, if any (its amounts: which part it is does not change the price)."""
    source, where = _matching(by_location, by_text, with_parts=True)
    group = [PART.unit_price, LINE.customer_price, LINE.discount_percentage]
    return (
        select(
            PART.unit_price.label("list_price"),
            LINE.customer_price,
            LINE.discount_percentage,
            func.sum(LEVEL.on_hand - LEVEL.reserved).label("available"),
        )
        .select_from(source.outerjoin(customer_prices, _the_customers_line()))
        .where(*where)
        .group_by(*group)
    )


def filter_shape(wanted: InventoryViewFilter) -> tuple[bool, bool]:
    return wanted.location_id is not None, wanted.search is not None


def filter_values(wanted: InventoryViewFilter) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if wanted.location_id is not None:
        values["location_id"] = wanted.location_id
    if wanted.search is not None:
        values["pattern"] = substring_pattern(wanted.search)
    return values


class CustomerInventory(TenantRepository):
    """Stocked pairs as a customer's view reads them, and that customer's price lines."""

    table = stock_levels

    async def viewer(self, customer_id: str) -> Viewer | None:
        """The customer and their tier's discount as this tenant set it, in one
        statement; None if this tenant has no such customer."""
        row = await self._row(VIEWER, customer_id=customer_id)
        if row is None:
            return None
        return Viewer(
            row["customer_id"], row["name"], CustomerTier(row["tier"]), row["own_tier_discount"]
        )

    async def stocked(
        self, customer_id: str, wanted: InventoryViewFilter, request: PageRequest
    ) -> list[StockedPart]:
        """One page in SKU then location order, each pair with the customer's price line
        of its part, and one pair more if another page follows (as `_page_rows` fetches,
        inside the statement's key lookup)."""
        rows = await self._rows(
            page_statement(*filter_shape(wanted)),
            **filter_values(wanted),
            customer_id=customer_id,
            limit=request.page_size + 1,
            offset=request.offset,
        )
        # The page's columns are StockedPart's fields in order.
        return [StockedPart(*row) for row in rows]

    async def count(self, wanted: InventoryViewFilter) -> int:
        return int(
            await self._value(count_statement(*filter_shape(wanted)), **filter_values(wanted))
        )

    async def value_groups(self, customer_id: str, wanted: InventoryViewFilter) -> list[ValueGroup]:
        rows = await self._rows(
            value_statement(*filter_shape(wanted)), customer_id=customer_id, **filter_values(wanted)
        )
        return [ValueGroup(**row) for row in rows]
