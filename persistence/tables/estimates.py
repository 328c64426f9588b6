"""Estimates: one row per revision, their priced lines, and the customer's approval.

A revision is its own row (`id` EST-001, EST-001-R2, ...) sharing the tenant's human
`number`; `previous_id` and `superseded_by` link the chain, so an old revision stays
readable exactly as the customer saw it. The totals are stored with the lines (line
discount and tax included), so reading an estimate needs no tax lookup; they are
recalculated by the domain on every change.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

estimates = Table(
    "estimates",
    metadata,
    *tenant_key(),
    Column("number", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(24), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("vehicle_id", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("currency_uom_id", String(3), nullable=False),
    Column("discount_percent", Numeric(5, 2)),
    Column("discount_fixed", MONEY),
    Column("subtotal_services", MONEY, nullable=False),
    Column("subtotal_materials", MONEY, nullable=False),
    Column("discount_amount", MONEY, nullable=False),
    Column("tax_total", MONEY, nullable=False),
    Column("grand_total", MONEY, nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("policy", JSONB),
    Column("submitted_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("decline_reason", Text),
    Column("previous_id", String(64)),
    Column("superseded_by", String(64)),
    Column("latest_audit_event_id", String(36)),
    *audit_columns(),
    CheckConstraint("grand_total >= 0", name="grand_total_not_negative"),
    ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    ForeignKeyConstraint(["tenant_id", "vehicle_id"], ["vehicles.tenant_id", "vehicles.id"]),
    ForeignKeyConstraint(["tenant_id", "location_id"], ["locations.tenant_id", "locations.id"]),
    Index("uq_estimates_tenant_number_revision", "tenant_id", "number", "revision", unique=True),
    # The lists' order (newest first, the id breaking ties) per party and for the root:
    # each page is read off one of these without sorting the party's whole history.
    Index("ix_estimates_tenant_created", "tenant_id", "created_at", "id"),
    Index("ix_estimates_tenant_customer_created", "tenant_id", "customer_id", "created_at", "id"),
    Index("ix_estimates_tenant_vehicle_created", "tenant_id", "vehicle_id", "created_at", "id"),
    Index("ix_estimates_tenant_location_created", "tenant_id", "location_id", "created_at", "id"),
)

estimate_items = Table(
    "estimate_items",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("estimate_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("item_type", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("quantity", Numeric(12, 3), nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("tax_code", String(64)),
    Column("catalog_id", String(64)),
    Column("labor_units", Numeric(10, 2)),
    Column("price_overridden", Boolean, nullable=False),
    Column("line_discount", MONEY, nullable=False),
    Column("tax_amount", MONEY, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    ForeignKeyConstraint(["tenant_id", "estimate_id"], ["estimates.tenant_id", "estimates.id"]),
)

estimate_approvals = Table(
    "estimate_approvals",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("estimate_id", String(64), primary_key=True),
    Column("approval_method", String(32), nullable=False),
    Column("approved_by", String(200), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("legal_terms_version", String(64), nullable=False),
    Column("signature", Text),
    ForeignKeyConstraint(["tenant_id", "estimate_id"], ["estimates.tenant_id", "estimates.id"]),
)
