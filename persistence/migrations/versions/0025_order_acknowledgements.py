"""service order acknowledgements: what each order awaits from People, Order, Accounting

Seed 001's fail-closed links: a work session awaits People's work_session.completed, a
finalized snapshot Order's sales_order.created and Accounting's revenue.recorded. Orders
recorded before have no rows, so they await nothing (their sessions and snapshots count
as acknowledged).

Revision ID: 0025_order_acknowledgements
Revises: 0024_credit_control
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_order_acknowledgements"
down_revision: str | None = "0024_credit_control"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "service_order_acknowledgements"
INDEX = "ix_service_order_acknowledgements_awaited_since"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service_order_id", sa.String(length=64), nullable=False),
        sa.Column("awaited", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("awaited_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_as", sa.String(length=128), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_order_id"],
            ["service_orders.tenant_id", "service_orders.id"],
            name=op.f("fk_service_order_acknowledgements_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "service_order_id",
            "awaited",
            "reference",
            name=op.f("pk_service_order_acknowledgements"),
        ),
    )
    op.create_index(
        INDEX,
        TABLE,
        ["awaited_since"],
        postgresql_where=sa.text("acknowledged_at IS NULL AND overdue_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
