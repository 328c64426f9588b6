"""The audit trail: immutable records of who decided what, about which resource.

Rows are only ever inserted, in the transaction of the decision they record. A trigger
created by migration 0004 refuses UPDATE, DELETE and TRUNCATE, so not even a bug (or a
hurried operator with psql) can rewrite history.
"""

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, String, Table, func, text
from sqlalchemy.dialects.postgresql import JSONB

from persistence.tables.base import metadata

audit_events = Table(
    "audit_events",
    metadata,
    Column("position", BigInteger, Identity(), primary_key=True),
    Column(
        "audit_event_id",
        String(36),
        nullable=False,
        unique=True,
        server_default=text("gen_random_uuid()::text"),
    ),
    Column("tenant_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_audit_events_resource", "tenant_id", "resource_type", "resource_id", "position"),
)
