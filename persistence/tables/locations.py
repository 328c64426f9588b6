"""Locations, the tax codes configured for each, and approval policies.

An approval policy belongs to one location (`policyMode` LOCATION_SPECIFIC) or, with no
location, is the tenant's default (`policyMode` DEFAULT) used where a location has none.
"""

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    text,
)

from persistence.tables.base import audit_columns, metadata, tenant_key

locations = Table(
    "locations",
    metadata,
    *tenant_key(),
    Column("name", String(200), nullable=False),
    Column("currency_uom_id", String(3), nullable=False, server_default="USD"),
    Column("time_zone", String(64), nullable=False, server_default="UTC"),
    *audit_columns(),
)

tax_codes = Table(
    "tax_codes",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("location_id", String(64), primary_key=True),
    Column("tax_code", String(64), primary_key=True),
    Column("description", String(200), nullable=False),
    Column("rate", Numeric(9, 6), nullable=False),
    Column("applicable_item_types", ARRAY(String(16)), nullable=False),
    *audit_columns(),
    CheckConstraint("rate >= 0 AND rate < 1", name="rate_is_a_fraction"),
    ForeignKeyConstraint(["tenant_id", "location_id"], ["locations.tenant_id", "locations.id"]),
)

approval_policies = Table(
    "approval_policies",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("location_id", String(64)),
    Column("approval_method", String(32), nullable=False),
    Column("require_signature", Boolean, nullable=False),
    Column("legal_terms_text", Text, nullable=False),
    Column("legal_terms_version", String(64), nullable=False),
    Column("expires_in_days", Integer, nullable=False),
    *audit_columns(),
    CheckConstraint("expires_in_days > 0", name="expires_in_days_positive"),
    ForeignKeyConstraint(["tenant_id", "location_id"], ["locations.tenant_id", "locations.id"]),
    Index(
        "uq_approval_policies_location",
        "tenant_id",
        "location_id",
        unique=True,
        postgresql_where=text("location_id IS NOT NULL"),
    ),
    Index(
        "uq_approval_policies_tenant_default",
        "tenant_id",
        unique=True,
        postgresql_where=text("location_id IS NULL"),
    ),
)
