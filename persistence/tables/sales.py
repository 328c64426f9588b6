"""Sales orders: a header per order (with its one fulfilment's columns) and its lines;
backorders, queued per stock item by priority and age (the partial index on PENDING ones).

A line names the reservation that holds its stock (`stock_reservations`, reference type
ORDER_LINE); the lines are written once, when the order is taken, and the header moves
through the order's states with a version, as every aggregate's row does.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    text,
)

from persistence.tables.base import MONEY, audit_columns, metadata
from persistence.tables.stock import QUANTITY

ORDER_STATUSES = (
    "'PENDING','INVENTORY_ALLOCATED','FULFILLMENT_IN_PROGRESS','SHIPPED','DELIVERED','CANCELLED'"
)
FULFILLMENT_STATUSES = "'PENDING','IN_PROGRESS','COMPLETED','SHIPPED','DELIVERED'"

sales_orders = Table(
    "sales_orders",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("address_line1", String(200), nullable=False),
    Column("address_line2", String(200)),
    Column("city", String(200), nullable=False),
    Column("region", String(200)),
    Column("postal_code", String(20), nullable=False),
    Column("country", String(60), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("ordered_by", String(200), nullable=False),
    Column("ordered_at", DateTime(timezone=True), nullable=False),
    Column("reserved_until", DateTime(timezone=True), nullable=False),
    Column("fulfillment_id", String(64)),
    Column("fulfillment_status", String(16)),
    Column("fulfillment_started_by", String(200)),
    Column("fulfillment_started_at", DateTime(timezone=True)),
    Column("fulfillment_completed_at", DateTime(timezone=True)),
    Column("carrier", String(200)),
    Column("tracking_number", String(100)),
    Column("shipped_at", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("cancel_reason", String(200)),
    Column("cancelled_by", String(200)),
    Column("cancelled_at", DateTime(timezone=True)),
    *audit_columns(),
    CheckConstraint(f"status IN ({ORDER_STATUSES})", name="known_status"),
    CheckConstraint(
        f"fulfillment_status IN ({FULFILLMENT_STATUSES})", name="known_fulfillment_status"
    ),
    CheckConstraint(
        "(fulfillment_id IS NULL) = (fulfillment_status IS NULL)", name="fulfillment_has_status"
    ),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_sales_orders_customer",
    ),
    Index("ix_sales_orders_tenant_customer", "tenant_id", "customer_id", "status"),
    Index("ix_sales_orders_tenant_ordered", "tenant_id", "ordered_at", "id"),
    Index(
        "ix_sales_orders_tenant_fulfillment",
        "tenant_id",
        "fulfillment_id",
        unique=True,
        postgresql_where=text("fulfillment_id IS NOT NULL"),
    ),
)

sales_order_lines = Table(
    "sales_order_lines",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("order_id", String(64), primary_key=True),
    Column("line_number", Integer, primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("reservation_id", String(64), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("unit_price >= 0", name="price_not_negative"),
    ForeignKeyConstraint(
        ["tenant_id", "order_id"],
        ["sales_orders.tenant_id", "sales_orders.id"],
        name="fk_sales_order_lines_order",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id"],
        ["parts.tenant_id", "parts.id"],
        name="fk_sales_order_lines_part",
    ),
)

BACKORDER_PRIORITIES = "'LOW','MEDIUM','HIGH','URGENT'"

backorders = Table(
    "backorders",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("order_id", String(64)),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("priority", String(8), nullable=False),
    Column("priority_rank", Integer, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("expected_fulfillment_date", Date),
    Column("status", String(16), nullable=False),
    Column("reservation_id", String(64)),
    Column("fulfilled_at", DateTime(timezone=True)),
    *audit_columns(),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(f"priority IN ({BACKORDER_PRIORITIES})", name="known_priority"),
    CheckConstraint("status IN ('PENDING','FULFILLED')", name="known_status"),
    CheckConstraint(
        "(status = 'FULFILLED') = (reservation_id IS NOT NULL)", name="fulfilled_is_reserved"
    ),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_backorders_customer",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id"], ["parts.tenant_id", "parts.id"], name="fk_backorders_part"
    ),
    Index(
        "ix_backorders_pending_queue",
        "tenant_id",
        "product_id",
        "location_id",
        "priority_rank",
        "requested_at",
        "id",
        postgresql_where=text("status = 'PENDING'"),
    ),
    Index("ix_backorders_tenant_requested", "tenant_id", "requested_at", "id"),
)

OPPORTUNITY_STAGES = "'LEAD','QUALIFIED','PROPOSAL','NEGOTIATION','CLOSED_WON','CLOSED_LOST'"

opportunities = Table(
    "opportunities",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("sales_rep_id", String(200), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("probability", Numeric(3, 2, asdecimal=True), nullable=False),
    Column("expected_close_date", Date, nullable=False),
    Column("order_id", String(64)),
    *audit_columns(),
    CheckConstraint(f"stage IN ({OPPORTUNITY_STAGES})", name="known_stage"),
    CheckConstraint("probability BETWEEN 0 AND 1", name="probability_is_a_fraction"),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_opportunities_customer",
    ),
    Index("ix_opportunities_tenant_customer", "tenant_id", "customer_id", "stage"),
)

opportunity_items = Table(
    "opportunity_items",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("opportunity_id", String(64), primary_key=True),
    Column("line_number", Integer, primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("reservation_id", String(64)),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    ForeignKeyConstraint(
        ["tenant_id", "opportunity_id"],
        ["opportunities.tenant_id", "opportunities.id"],
        name="fk_opportunity_items_opportunity",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id"],
        ["parts.tenant_id", "parts.id"],
        name="fk_opportunity_items_part",
    ),
)
