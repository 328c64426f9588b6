"""What taking an order reads before it decides: in one statement, the customer's terms
(their row, credit standing and tier discount, the row held FOR SHARE until commit)
with the catalog's answer for the lines (the parts named by id or SKU with the
customer's specific prices of them, and which locations exist) and, for processOrder,
the stock items the lines draw on, locked after the customer's row (the unit's stock
repository tracks them: one round trip fewer than locking them apart); and, for a
customer with a credit limit only, the credit they have in use. An order written alone
(outside any transaction) reads the same without any lock (`terms_with_items`): the
statement that writes it holds and checks what this one read.

The customer's row is held FOR SHARE, not locked for update: orders of one customer
without a limit have nothing to check against each other and no longer queue on it,
while a block or a limit change (an UPDATE of the row) still waits for the orders
being taken, and an order taken after one committed reads it. Orders of a customer
with a limit pass their credit check one at a time through a transaction-scoped
advisory lock of that customer (`hold_credit`), taken before the credit in use is read
in a statement of its own (a statement's snapshot is taken before any lock it waits
for, so the figure must be read by the next one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, func, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY

from domain.catalog import Part
from domain.customers import Customer
from domain.inventory.pricing import CustomerPrice
from domain.inventory.stock import StockItem
from domain.receivables.credit_control import CreditStanding
from domain.sales.status import OPEN
from domain.sales.terms import CustomerTerms, OrderCatalog
from persistence.driver import TenantDriver
from persistence.repositories.base import TENANT, TenantRepository, of_tenant, one_of_param
from persistence.repositories.catalog.repository import PART_COLUMNS
from persistence.repositories.customers.repository import CUSTOMER_COLUMNS
from persistence.repositories.inventory.stock import (
    LOCKED_VALUES,
    StockRepository,
    locked_to_reserve_of,
    to_reserve_of,
)
from persistence.repositories.receivables.credit_control import OWED, UNBILLED
from persistence.repositories.sales.orders import OPEN_VALUE
from persistence.tables import (
    customer_prices,
    customers,
    locations,
    parts,
    product_categories,
    tier_discounts,
)

CUSTOMER, PRICE = customers.c, customer_prices.c
STANDING_COLUMNS = {
    "block_reason": CUSTOMER.credit_block_reason,
    "blocked_at": CUSTOMER.credit_blocked_at,
    "blocked_by": CUSTOMER.credit_blocked_by,
    "unblock_reason": CUSTOMER.credit_unblock_reason,
    "unblocked_at": CUSTOMER.credit_unblocked_at,
    "unblocked_by": CUSTOMER.credit_unblocked_by,
    "version": CUSTOMER.credit_version,
}
"""The credit standing's fields besides its id and limit, which the customer's share."""
OWN_TIER = (
    select(tier_discounts.c.discount_percent.label("own_tier_discount"))
    .where(
        tier_discounts.c.tenant_id == CUSTOMER.tenant_id,
        tier_discounts.c.tier == CUSTOMER.tier,
    )
    .correlate(customers)
    .limit(1)
    .lateral("own_tier")
)
"""The tenant's discount of the customer's tier, looked up once for the customer's row
(a sub-select among the columns ran again on each row of the catalog's answer)."""
TERMS_COLUMNS = [
    *CUSTOMER_COLUMNS,
    *(column.label(f"standing_{name}") for name, column in STANDING_COLUMNS.items()),
    OWN_TIER.c.own_tier_discount,
]
_KNOWN_LOCATIONS = (
    select(func.array_agg(locations.c.id).label("known_locations"))
    .where(of_tenant(locations), one_of_param(locations.c.id, "location_ids"))
    .subquery("known")
)

_SPECIFIC = (
    select(PRICE.customer_price, PRICE.discount_percentage)
    .where(
        PRICE.tenant_id == parts.c.tenant_id,
        PRICE.customer_id == select(bindparam("customer_id", type_=String)).scalar_subquery(),
        PRICE.product_id == parts.c.id,
    )
    .correlate(parts)
    .limit(1)
    .lateral("specific")
)
"""The customer's price of each part, looked up by its key. PostgreSQL plans a
prepared statement again at each execution while a plan for the values at hand looks
cheaper than the generic one: joined plainly, the customer's prices were hashed in the
generic plan, and a plan knowing the customer was cheaper (0.4-0.6 ms of the database's
CPU per order went on planning). The LIMIT (there is at most one) keeps the lookup
from being flattened into a join, and the customer given through a sub-select is a
value no plan knows, so the generic plan is as cheap as any and is kept."""


def _order_catalog(*naming: ColumnElement[bool]) -> Select:
    """One row per part named (at least one row, whose part columns are null if none is
    known), each carrying the known locations among those named."""
    named = (
        select(
            *PART_COLUMNS,
            _SPECIFIC.c.customer_price.label("specific_price"),
            _SPECIFIC.c.discount_percentage.label("specific_discount"),
        )
        .select_from(
            parts.outerjoin(
                product_categories,
                and_(
                    product_categories.c.tenant_id == parts.c.tenant_id,
                    product_categories.c.id == parts.c.category_id,
                ),
            ).outerjoin(_SPECIFIC, true())
        )
        .where(of_tenant(parts), or_(*naming))
        .subquery("named")
    )
    return select(_KNOWN_LOCATIONS, named).select_from(_KNOWN_LOCATIONS.outerjoin(named, true()))


CATALOG_PREFIX = "catalog_"


LINES = (
    func.unnest(
        bindparam("line_product_ids", type_=ARRAY(String)),
        bindparam("line_skus", type_=ARRAY(String)),
        bindparam("line_location_ids", type_=ARRAY(String)),
    )
    .table_valued("product_id", "sku", "location_id")
    .render_derived(name="lines")
)
"""The order's lines as the client named them: each a part's id (or null) or its
normalized SKU, and a location. The (product, location) pairs they draw on take a SKU
for the part the terms' catalog found holding it (not looked up again)."""
LEVEL_PREFIX = "level_"


def _order_terms(naming: Sequence[ColumnElement[bool]], locked: bool) -> Select:
    """The customer's row (none if unknown) with their terms, on each row of the catalog's
    answer (its columns named with CATALOG_PREFIX, apart from the customer's); `locked`:
    the customer's row held FOR SHARE."""
    catalog = _order_catalog(*naming).subquery("catalog")
    read = (
        select(*TERMS_COLUMNS, *(c.label(f"{CATALOG_PREFIX}{c.name}") for c in catalog.c))
        .select_from(customers.outerjoin(OWN_TIER, true()).outerjoin(catalog, true()))
        .where(of_tenant(customers), CUSTOMER.id == bindparam("customer_id"))
    )
    return read.with_for_update(read=True, of=customers) if locked else read


def _with_items(order_terms: Select, locked: bool) -> Select:
    """`order_terms` with, beside each part, its levels the lines draw on, to reserve
    from (`to_reserve_of`; their columns named with LEVEL_PREFIX); `locked`: locked
    (`locked_to_reserve_of`) after the customer's row, as every sales use case takes
    them: their CTE reads a level only once the customer's has given its row (its
    condition is evaluated first), and nothing is locked for a customer this tenant
    has not."""
    terms = order_terms.cte("terms").prefix_with("MATERIALIZED")
    part_id, part_sku = terms.c[f"{CATALOG_PREFIX}id"], terms.c[f"{CATALOG_PREFIX}sku"]
    pairs = (
        select(func.coalesce(LINES.c.product_id, part_id).label("product_id"), LINES.c.location_id)
        .select_from(
            LINES.outerjoin(terms, and_(LINES.c.product_id.is_(None), part_sku == LINES.c.sku))
        )
        .distinct()
        .subquery("pairs")
    )
    levels = (
        (locked_to_reserve_of if locked else to_reserve_of)(pairs, select(terms.c.id).exists())
        .cte("levels")
        .prefix_with("MATERIALIZED")
    )
    return select(*terms.c, *(c.label(f"{LEVEL_PREFIX}{c.name}") for c in levels.c)).select_from(
        terms.outerjoin(levels, levels.c.product_id == part_id)
    )


BY_ID, BY_SKU = one_of_param(parts.c.id, "product_ids"), one_of_param(parts.c.sku, "skus")
NAMING = {
    (True, False): [BY_ID],
    (False, True): [BY_SKU],
    (True, True): [BY_ID, BY_SKU],
    (False, False): [BY_ID],
}
ORDER_TERMS = {by: _order_terms(naming, locked=True) for by, naming in NAMING.items()}
"""By whether the order names parts by id and by SKU: a statement with a condition
that matches nothing (an empty array) would be planned again at every execution, as
PostgreSQL finds its plan for those values cheaper than the generic one (0.6 ms of
the database's CPU per order, measured). One statement for the customer and the
catalog: apart, they were two round trips, each some 0.1 ms of the gateway's CPU in
the socket write alone."""
ORDER_TERMS_LOCKING_ITEMS = {
    by: _with_items(terms, locked=True) for by, terms in ORDER_TERMS.items()
}
"""ORDER_TERMS and the lock of the items an order reserves from, in one round trip."""
ORDER_TERMS_WITH_ITEMS = {
    by: _with_items(_order_terms(naming, locked=False), locked=False)
    for by, naming in NAMING.items()
}
"""ORDER_TERMS_LOCKING_ITEMS without a lock, for an order written alone (outside any
transaction): the statement that writes it locks and checks what this one read."""
PART_NAMES = [column.name for column in PART_COLUMNS]
PART_KEYS = [f"{CATALOG_PREFIX}{name}" for name in PART_NAMES]
LEVEL_KEYS = [f"{LEVEL_PREFIX}{name}" for name in LOCKED_VALUES]
HOLD_CREDIT = select(
    func.pg_advisory_xact_lock(
        func.hashtextextended(
            func.concat(
                "sales-credit:",
                bindparam(TENANT, type_=String),
                ":",
                bindparam("customer_id", type_=String),
            ),
            0,
        )
    )
)
CREDIT_IN_USE = select(OWED + UNBILLED + OPEN_VALUE.scalar_subquery())


NamedLine = tuple[str | None, str | None, str]
"""A line's part as the client named it (its id, else its normalized SKU) and location."""


class OrderTerms(TenantRepository):
    """processOrder's reads of the customer and the catalog (none of them is tracked:
    taking an order changes neither), and its lock of the stock items, which the unit's
    stock repository then tracks (`StockRepository.adopted`)."""

    table = customers
    noun = "Customer"

    def __init__(self, statements: TenantDriver, stock: StockRepository):
        super().__init__(statements)
        self._stock = stock

    async def terms(
        self, customer_id: str, lines: Sequence[NamedLine]
    ) -> tuple[CustomerTerms, OrderCatalog] | None:
        """The customer's terms, their row held FOR SHARE until commit (see above), with
        the parts the lines name, the customer's specific prices of them and which of
        their locations exist, in one statement; None if this tenant has no such
        customer."""
        rows = await self._rows(_terms_statement(ORDER_TERMS, lines), **_named(customer_id, lines))
        return None if not rows else self._terms_of(rows)

    async def terms_locking_items(
        self, customer_id: str, lines: Sequence[NamedLine], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        """`terms`, and the stocked items the lines draw on, locked after the customer's
        row in (product, location) order and tracked, to reserve from at `now` (as
        `StockRepository.locked_to_reserve` leaves them), in the same statement; None if
        this tenant has no such customer (and then nothing is locked). A pair never
        stocked is not among the items: the caller opens it."""
        read = await self._with_levels(ORDER_TERMS_LOCKING_ITEMS, customer_id, lines, now)
        if read is None:
            return None
        terms, catalog, levels = read
        return terms, catalog, await self._stock.adopted(levels, now)

    async def terms_with_items(
        self, customer_id: str, lines: Sequence[NamedLine], now: datetime
    ) -> tuple[CustomerTerms, OrderCatalog, dict[tuple[str, str], StockItem]] | None:
        """`terms_locking_items` without any lock, in a unit that opens no transaction:
        what an order written alone is decided on (`SalesOrderRepository.taken_alone`
        checks that it is still so). An item holding a reservation due by `now` is left
        out, as a pair never stocked is: the caller leaves both to the transaction."""
        read = await self._with_levels(ORDER_TERMS_WITH_ITEMS, customer_id, lines, now)
        if read is None:
            return None
        terms, catalog, levels = read
        undue = [level for level in levels if not level["holds_due"]]
        return terms, catalog, await self._stock.adopted(undue, now)

    async def _with_levels(
        self,
        statements: Mapping[tuple[bool, bool], Select],
        customer_id: str,
        lines: Sequence[NamedLine],
        now: datetime,
    ) -> tuple[CustomerTerms, OrderCatalog, list[dict[str, Any]]] | None:
        """The terms, the catalog and the level rows (LOCKED_VALUES) of `statements`."""
        rows = await self._rows(
            _terms_statement(statements, lines),
            **_named(customer_id, lines),
            line_product_ids=[product for product, _, _ in lines],
            line_skus=[sku for _, sku, _ in lines],
            line_location_ids=[location for _, _, location in lines],
            now=now,
        )
        if not rows:
            return None
        terms, catalog = self._terms_of(rows)
        levels = [
            dict(zip(LOCKED_VALUES, (row[key] for key in LEVEL_KEYS), strict=True))
            for row in rows
            if row[LEVEL_KEYS[0]] is not None
        ]
        return terms, catalog, levels

    def _terms_of(self, rows: Sequence[Mapping[str, Any]]) -> tuple[CustomerTerms, OrderCatalog]:
        first = rows[0]
        customer = Customer(**{name: first[name] for name in CUSTOMER_NAMES})
        standing = CreditStanding(
            id=customer.id,
            tenant_id=self.tenant_id,
            credit_limit=customer.credit_limit,
            **{name: first[f"standing_{name}"] for name in STANDING_COLUMNS},
        )
        known = first[f"{CATALOG_PREFIX}known_locations"]
        found = OrderCatalog(known_locations=frozenset(known or ()))
        for row in rows:
            part_id = row[PART_KEYS[0]]
            if part_id is not None and part_id not in found.parts:
                _add_part(found, row)
        return CustomerTerms(customer, standing, first["own_tier_discount"]), found

    async def hold_credit(self, customer_id: str) -> None:
        """Wait for the customer's other orders in their credit check, and keep theirs
        waiting until this transaction ends."""
        await self._rows(HOLD_CREDIT, customer_id=customer_id)

    async def credit_in_use(self, customer_id: str) -> Decimal:
        """Their open receivable and service orders not yet billed, plus their sales
        orders not yet fulfilled: credit control's exposure, in one statement."""
        value = await self._value(
            CREDIT_IN_USE, customer_id=customer_id, statuses=[status.value for status in OPEN]
        )
        return Decimal(value)


CUSTOMER_NAMES = [column.name for column in CUSTOMER_COLUMNS]


def _named(customer_id: str, lines: Sequence[NamedLine]) -> dict[str, Any]:
    """The terms statement's values for the lines: the parts named by id, the SKUs named
    without one, and the locations."""
    return {
        "customer_id": customer_id,
        "product_ids": sorted({product for product, _, _ in lines if product is not None}),
        "skus": sorted({sku for product, sku, _ in lines if product is None and sku}),
        "location_ids": sorted({location for _, _, location in lines}),
    }


def _terms_statement(
    statements: Mapping[tuple[bool, bool], Select], lines: Sequence[NamedLine]
) -> Select:
    """Of `statements` by (parts named by id, by SKU), the one the lines need."""
    by_id = any(product is not None for product, _, _ in lines)
    by_sku = any(product is None and bool(sku) for product, sku, _ in lines)
    return statements[by_id, by_sku]


def _add_part(found: OrderCatalog, row: Mapping[str, Any]) -> None:
    part = Part(**{name: row[key] for name, key in zip(PART_NAMES, PART_KEYS, strict=True)})
    found.parts[part.id] = part
    found.holders[part.sku] = part.id
    price, discount = (
        row[f"{CATALOG_PREFIX}specific_price"],
        row[f"{CATALOG_PREFIX}specific_discount"],
    )
    if price is not None or discount is not None:
        found.specific_prices[part.id] = CustomerPrice(
            part.id, part.sku, part.unit_price, price, discount
        )
