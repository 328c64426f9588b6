"""Per-tenant naming series that hand out readable ids (CUST-001, SO-100, ...)."""

from sqlalchemy import BigInteger, Column, String, Table

from persistence.tables.base import metadata

naming_series = Table(
    "naming_series",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("series", String(32), primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)
