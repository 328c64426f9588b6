"""Every table of the gateway, on one MetaData that Alembic compares against."""

from persistence.tables.base import metadata
from persistence.tables.catalog import parts, product_categories, services
from persistence.tables.customers import customers, vehicles
from persistence.tables.locations import approval_policies, locations, tax_codes
from persistence.tables.naming import naming_series

__all__ = [
    "approval_policies",
    "customers",
    "locations",
    "metadata",
    "naming_series",
    "parts",
    "product_categories",
    "services",
    "tax_codes",
    "vehicles",
]
