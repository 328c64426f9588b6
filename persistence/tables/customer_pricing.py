"""Customers' view of inventory: each customer's specific prices, and the tenant's
discount per customer tier.

`customer_price_lists` is the header of a customer's prices (one version for the whole
list, see domain/inventory/pricing.py); `customer_prices` holds its lines, one per part,
each a specific price or a specific discount (a CHECK keeps exactly one). A tier with no
row in `tier_discounts` gets the default discount of domain/inventory/tiers.py.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    String,
    Table,
    func,
)

from persistence.tables.base import MONEY, metadata
from persistence.tables.customers import TIERS

PERCENT = Numeric(5, 2, asdecimal=True)


def _stamps() -> list[Column]:
    return [
        Column("version", Integer, nullable=False, server_default="1"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


customer_price_lists = Table(
    "customer_price_lists",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    *_stamps(),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_customer_price_lists_customer",
    ),
)

customer_prices = Table(
    "customer_prices",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("product_id", String(64), primary_key=True),
    Column("customer_price", MONEY),
    Column("discount_percentage", PERCENT),
    CheckConstraint(
        "(customer_price IS NULL) <> (discount_percentage IS NULL)", name="price_or_discount"
    ),
    CheckConstraint("customer_price >= 0", name="price_not_negative"),
    CheckConstraint("discount_percentage BETWEEN 0 AND 100", name="discount_is_a_percentage"),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customer_price_lists.tenant_id", "customer_price_lists.customer_id"],
        name="fk_customer_prices_list",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id"], ["parts.tenant_id", "parts.id"], name="fk_customer_prices_part"
    ),
)

tier_discounts = Table(
    "tier_discounts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("tier", String(16), primary_key=True),
    Column("discount_percent", PERCENT, nullable=False),
    *_stamps(),
    CheckConstraint(f"tier IN ({TIERS})", name="known_tier"),
    CheckConstraint("discount_percent BETWEEN 0 AND 100", name="discount_is_a_percentage"),
)
