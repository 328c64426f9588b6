"""Seed 004's customer inventory view answered in one statement (issue 18's compiled path).

The ordinary path reads the customer, then the page (persistence/repositories/inventory/
customer_view.py), prices each item in Python by `effective_price` and lets graphql-core
complete some 450 fields of a page of 50; this statement reads the same rows with the
same statements (the repository's page, count and value groups, as subqueries) and
writes the selected JSON in PostgreSQL, pricing by the same rule, spelled in SQL:

- a specific price is the customer's price, and its discount is 100 - price x 100 /
  list price quantized to the hundredth as `Decimal.quantize` does it (half to even,
  and `-0.00` for a price a fraction of a cent above the list price); a list price of
  0 gives a discount of `0.00`;
- otherwise the discount is the line's specific one, else the tenant's for the tier,
  else `DEFAULT_TIER_DISCOUNTS` (as text: `10`, not `10.00`), and the price is the list
  price less it, rounded half-up to the cent (`to_cents`: the amounts are positive, so
  `round` is half-up);
- the value is the sum of available x price over the value groups, to the cent.

No row comes back when the tenant has no such customer, or no such location when one
is asked for (the ordinary path then answers CUSTOMER_NOT_FOUND or LOCATION_NOT_FOUND).
`lastUpdated` is the instant of the request, as the resolver's clock gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    Numeric,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from domain.inventory.customer_view import InventoryViewFilter
from domain.inventory.pricing import PriceSource
from domain.inventory.tiers import DEFAULT_TIER_DISCOUNTS
from domain.paging import PageRequest
from domain.read_shapes import RootRead, Selected, Unplannable
from persistence.json_reads.formats import decimal_text, iso_datetime, key
from persistence.json_reads.projections import EMPTY_LIST, MOST_KEYS
from persistence.repositories.base import of_tenant
from persistence.repositories.inventory.customer_view import (
    count_statement,
    filter_shape,
    filter_values,
    page_statement,
)
from persistence.repositories.inventory.customer_view import (
    value_statement as value_groups_statement,
)
from persistence.tables import customers, locations, tier_discounts

HUNDRED = literal_column("100")


def _tier_discount() -> ColumnElement[Any]:
    """The discount the tenant set for the customer's tier, else the tier's default."""
    default = case(
        *(
            (customers.c.tier == tier.value, literal_column(str(discount)))
            for tier, discount in DEFAULT_TIER_DISCOUNTS.items()
        ),
    )
    return func.coalesce(tier_discounts.c.discount_percent, default)


def _viewer(by_location: bool) -> Any:
    """The customer with their tier's discount; with a location filter, only if the
    location is the tenant's."""
    where = [of_tenant(customers), customers.c.id == bindparam("customer_id")]
    if by_location:
        where.append(
            exists().where(of_tenant(locations), locations.c.id == bindparam("location_id"))
        )
    return (
        select(
            customers.c.tenant_id,
            customers.c.id,
            customers.c.name,
            customers.c.tier,
            _tier_discount().label("tier_discount"),
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
        .where(*where)
        .cte("viewer")
    )


def customer_price(
    list_price: ColumnElement[Any],
    specific_price: ColumnElement[Any],
    specific_discount: ColumnElement[Any],
    tier_discount: ColumnElement[Any],
) -> ColumnElement[Any]:
    """`effective_price(...).customer_price`."""
    discount = func.coalesce(specific_discount, tier_discount)
    return case(
        (specific_price.is_not(None), specific_price),
        else_=func.round(list_price * (HUNDRED - discount) / HUNDRED, 2),
    )


def _half_even_hundredths(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """`Decimal.quantize(Decimal("0.01"))` of `value` (half to even), as text."""
    hundredths = value * HUNDRED
    whole = func.trunc(hundredths)
    tie = func.abs(hundredths - whole) == literal_column("0.5")
    even = func.mod(whole, 2) == 0
    rounded = case(
        (tie, func.round((whole + case((even, 0), else_=func.sign(hundredths))) / HUNDRED, 2)),
        else_=func.round(value, 2),
    )
    return case(
        (and_(rounded == 0, value < 0), literal_column("'-0.00'")),
        else_=cast(rounded, Text),
    )


def discount_text(
    list_price: ColumnElement[Any],
    specific_price: ColumnElement[Any],
    specific_discount: ColumnElement[Any],
    tier_discount: ColumnElement[Any],
) -> ColumnElement[Any]:
    """`effective_price(...).discount_percentage` as str() writes it."""
    off = HUNDRED - specific_price * HUNDRED / func.nullif(list_price, 0)
    return case(
        (
            specific_price.is_not(None),
            case((list_price == 0, literal_column("'0.00'")), else_=_half_even_hundredths(off)),
        ),
        else_=cast(func.coalesce(specific_discount, tier_discount), Text),
    )


def price_source(specific_price: ColumnElement[Any], discount: ColumnElement[Any]) -> Any:
    return case(
        (specific_price.is_not(None), literal_column(f"'{PriceSource.SPECIFIC_PRICE.value}'")),
        (discount.is_not(None), literal_column(f"'{PriceSource.SPECIFIC_DISCOUNT.value}'")),
        else_=literal_column(f"'{PriceSource.TIER.value}'"),
    )


Field = Callable[[Subquery, Any], ColumnElement[Any]]


def _prices(row: Subquery, viewer: Any) -> tuple[Any, Any, Any, Any]:
    return row.c.list_price, row.c.customer_price, row.c.discount_percentage, viewer.c.tier_discount


ITEM_FIELDS: dict[str, Field] = {
    "productId": lambda row, viewer: row.c.product_id,
    "sku": lambda row, viewer: row.c.sku,
    "description": lambda row, viewer: row.c.description,
    "availableQuantity": lambda row, viewer: decimal_text(row.c.on_hand - row.c.reserved),
    "reservedQuantity": lambda row, viewer: decimal_text(row.c.reserved),
    "unitPrice": lambda row, viewer: decimal_text(row.c.list_price),
    "customerPrice": lambda row, viewer: decimal_text(customer_price(*_prices(row, viewer))),
    "discountPercentage": lambda row, viewer: discount_text(*_prices(row, viewer)),
    "priceSource": lambda row, viewer: price_source(
        row.c.customer_price, row.c.discount_percentage
    ),
    "leadTime": lambda row, viewer: row.c.lead_time_days,
    "location": lambda row, viewer: row.c.location_id,
}
VIEW_FIELDS = frozenset(
    {
        "customerId",
        "customerName",
        "customerTier",
        "tenantId",
        "inventoryItems",
        "pageIndex",
        "pageSize",
        "hasNextPage",
        "lastUpdated",
        "totalCount",
        "totalValue",
    }
)
PLANNED_TYPES: dict[str, frozenset[str]] = {
    "CustomerInventoryView": VIEW_FIELDS,
    "CustomerInventoryItem": frozenset(ITEM_FIELDS),
}
"""The fields of the view's types this statement answers: all of them."""


def _object(
    type_name: str,
    selections: Sequence[Selected],
    value: Callable[[Selected], ColumnElement[Any]],
) -> ColumnElement[Any]:
    if len(selections) > MOST_KEYS:
        raise Unplannable(f"{len(selections)} keys in one object")
    arguments: list[ColumnElement[Any]] = []
    for selected in selections:
        built = key(type_name) if selected.name == "__typename" else value(selected)
        arguments += [key(selected.key), built]
    return func.json_build_object(*arguments)


def _item(row: Subquery, viewer: Any, selections: Sequence[Selected]) -> ColumnElement[Any]:
    def value(selected: Selected) -> ColumnElement[Any]:
        field = ITEM_FIELDS.get(selected.name)
        if field is None:
            raise Unplannable(f"CustomerInventoryItem.{selected.name} is not planned")
        return field(row, viewer)

    return _object("CustomerInventoryItem", selections, value)


def _statement(read: RootRead, by_location: bool, by_text: bool) -> Select[Any]:
    viewer = _viewer(by_location)
    stocked = page_statement(by_location, by_text).subquery("stocked")
    listed = [s for s in read.field.children if s.name == "inventoryItems"]
    rows = (
        select(
            func.row_number().over(order_by=(stocked.c.sku, stocked.c.location_id)).label("n"),
            *(_item(stocked, viewer, s.children).label(f"doc_{n}") for n, s in enumerate(listed)),
        )
        .select_from(stocked.join(viewer, true()))
        .subquery("page_rows")
    )
    page_size = bindparam("page_size", type_=Integer)
    on_page = rows.c.n <= page_size
    page = select(
        func.count().label("fetched"),
        *(
            func.coalesce(
                func.json_agg(aggregate_order_by(rows.c[f"doc_{n}"], rows.c.n)).filter(on_page),
                EMPTY_LIST,
            ).label(f"items_{n}")
            for n in range(len(listed))
        ),
    ).subquery("fetched_page")
    groups = value_groups_statement(by_location, by_text).subquery("value_groups")
    total_value = (
        select(
            func.round(
                func.coalesce(
                    func.sum(
                        groups.c.available
                        * customer_price(
                            groups.c.list_price,
                            groups.c.customer_price,
                            groups.c.discount_percentage,
                            viewer.c.tier_discount,
                        )
                    ),
                    cast(literal_column("0"), Numeric),
                ),
                2,
            )
        )
        .select_from(groups)
        .scalar_subquery()
    )
    view: dict[str, Callable[[Selected], ColumnElement[Any]]] = {
        "customerId": lambda s: viewer.c.id,
        "customerName": lambda s: viewer.c.name,
        "customerTier": lambda s: viewer.c.tier,
        "tenantId": lambda s: viewer.c.tenant_id,
        "inventoryItems": lambda s: page.c[f"items_{listed.index(s)}"],
        "pageIndex": lambda s: bindparam("page_index", type_=Integer),
        "pageSize": lambda s: page_size,
        "hasNextPage": lambda s: page.c.fetched > page_size,
        "lastUpdated": lambda s: iso_datetime(bindparam("now", type_=DateTime(timezone=True))),
        "totalCount": lambda s: count_statement(by_location, by_text).scalar_subquery(),
        "totalValue": lambda s: decimal_text(total_value),
    }

    def value(selected: Selected) -> ColumnElement[Any]:
        if selected.name not in view:
            raise Unplannable(f"CustomerInventoryView.{selected.name} is not planned")
        return view[selected.name](selected)

    built = _object("CustomerInventoryView", read.field.children, value)
    return select(cast(built, Text)).select_from(viewer.join(page, true()))


def prepare(read: RootRead, slots: Any) -> tuple[Hashable, Callable[[], Select[Any]]]:
    """The statement's shape (which filters are set) and its builder; the request's
    values go into `slots.values`."""
    arguments = read.field.arguments
    wanted: InventoryViewFilter = arguments["where"]
    request: PageRequest = arguments["page"]
    slots.values.update(
        customer_id=arguments["customer_id"],
        limit=request.page_size + 1,
        offset=request.offset,
        page_size=request.page_size,
        page_index=request.page_index,
        **filter_values(wanted),
    )
    shape = filter_shape(wanted)
    return shape, lambda: _statement(read, *shape)
