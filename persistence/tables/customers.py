"""Customers and the vehicles they own.

`search_text` is a generated column over what a clerk types into the search box (name,
email, phone; VIN, unit number, plate), indexed with pg_trgm so `ILIKE '%term%'` stays an
index scan at any volume.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

TIERS = "'BRONZE','SILVER','GOLD','PLATINUM'"

customers = Table(
    "customers",
    metadata,
    *tenant_key(),
    Column("party_id", String(64)),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    Column("phone", String(40)),
    Column("billing_terms_id", String(64)),
    Column("tier", String(16), nullable=False, server_default="BRONZE"),
    Column("credit_limit", MONEY),
    # credit control (migration 0024): why new work is refused, while it is
    Column("credit_block_reason", String(1000)),
    Column("credit_blocked_at", DateTime(timezone=True)),
    Column("credit_blocked_by", String(200)),
    Column("credit_unblock_reason", String(1000)),
    Column("credit_unblocked_at", DateTime(timezone=True)),
    Column("credit_unblocked_by", String(200)),
    Column("credit_version", Integer, nullable=False, server_default="1"),
    Column(
        "search_text",
        Text,
        Computed(
            "lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))",
            persisted=True,
        ),
    ),
    *audit_columns(),
    Index(
        "ix_customers_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
    Index("ix_customers_tenant_name", "tenant_id", "name", "id"),
    CheckConstraint(f"tier IN ({TIERS})", name="known_tier"),
    CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
)

vehicles = Table(
    "vehicles",
    metadata,
    *tenant_key(),
    Column("customer_id", String(64), nullable=False),
    Column("vin", String(17), nullable=False),
    Column("unit_number", String(64)),
    Column("description", String(200)),
    Column("license_plate", String(32)),
    Column(
        "search_text",
        Text,
        Computed(
            "lower(vin || ' ' || coalesce(unit_number, '') || ' ' || coalesce(license_plate, ''))",
            persisted=True,
        ),
    ),
    *audit_columns(),
    ForeignKeyConstraint(["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"]),
    Index("uq_vehicles_tenant_vin", "tenant_id", "vin", unique=True),
    Index("ix_vehicles_tenant_customer", "tenant_id", "customer_id", "id"),
    Index(
        "ix_vehicles_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
)
