"""Column conventions shared by every table.

Every row is keyed by (`tenant_id`, `id`) with readable ids; money is NUMERIC(18,2);
times are timestamptz; `version` backs optimistic concurrency on updates.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, Numeric, String, func

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

MONEY = Numeric(18, 2, asdecimal=True)


def tenant_key() -> list[Column]:
    return [
        Column("tenant_id", String(64), primary_key=True),
        Column("id", String(64), primary_key=True),
    ]


def audit_columns() -> list[Column]:
    return [
        Column("version", Integer, nullable=False, server_default="1"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]
