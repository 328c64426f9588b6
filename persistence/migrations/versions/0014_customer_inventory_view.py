"""customers' view of inventory: a replenishment lead time per part and location

`lead_time_days` is how long the location waits for more of the part once what is
available is gone (seed 004's `leadTime`, in days); it sits beside the reorder point,
the other replenishment setting of the pair.

Revision ID: 0014_customer_inventory_view
Revises: 0013_service_order_appointments
Create Date: 2026-12-05 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_customer_inventory_view"
down_revision: str | None = "0013_service_order_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "stock_levels",
        sa.Column("lead_time_days", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_check_constraint(
        op.f("ck_stock_levels_lead_time_days_in_range"),
        "stock_levels",
        "lead_time_days BETWEEN 0 AND 365",
    )


def downgrade() -> None:
    op.drop_constraint("ck_stock_levels_lead_time_days_in_range", "stock_levels", type_="check")
    op.drop_column("stock_levels", "lead_time_days")
