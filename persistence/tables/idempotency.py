"""Idempotency keys of mutations: the claim, the request it was for, and its response.

One row per (tenant, key). It is inserted before the mutation runs (IN_PROGRESS), so a
concurrent duplicate finds it; it keeps the response once the mutation finished
(COMPLETED); it can be reclaimed once `expires_at` has passed.
"""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, func

from persistence.tables.base import metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("response_status", Integer),
    Column("response_body", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)
