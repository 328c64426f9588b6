"""The parts and services catalog, searched by SKU, name and description."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

product_categories = Table(
    "product_categories",
    metadata,
    *tenant_key(),
    Column("name", String(200), nullable=False),
    *audit_columns(),
)

parts = Table(
    "parts",
    metadata,
    *tenant_key(),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("unit_price", MONEY, nullable=False),
    Column("currency_uom_id", String(3), nullable=False, server_default="USD"),
    Column("tax_code", String(64)),
    Column("availability", String(16), nullable=False, server_default="IN_STOCK"),
    Column("category_id", String(64)),
    Column(
        "search_text",
        Text,
        Computed("lower(sku || ' ' || name || ' ' || coalesce(description, ''))", persisted=True),
    ),
    *audit_columns(),
    CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    ForeignKeyConstraint(
        ["tenant_id", "category_id"], ["product_categories.tenant_id", "product_categories.id"]
    ),
    Index("uq_parts_tenant_sku", "tenant_id", "sku", unique=True),
    UniqueConstraint("tenant_id", "id", "sku", name="uq_parts_tenant_id_sku"),
    Index("ix_parts_tenant_name", "tenant_id", "name", "id"),
    Index(
        "ix_parts_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
)

services = Table(
    "services",
    metadata,
    *tenant_key(),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("pricing_model", String(16), nullable=False),
    Column("labor_units", Numeric(10, 2), nullable=False, server_default="0"),
    Column("unit_rate", MONEY, nullable=False),
    Column("currency_uom_id", String(3), nullable=False, server_default="USD"),
    Column("tax_code", String(64)),
    Column("category", String(32), nullable=False),
    Column(
        "search_text",
        Text,
        Computed("lower(name || ' ' || coalesce(description, ''))", persisted=True),
    ),
    *audit_columns(),
    CheckConstraint("unit_rate >= 0", name="unit_rate_not_negative"),
    CheckConstraint("labor_units >= 0", name="labor_units_not_negative"),
    Index("ix_services_tenant_name", "tenant_id", "name", "id"),
    Index(
        "ix_services_search_trgm",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    ),
)
