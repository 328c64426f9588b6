"""Service orders and everything recorded against them, plus the SLA policies they run on.

`service_orders` holds one row per order; its id is the order's human number (SO-001,
from the tenant's naming series, or the client's own). Work sessions, parts usage, the
billable snapshot and the GL entries hang off it, keyed by (tenant_id, service_order_id).

SLA deadlines are resolved from the tenant's policy for the order's priority when the
order is created and stored on the row, so an SLA monitor finds due deadlines with an
index range scan instead of recomputing every open order:

- `response_due_at`: the order must be scheduled (first `scheduled_at`) by then;
- `resolution_due_at`: the work must be completed (`completed_at`) by then;
- `response_at_risk_at` / `resolution_at_risk_at`: the instant the policy's at-risk share
  (80% by default) of each window has passed; from then on, still unmet, it is at risk.

All four count from `created_at`. A target is met when its `scheduled_at` /
`completed_at` is set; a CANCELLED order's clocks stop. Open statuses are REQUESTED,
SCHEDULED, DISPATCHED and IN_PROGRESS.

Billing happens at most once, enforced here and not only in code: the billing UPDATE is
conditional on `status = 'COMPLETED'` and the row's `version`, and `service_order_gl_entries`
has one row per order and account.
"""

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

STATUSES = "'REQUESTED','SCHEDULED','DISPATCHED','IN_PROGRESS','COMPLETED','BILLED','CANCELLED'"
PRIORITIES = "'LOW','MEDIUM','HIGH','CRITICAL'"
OPEN = "status IN ('REQUESTED','SCHEDULED','DISPATCHED','IN_PROGRESS')"
QUANTITY = Numeric(18, 4, asdecimal=True)


def _order_key() -> list[Column]:
    return [
        Column("tenant_id", String(64), primary_key=True),
        Column("service_order_id", String(64), primary_key=True),
    ]


def _of_order(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "service_order_id"],
        ["service_orders.tenant_id", "service_orders.id"],
        ondelete="CASCADE",
        name=f"fk_{table}_order",
    )


service_orders = Table(
    "service_orders",
    metadata,
    *tenant_key(),
    Column("customer_id", String(64), nullable=False),
    Column("vehicle_id", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("estimate_id", String(64)),
    Column("schedule_start", DateTime(timezone=True)),
    Column("schedule_end", DateTime(timezone=True)),
    Column("scheduled_at", DateTime(timezone=True)),
    Column("technician_id", String(64)),
    Column("appointment_id", String(64)),
    Column("started_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("resolution_code", String(64)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancellation_reason", Text),
    Column("contract_id", String(64)),
    Column("billed_at", DateTime(timezone=True)),
    Column("response_due_at", DateTime(timezone=True), nullable=False),
    Column("resolution_due_at", DateTime(timezone=True), nullable=False),
    Column("response_at_risk_at", DateTime(timezone=True), nullable=False),
    Column("resolution_at_risk_at", DateTime(timezone=True), nullable=False),
    *audit_columns(),
    CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
    CheckConstraint(f"priority IN ({PRIORITIES})", name="known_priority"),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"], name="fk_so_customer"
    ),
    ForeignKeyConstraint(
        ["tenant_id", "vehicle_id"], ["vehicles.tenant_id", "vehicles.id"], name="fk_so_vehicle"
    ),
    ForeignKeyConstraint(
        ["tenant_id", "location_id"], ["locations.tenant_id", "locations.id"], name="fk_so_location"
    ),
    Index(
        "uq_service_orders_tenant_estimate",
        "tenant_id",
        "estimate_id",
        unique=True,
        postgresql_where=text("estimate_id IS NOT NULL"),
    ),
    Index("ix_service_orders_tenant_created", "tenant_id", "created_at", "id"),
    # The lists' order per party (see estimates): newest first, the id breaking ties.
    Index(
        "ix_service_orders_tenant_customer_created", "tenant_id", "customer_id", "created_at", "id"
    ),
    Index(
        "ix_service_orders_tenant_vehicle_created", "tenant_id", "vehicle_id", "created_at", "id"
    ),
    Index(
        "ix_service_orders_tenant_location_created", "tenant_id", "location_id", "created_at", "id"
    ),
    Index("ix_service_orders_tenant_location_status", "tenant_id", "location_id", "status"),
    Index("ix_service_orders_tenant_status_response_due", "tenant_id", "status", "response_due_at"),
    Index(
        "ix_service_orders_tenant_status_resolution_due",
        "tenant_id",
        "status",
        "resolution_due_at",
    ),
    Index(
        "ix_service_orders_open_response_due",
        "response_due_at",
        postgresql_where=text(f"{OPEN} AND scheduled_at IS NULL"),
    ),
    Index(
        "ix_service_orders_open_resolution_due",
        "resolution_due_at",
        postgresql_where=text(OPEN),
    ),
)

