"""appointments reported: where ShopMgmt last said each order's appointment stands

Recorded from `com.durion.shopmgmt.appointment.updated` (fail-open, never acted on), one
row per order, apart from the order's row so a report bumps no version.

Revision ID: 0015_appointments_reported
Revises: 0014_broker_marker
Create Date: 2026-12-05 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_appointments_reported"
down_revision: str | None = "0014_broker_marker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_order_appointments",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service_order_id", sa.String(length=64), nullable=False),
        sa.Column("appointment_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_order_id"],
            ["service_orders.tenant_id", "service_orders.id"],
            name=op.f("fk_service_order_appointments_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "service_order_id", name=op.f("pk_service_order_appointments")
        ),
    )


def downgrade() -> None:
    op.drop_table("service_order_appointments")
