"""stock shortage alerts: each alert consumed from its topic, kept once for the list

Revision ID: 0019_stock_shortage_alerts
Revises: 0018_work_list_indexes
Create Date: 2026-12-05 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_stock_shortage_alerts"
down_revision: str | None = "0018_work_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(18, 4, asdecimal=True)


def upgrade() -> None:
    op.create_table(
        "stock_shortage_alerts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("on_hand", QUANTITY, nullable=False),
        sa.Column("reserved", QUANTITY, nullable=False),
        sa.Column("reorder_point", QUANTITY, nullable=False),
        sa.Column("shortfall", QUANTITY, nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "event_id", name=op.f("pk_stock_shortage_alerts")),
    )
    op.create_index(
        "ix_stock_shortage_alerts_tenant_detected",
        "stock_shortage_alerts",
        ["tenant_id", "detected_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_stock_shortage_alerts_tenant_detected", table_name="stock_shortage_alerts")
    op.drop_table("stock_shortage_alerts")
