"""stock reservations: quantities held per part and location for a piece of work

Revision ID: 0011_stock_reservations
Revises: 0010_customer_pricing
Create Date: 2026-12-05 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_stock_reservations"
down_revision: str | None = "0010_customer_pricing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(precision=18, scale=4)
REFERENCE_TYPES = "'ORDER_LINE','OPPORTUNITY','SERVICE_ORDER','OTHER'"
STATUSES = "'ACTIVE','RELEASED','CONSUMED','EXPIRED'"


def upgrade() -> None:
    op.create_table(
        "stock_reservations",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("reference_type", sa.String(length=16), nullable=False),
        sa.Column("reference_id", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reserved_by", sa.String(length=200), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumed_quantity", QUANTITY, nullable=True),
        sa.Column("movement_id", sa.String(length=64), nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_reservations_quantity_positive")),
        sa.CheckConstraint(
            f"reference_type IN ({REFERENCE_TYPES})",
            name=op.f("ck_stock_reservations_known_reference_type"),
        ),
        sa.CheckConstraint(
            f"status IN ({STATUSES})", name=op.f("ck_stock_reservations_known_status")
        ),
        sa.CheckConstraint(
            "(status = 'ACTIVE') = (ended_at IS NULL)",
            name=op.f("ck_stock_reservations_ended_unless_active"),
        ),
        sa.CheckConstraint(
            "(status = 'CONSUMED') = (consumed_quantity IS NOT NULL)"
            " AND (consumed_quantity IS NULL OR (consumed_quantity > 0"
            " AND consumed_quantity <= quantity))",
            name=op.f("ck_stock_reservations_consumed_within_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id", "location_id"],
            ["stock_levels.tenant_id", "stock_levels.product_id", "stock_levels.location_id"],
            name="fk_stock_reservations_level",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_stock_reservations")),
    )
    for name, columns in (
        ("ix_stock_reservations_tenant_item", ["tenant_id", "product_id", "location_id", "status"]),
        (
            "ix_stock_reservations_tenant_reference",
            ["tenant_id", "reference_type", "reference_id"],
        ),
        ("ix_stock_reservations_tenant_reserved", ["tenant_id", "reserved_at", "id"]),
    ):
        op.create_index(name, "stock_reservations", columns, unique=False)
    op.create_index(
        "ix_stock_reservations_active_expiry",
        "stock_reservations",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )


def downgrade() -> None:
    op.drop_table("stock_reservations")
