"""sales orders: a header per order with its fulfilment, its lines; backorders; opportunities

Revision ID: 0017_sales_orders
Revises: 0016_parts_usage_stock
Create Date: 2026-12-05 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_sales_orders"
down_revision: str | None = "0016_parts_usage_stock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(precision=18, scale=4)
MONEY = sa.Numeric(precision=18, scale=2)
ORDER_STATUSES = (
    "'PENDING','INVENTORY_ALLOCATED','FULFILLMENT_IN_PROGRESS','SHIPPED','DELIVERED','CANCELLED'"
)
FULFILLMENT_STATUSES = "'PENDING','IN_PROGRESS','COMPLETED','SHIPPED','DELIVERED'"


def _instant(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sales_orders",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=60), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("ordered_by", sa.String(length=200), nullable=False),
        _instant("ordered_at", False),
        _instant("reserved_until", False),
        sa.Column("fulfillment_id", sa.String(length=64), nullable=True),
        sa.Column("fulfillment_status", sa.String(length=16), nullable=True),
        sa.Column("fulfillment_started_by", sa.String(length=200), nullable=True),
        _instant("fulfillment_started_at"),
        _instant("fulfillment_completed_at"),
        sa.Column("carrier", sa.String(length=200), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        _instant("shipped_at"),
        _instant("delivered_at"),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("cancelled_by", sa.String(length=200), nullable=True),
        _instant("cancelled_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            f"status IN ({ORDER_STATUSES})", name=op.f("ck_sales_orders_known_status")
        ),
        sa.CheckConstraint(
            f"fulfillment_status IN ({FULFILLMENT_STATUSES})",
            name=op.f("ck_sales_orders_known_fulfillment_status"),
        ),
        sa.CheckConstraint(
            "(fulfillment_id IS NULL) = (fulfillment_status IS NULL)",
            name=op.f("ck_sales_orders_fulfillment_has_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_sales_orders_customer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_sales_orders")),
    )
    op.create_index(
        "ix_sales_orders_tenant_customer", "sales_orders", ["tenant_id", "customer_id", "status"]
    )
    op.create_index(
        "ix_sales_orders_tenant_ordered", "sales_orders", ["tenant_id", "ordered_at", "id"]
    )
    op.create_index(
        "ix_sales_orders_tenant_fulfillment",
        "sales_orders",
        ["tenant_id", "fulfillment_id"],
        unique=True,
    )
    op.create_table(
        "sales_order_lines",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("reservation_id", sa.String(length=64), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sales_order_lines_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_sales_order_lines_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "order_id"],
            ["sales_orders.tenant_id", "sales_orders.id"],
            name="fk_sales_order_lines_order",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id"],
            ["parts.tenant_id", "parts.id"],
            name="fk_sales_order_lines_part",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "order_id", "line_number", name=op.f("pk_sales_order_lines")
        ),
    )

    op.create_table(
        "backorders",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        _instant("requested_at", False),
        sa.Column("expected_fulfillment_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reservation_id", sa.String(length=64), nullable=True),
        _instant("fulfilled_at"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_backorders_quantity_positive")),
        sa.CheckConstraint(
            "priority IN ('LOW','MEDIUM','HIGH','URGENT')",
            name=op.f("ck_backorders_known_priority"),
        ),
        sa.CheckConstraint(
            "status IN ('PENDING','FULFILLED')", name=op.f("ck_backorders_known_status")
        ),
        sa.CheckConstraint(
            "(status = 'FULFILLED') = (reservation_id IS NOT NULL)",
            name=op.f("ck_backorders_fulfilled_is_reserved"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_backorders_customer",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id"], ["parts.tenant_id", "parts.id"], name="fk_backorders_part"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_backorders")),
    )
    op.create_index(
        "ix_backorders_pending_queue",
        "backorders",
        ["tenant_id", "product_id", "location_id", "priority_rank", "requested_at", "id"],
        postgresql_where=sa.text("status = 'PENDING'"),
    )
    op.create_index(
        "ix_backorders_tenant_requested", "backorders", ["tenant_id", "requested_at", "id"]
    )

    op.create_table(
        "opportunities",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("sales_rep_id", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("probability", sa.Numeric(precision=3, scale=2), nullable=False),
        sa.Column("expected_close_date", sa.Date(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "stage IN ('LEAD','QUALIFIED','PROPOSAL','NEGOTIATION','CLOSED_WON','CLOSED_LOST')",
            name=op.f("ck_opportunities_known_stage"),
        ),
        sa.CheckConstraint(
            "probability BETWEEN 0 AND 1", name=op.f("ck_opportunities_probability_is_a_fraction")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_opportunities_customer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_opportunities")),
    )
    op.create_index(
        "ix_opportunities_tenant_customer", "opportunities", ["tenant_id", "customer_id", "stage"]
    )
    op.create_table(
        "opportunity_items",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("opportunity_id", sa.String(length=64), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("reservation_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_opportunity_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "opportunity_id"],
            ["opportunities.tenant_id", "opportunities.id"],
            name="fk_opportunity_items_opportunity",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id"],
            ["parts.tenant_id", "parts.id"],
            name="fk_opportunity_items_part",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "opportunity_id", "line_number", name=op.f("pk_opportunity_items")
        ),
    )


def downgrade() -> None:
    op.drop_table("opportunity_items")
    op.drop_table("opportunities")
    op.drop_table("backorders")
    op.drop_table("sales_order_lines")
    op.drop_table("sales_orders")
