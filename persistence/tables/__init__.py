"""Every table of the gateway, on one MetaData that Alembic compares against."""

from persistence.tables.base import metadata
from persistence.tables.catalog import parts, product_categories, services
from persistence.tables.customers import customers, vehicles
from persistence.tables.events import inbox, outbox, outbox_cursor
from persistence.tables.finance import financial_periods
from persistence.tables.locations import approval_policies, locations, tax_codes
from persistence.tables.naming import naming_series

__all__ = [
    "approval_policies",
    "customers",
    "financial_periods",
    "inbox",
    "locations",
    "metadata",
    "naming_series",
    "outbox",
    "outbox_cursor",
    "parts",
    "product_categories",
    "services",
    "tax_codes",
    "vehicles",
]
