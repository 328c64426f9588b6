"""Every table of the gateway, on one MetaData that Alembic compares against."""

from persistence.tables.audit import audit_events
from persistence.tables.base import metadata
from persistence.tables.catalog import parts, product_categories, services
from persistence.tables.cost_transactions import (
    cost_transactions,
    finance_month_locks,
    finance_postings,
)
from persistence.tables.credit_control import (
    credit_memos,
    dunning_levels,
    dunning_notices,
    write_offs,
)
from persistence.tables.customer_pricing import (
    customer_price_lists,
    customer_prices,
    tier_discounts,
)
from persistence.tables.customers import customers, vehicles
from persistence.tables.estimates import estimate_approvals, estimate_items, estimates
from persistence.tables.events import inbox, outbox, outbox_cursor
from persistence.tables.finance import financial_periods
from persistence.tables.idempotency import idempotency_keys
from persistence.tables.locations import approval_policies, locations, tax_codes
from persistence.tables.naming import naming_series
from persistence.tables.receivables import (
    gl_accounts,
    invoice_lines,
    invoice_number_series,
    invoices,
    journal_lines,
)
from persistence.tables.reservations import stock_reservations
from persistence.tables.sales import (
    backorders,
    opportunities,
    opportunity_items,
    sales_order_lines,
    sales_orders,
)
from persistence.tables.service_orders import (
    billing_snapshots,
    parts_usages,
    people,
    service_order_acknowledgements,
    service_order_appointments,
    service_order_gl_entries,
    service_order_items,
    service_orders,
    sla_policies,
    work_sessions,
)
from persistence.tables.sla import sla_alerts
from persistence.tables.stock import stock_levels, stock_movements, stock_shortage_alerts

__all__ = [
    "approval_policies",
    "audit_events",
    "backorders",
    "billing_snapshots",
    "cost_transactions",
    "credit_memos",
    "customer_price_lists",
    "customer_prices",
    "customers",
    "dunning_levels",
    "dunning_notices",
    "estimate_approvals",
    "estimate_items",
    "estimates",
    "finance_month_locks",
    "finance_postings",
    "financial_periods",
    "gl_accounts",
    "idempotency_keys",
    "inbox",
    "invoice_lines",
    "invoice_number_series",
    "invoices",
    "journal_lines",
    "locations",
    "metadata",
    "naming_series",
    "opportunities",
    "opportunity_items",
    "outbox",
    "outbox_cursor",
    "parts",
    "parts_usages",
    "people",
    "product_categories",
    "sales_order_lines",
    "sales_orders",
    "service_order_acknowledgements",
    "service_order_appointments",
    "service_order_gl_entries",
    "service_order_items",
    "service_orders",
    "services",
    "sla_alerts",
    "sla_policies",
    "stock_levels",
    "stock_movements",
    "stock_reservations",
    "stock_shortage_alerts",
    "tax_codes",
    "tier_discounts",
    "vehicles",
    "work_sessions",
    "write_offs",
]
