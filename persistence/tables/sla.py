"""What the SLA monitor and the operations dashboard keep and read.

`sla_alerts` remembers every alert the monitor published, one row per (tenant, order,
target, kind). Its primary key is the exactly-once guarantee: the row is inserted with
`ON CONFLICT DO NOTHING` in the transaction that writes the alert's outbox event, so of
two replicas that find the same breach at the same instant only the one whose insert
won records the event. It also answers "breaches today" per location.

The indexes below live on `service_orders` (see persistence/tables/service_orders.py)
but are declared here, beside the queries that need them:

- the monitor's cross-tenant scan finds at-risk instants by range over open orders with
  an unmet target (breaches use the due-time indexes the orders table declares);
- the dashboard counts a tenant's open orders per location, status and priority and
  judges their SLA in one index-only scan: the instants it needs are INCLUDEd.
"""

from sqlalchemy import Column, DateTime, Index, PrimaryKeyConstraint, String, Table, text

from persistence.tables.base import metadata
from persistence.tables.service_orders import OPEN, service_orders

sla_alerts = Table(
    "sla_alerts",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("service_order_id", String(64), nullable=False),
    Column("target", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "service_order_id", "target", "kind"),
    Index(
        "ix_sla_alerts_tenant_kind_raised",
        "tenant_id",
        "kind",
        "raised_at",
        postgresql_include=["location_id"],
    ),
)

UNSCHEDULED = f"{OPEN} AND scheduled_at IS NULL"

Index(
    "ix_service_orders_open_response_at_risk",
    service_orders.c.response_at_risk_at,
    postgresql_where=text(UNSCHEDULED),
)
Index(
    "ix_service_orders_open_resolution_at_risk",
    service_orders.c.resolution_at_risk_at,
    postgresql_where=text(OPEN),
)
Index(
    "ix_service_orders_open_by_location",
    service_orders.c.tenant_id,
    service_orders.c.location_id,
    service_orders.c.status,
    service_orders.c.priority,
    postgresql_include=[
        "scheduled_at",
        "response_at_risk_at",
        "response_due_at",
        "resolution_at_risk_at",
        "resolution_due_at",
    ],
    postgresql_where=text(OPEN),
)
