"""What taking an order reads before it decides: in one statement, the customer's terms
(their row, credit standing and tier discount, the row held FOR SHARE until commit)
with the catalog's answer for the lines (the parts named by id or SKU with the
customer's specific prices of them, and which locations exist); and, for a customer
with a credit limit only, the credit they have in use.

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
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, func, or_, select, true

from domain.catalog import Part
from domain.customers import Customer
from domain.inventory.pricing import CustomerPrice
from domain.receivables.credit_control import CreditStanding
from domain.sales.status import OPEN
from domain.sales.terms import CustomerTerms, OrderCatalog
from persistence.repositories.base import TENANT, TenantRepository, of_tenant, one_of_param
from persistence.repositories.catalog.repository import PART_COLUMNS
from persistence.repositories.customers.repository import CUSTOMER_COLUMNS
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


def _order_terms(*naming: ColumnElement[bool]) -> Select:
    """The customer's row (none if unknown) with their terms, on each row of the catalog's
    answer (its columns named with CATALOG_PREFIX, apart from the customer's), the
    customer's row held FOR SHARE."""
    catalog = _order_catalog(*naming).subquery("catalog")
    return (
        select(*TERMS_COLUMNS, *(c.label(f"{CATALOG_PREFIX}{c.name}") for c in catalog.c))
        .select_from(customers.outerjoin(OWN_TIER, true()).outerjoin(catalog, true()))
        .where(of_tenant(customers), CUSTOMER.id == bindparam("customer_id"))
        .with_for_update(read=True, of=customers)
    )


BY_ID, BY_SKU = one_of_param(parts.c.id, "product_ids"), one_of_param(parts.c.sku, "skus")
ORDER_TERMS = {
    (True, False): _order_terms(BY_ID),
    (False, True): _order_terms(BY_SKU),
    (True, True): _order_terms(BY_ID, BY_SKU),
    (False, False): _order_terms(BY_ID),
}
"""By whether the order names parts by id and by SKU: a statement with a condition
that matches nothing (an empty array) would be planned again at every execution, as
PostgreSQL finds its plan for those values cheaper than the generic one (0.6 ms of
the database's CPU per order, measured). One statement for the customer and the
catalog: apart, they were two round trips, each some 0.1 ms of the gateway's CPU in
the socket write alone."""
PART_NAMES = [column.name for column in PART_COLUMNS]
PART_KEYS = [f"{CATALOG_PREFIX}{name}" for name in PART_NAMES]
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


class OrderTerms(TenantRepository):
    """processOrder's reads of the customer and the catalog; none of them is tracked
    (taking an order changes neither)."""

    table = customers
    noun = "Customer"

    async def terms(
        self,
        customer_id: str,
        product_ids: Sequence[str],
        skus: Sequence[str],
        location_ids: Sequence[str],
    ) -> tuple[CustomerTerms, OrderCatalog] | None:
        """The customer's terms, their row held FOR SHARE until commit (see above), with
        the parts of these ids and of these normalized SKUs, the customer's specific
        prices of them, and which of these locations exist, in one statement; None if
        this tenant has no such customer."""
        rows = await self._rows(
            ORDER_TERMS[bool(product_ids), bool(skus)],
            customer_id=customer_id,
            product_ids=list(product_ids),
            skus=list(skus),
            location_ids=list(location_ids),
        )
        if not rows:
            return None
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
            if row[f"{CATALOG_PREFIX}id"] is not None:
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
