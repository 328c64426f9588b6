"""Reservations of stock: quantities of a part at a location held for a piece of work.

Children of the stock level they hold stock of: written in the transaction that changes
the level's `reserved` figure, so `reserved` is the sum of the pair's ACTIVE rows (which
`gateway check-inventory` verifies). A row is inserted ACTIVE and ended once (RELEASED,
CONSUMED or EXPIRED, with who and when). The partial index on ACTIVE rows by expiry is
the sweeper's: it finds what is due across tenants without reading ended reservations;
the one on ACTIVE rows by item and expiry is a stock change's: whether an item holds
one due, and its ACTIVE ones in expiry order, without reading the others.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    String,
    Table,
    text,
)

from persistence.tables.base import metadata
from persistence.tables.stock import QUANTITY

REFERENCE_TYPES = "'ORDER_LINE','OPPORTUNITY','SERVICE_ORDER','OTHER'"
STATUSES = "'ACTIVE','RELEASED','CONSUMED','EXPIRED'"

stock_reservations = Table(
    "stock_reservations",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("reference_type", String(16), nullable=False),
    Column("reference_id", String(100), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reserved_by", String(200), nullable=False),
    Column("reserved_at", DateTime(timezone=True), nullable=False),
    Column("consumed_quantity", QUANTITY),
    Column("movement_id", String(64)),
    Column("ended_by", String(200)),
    Column("ended_at", DateTime(timezone=True)),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(f"reference_type IN ({REFERENCE_TYPES})", name="known_reference_type"),
    CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
    CheckConstraint("(status = 'ACTIVE') = (ended_at IS NULL)", name="ended_unless_active"),
    CheckConstraint(
        "(status = 'CONSUMED') = (consumed_quantity IS NOT NULL)"
        " AND (consumed_quantity IS NULL OR (consumed_quantity > 0"
        " AND consumed_quantity <= quantity))",
        name="consumed_within_quantity",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id", "location_id"],
        ["stock_levels.tenant_id", "stock_levels.product_id", "stock_levels.location_id"],
        name="fk_stock_reservations_level",
    ),
    Index(
        "ix_stock_reservations_tenant_item",
        "tenant_id",
        "product_id",
        "location_id",
        "status",
    ),
    Index(
        "ix_stock_reservations_tenant_reference",
        "tenant_id",
        "reference_type",
        "reference_id",
    ),
    Index("ix_stock_reservations_tenant_reserved", "tenant_id", "reserved_at", "id"),
    Index(
        "ix_stock_reservations_active_item",
        "tenant_id",
        "product_id",
        "location_id",
        "expires_at",
        postgresql_where=text("status = 'ACTIVE'"),
    ),
    Index(
        "ix_stock_reservations_active_expiry",
        "expires_at",
        postgresql_where=text("status = 'ACTIVE'"),
    ),
)