# Where ShopMgmt last said the order's appointment stands (domain/service_orders/appointments.py):
# one row per order, kept apart from the order's row so a report bumps no version.
service_order_appointments = Table(
    "service_order_appointments",
    metadata,
    *_order_key(),
    Column("appointment_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("scheduled_start", DateTime(timezone=True)),
    Column("scheduled_end", DateTime(timezone=True)),
    Column("reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    _of_order("service_order_appointments"),
)

service_order_items = Table(
    "service_order_items",
    metadata,
    *_order_key(),
    Column("item_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("item_type", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("tax_code", String(64)),
    _of_order("service_order_items"),
)

work_sessions = Table(
    "work_sessions",
    metadata,
    *tenant_key(),
    Column("service_order_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("start_time", DateTime(timezone=True), nullable=False),
    Column("end_time", DateTime(timezone=True), nullable=False),
    Column("break_duration_minutes", Integer, nullable=False),
    Column("billable_minutes", Integer, nullable=False),
    Column("work_type", String(32), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("start_time < end_time", name="starts_before_end"),
    _of_order("work_sessions"),
    Index("ix_work_sessions_tenant_order", "tenant_id", "service_order_id", "start_time"),
)

parts_usages = Table(
    "parts_usages",
    metadata,
    *tenant_key(),
    Column("service_order_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("tax_code", String(64)),
    Column("declined", Boolean, nullable=False, server_default="false"),
    Column("emergency", Boolean, nullable=False, server_default="false"),
    Column("issued_quantity", QUANTITY),
    Column("movement_id", String(64)),
    Column("return_movement_id", String(64)),
    CheckConstraint("quantity > 0", name="positive_quantity"),
    CheckConstraint(
        "issued_quantity IS NULL OR (issued_quantity >= 0 AND issued_quantity <= quantity)",
        name="issued_within_quantity",
    ),
    _of_order("parts_usages"),
    Index("ix_parts_usages_tenant_order", "tenant_id", "service_order_id", "position"),
)

billing_snapshots = Table(
    "billing_snapshots",
    metadata,
    *_order_key(),
    Column("snapshot_id", String(64), nullable=False),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("finalized_by", String(200), nullable=False),
    Column("po_number", String(64)),
    Column("parts_total", MONEY, nullable=False),
    Column("labor_total", MONEY, nullable=False),
    Column("tax_total", MONEY, nullable=False),
    Column("grand_total", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", JSONB, nullable=False),
    Index("uq_billing_snapshots_tenant_snapshot", "tenant_id", "snapshot_id", unique=True),
    _of_order("billing_snapshots"),
)

service_order_gl_entries = Table(
    "service_order_gl_entries",
    metadata,
    *_order_key(),
    Column("account", String(16), primary_key=True),
    Column("account_name", String(100), nullable=False),
    Column("side", String(6), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("side IN ('DEBIT','CREDIT')", name="known_side"),
    _of_order("service_order_gl_entries"),
)

# What each order awaits from People, Order and Accounting (seed 001, fail-closed; see
# domain/service_orders/acknowledgements.py): one row per thing awaited, per work session
# or snapshot. The partial index holds the still-awaited ones the time-out sweeper reads.
PENDING_UNFLAGGED = "acknowledged_at IS NULL AND overdue_at IS NULL"
service_order_acknowledgements = Table(
    "service_order_acknowledgements",
    metadata,
    *_order_key(),
    Column("awaited", String(64), primary_key=True),
    Column("reference", String(64), primary_key=True),
    Column("awaited_since", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_as", String(128)),
    Column("overdue_at", DateTime(timezone=True)),
    _of_order("service_order_acknowledgements"),
    Index(
        "ix_service_order_acknowledgements_awaited_since",
        "awaited_since",
        postgresql_where=text(PENDING_UNFLAGGED),
    ),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("priority", String(16), primary_key=True),
    Column("response_minutes", Integer, nullable=False),
    Column("resolution_minutes", Integer, nullable=False),
    Column("at_risk_share", Numeric(4, 3, asdecimal=True), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"priority IN ({PRIORITIES})", name="known_priority"),
    CheckConstraint(
        "0 < response_minutes AND response_minutes <= resolution_minutes", name="windows"
    ),
    CheckConstraint("0 < at_risk_share AND at_risk_share < 1", name="share"),
)
"""A tenant's SLA per priority; a priority without a row runs on domain.service_orders.sla's
DEFAULT_POLICIES. Windows count from the order's creation."""

people = Table(
    "people",
    metadata,
    *tenant_key(),
    Column("name", String(200), nullable=False),
    Column("roles", ARRAY(String(32)), nullable=False),
    Column("location_ids", ARRAY(String(64)), nullable=False),
    *audit_columns(),
)
"""Who may work on and record work for orders (the People domain's facts the gateway keeps)."""
