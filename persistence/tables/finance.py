"""Financial periods that Period Close has closed, one row per tenant and period.

A row is written when the FinancialPeriodClosedEvent arrives and never changed: the
first close is the one that counts (see `resolvers/finance/periods.py`).
"""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, String, Table, func

from persistence.tables.base import metadata

financial_periods = Table(
    "financial_periods",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("closed_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("period_end >= period_start", name="ends_after_start"),
)
