"""work list indexes: each party's estimates and service orders, newest first

`Customer.estimates`, `Vehicle.serviceOrders`, `Location.estimates`... read each party's
page in a LATERAL subquery ordered by (created_at, id) descending; these indexes answer
it by reading the page's rows only. Measured on 50,000 estimates of 200 customers at one
location: 50 customers' first 5 estimates 13 ms -> 0.7 ms, a location's first 20
23 ms -> 0.07 ms, the root list's first page 15 ms -> 0.05 ms. The (tenant, customer)
indexes become prefixes of the new ones and go.

Revision ID: 0018_work_list_indexes
Revises: 0017_sales_orders
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_work_list_indexes"
down_revision: str | None = "0017_sales_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEWEST = ["created_at", "id"]
ADDED = [
    ("ix_estimates_tenant_created", "estimates", ["tenant_id", *NEWEST]),
    ("ix_estimates_tenant_customer_created", "estimates", ["tenant_id", "customer_id", *NEWEST]),
    ("ix_estimates_tenant_vehicle_created", "estimates", ["tenant_id", "vehicle_id", *NEWEST]),
    ("ix_estimates_tenant_location_created", "estimates", ["tenant_id", "location_id", *NEWEST]),
    (
        "ix_service_orders_tenant_customer_created",
        "service_orders",
        ["tenant_id", "customer_id", *NEWEST],
    ),
    (
        "ix_service_orders_tenant_vehicle_created",
        "service_orders",
        ["tenant_id", "vehicle_id", *NEWEST],
    ),
    (
        "ix_service_orders_tenant_location_created",
        "service_orders",
        ["tenant_id", "location_id", *NEWEST],
    ),
]
REPLACED = [
    ("ix_estimates_tenant_customer", "estimates", ["tenant_id", "customer_id"]),
    ("ix_service_orders_tenant_customer", "service_orders", ["tenant_id", "customer_id"]),
]


def upgrade() -> None:
    for name, table, columns in ADDED:
        op.create_index(name, table, columns)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _ in ADDED:
        op.drop_index(name, table_name=table)
