"""The transactional outbox and the inbox of events from other systems.

`outbox`: written in the same transaction as the state change it describes. The relay
gives each row a gap-free `sequence` in publishing order (the cursor clients resume
from) and its `numbered_at`, publishes it, then advances `outbox_cursor`'s
`published_through` past it: it publishes in sequence order, so one mark says which rows
are published. `traceparent` is the W3C trace context current when the row was written
(the request's operation, or the inbound event being handled), which the relay sends
with the event; `correlation_id` is seed 001's `correlationId` of the same
(persistence/correlation.py), sent with it too.

`inbox`: one row per (consumer, event id) handled, written in the same transaction as
the handler's effect, so a replayed or duplicated event has no second effect.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from persistence.tables.base import metadata

outbox = Table(
    "outbox",
    metadata,
    Column("position", BigInteger, Identity(), primary_key=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("tenant_id", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("aggregate_type", String(64), nullable=False),
    Column("aggregate_id", String(64), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("traceparent", String(55)),
    Column("correlation_id", String(128)),
    Column("sequence", BigInteger),
    Column("numbered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_outbox_unsequenced", "position", postgresql_where=text("sequence IS NULL")),
    # Only numbered rows: an event's insert then maintains neither (migration 0031).
    Index(
        "uq_outbox_sequence",
        "sequence",
        unique=True,
        postgresql_where=text("sequence IS NOT NULL"),
    ),
    Index(
        "ix_outbox_tenant_sequence",
        "tenant_id",
        "sequence",
        postgresql_where=text("sequence IS NOT NULL"),
    ),
)

outbox_cursor = Table(
    "outbox_cursor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
    # Every event numbered up to this one is published (migration 0034)
    Column("published_through", BigInteger, nullable=False, server_default=text("0")),
    # The marker the relay last wrote to the broker (subscriptions/broker_marker.py)
    Column("broker_marker", String(36)),
)

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("topic", String(255), nullable=False),
    Column("event_type", String(128)),
    Column("tenant_id", String(64)),
    Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("outcome", Text),
)
