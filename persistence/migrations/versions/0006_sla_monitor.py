"""sla monitor: published alerts, at-risk and dashboard indexes on service orders

Revision ID: 0006_sla_monitor
Revises: 0005_service_orders
Create Date: 2026-11-21 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sla_monitor"
down_revision: str | None = "0005_service_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('REQUESTED','SCHEDULED','DISPATCHED','IN_PROGRESS')"


def upgrade() -> None:
    op.create_table(
        "sla_alerts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service_order_id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "service_order_id", "target", "kind", name=op.f("pk_sla_alerts")
        ),
    )
    op.create_index(
        "ix_sla_alerts_tenant_kind_raised",
        "sla_alerts",
        ["tenant_id", "kind", "raised_at"],
        unique=False,
        postgresql_include=["location_id"],
    )
    op.create_index(
        "ix_service_orders_open_response_at_risk",
        "service_orders",
        ["response_at_risk_at"],
        unique=False,
        postgresql_where=sa.text(f"{OPEN} AND scheduled_at IS NULL"),
    )
    op.create_index(
        "ix_service_orders_open_resolution_at_risk",
        "service_orders",
        ["resolution_at_risk_at"],
        unique=False,
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        "ix_service_orders_open_by_location",
        "service_orders",
        ["tenant_id", "location_id", "status", "priority"],
        unique=False,
        postgresql_include=[
            "scheduled_at",
            "response_at_risk_at",
            "response_due_at",
            "resolution_at_risk_at",
            "resolution_due_at",
        ],
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_service_orders_open_by_location", table_name="service_orders")
    op.drop_index("ix_service_orders_open_resolution_at_risk", table_name="service_orders")
    op.drop_index("ix_service_orders_open_response_at_risk", table_name="service_orders")
    op.drop_index("ix_sla_alerts_tenant_kind_raised", table_name="sla_alerts")
    op.drop_table("sla_alerts")
