"""customers' view of inventory: a lead time per part and location, and each level's SKU

`lead_time_days` is how long the location waits for more of the part once what is
available is gone (seed 004's `leadTime`, in days); it sits beside the reorder point,
the other replenishment setting of the pair.

`sku` is the part's, copied onto its levels so that a page of levels in SKU order is a
walk of one index (`ix_stock_levels_tenant_location_sku` for a location,
`ix_stock_levels_tenant_sku` across locations): ordered by the parts table's SKU, the
customer view's page 100 of 50 probed a level for each of the 5,000 parts before it
(17 ms at 100,000 parts, against 1.0-1.7 ms from the index). The copy cannot drift: the
foreign key to the part now includes its SKU and cascades a changed SKU to the levels.

Revision ID: 0020_customer_inventory_view
Revises: 0019_stock_shortage_alerts
Create Date: 2026-12-05 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_customer_inventory_view"
down_revision: str | None = "0019_stock_shortage_alerts"
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
    op.add_column("stock_levels", sa.Column("sku", sa.String(length=64)))
    op.execute(
        "UPDATE stock_levels AS level SET sku = part.sku FROM parts AS part "
        "WHERE part.tenant_id = level.tenant_id AND part.id = level.product_id"
    )
    op.alter_column("stock_levels", "sku", nullable=False)
    op.create_unique_constraint("uq_parts_tenant_id_sku", "parts", ["tenant_id", "id", "sku"])
    op.create_foreign_key(
        "fk_stock_part_sku",
        "stock_levels",
        "parts",
        ["tenant_id", "product_id", "sku"],
        ["tenant_id", "id", "sku"],
        onupdate="CASCADE",
    )
    op.drop_constraint("fk_stock_part", "stock_levels", type_="foreignkey")
    op.create_index(
        "ix_stock_levels_tenant_location_sku",
        "stock_levels",
        ["tenant_id", "location_id", "sku", "product_id"],
    )
    op.create_index(
        "ix_stock_levels_tenant_sku",
        "stock_levels",
        ["tenant_id", "sku", "location_id", "product_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_stock_levels_tenant_sku", table_name="stock_levels")
    op.drop_index("ix_stock_levels_tenant_location_sku", table_name="stock_levels")
    op.create_foreign_key(
        "fk_stock_part",
        "stock_levels",
        "parts",
        ["tenant_id", "product_id"],
        ["tenant_id", "id"],
    )
    op.drop_constraint("fk_stock_part_sku", "stock_levels", type_="foreignkey")
    op.drop_constraint("uq_parts_tenant_id_sku", "parts", type_="unique")
    op.drop_column("stock_levels", "sku")
    op.drop_constraint("ck_stock_levels_lead_time_days_in_range", "stock_levels", type_="check")
    op.drop_column("stock_levels", "lead_time_days")
