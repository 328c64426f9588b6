"""What finance books when a quote is approved, and the months it has locked.

`cost_transactions` is keyed by the transaction's idempotency key
(`quote:{quote_id}:service`, `quote:{quote_id}:material`): handling the same approval
twice cannot book twice. `finance_postings` remembers, per quote, whether its costs
were POSTED or BLOCKED_BY_LOCK, which the estimate shows.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)

from persistence.tables.base import MONEY, metadata

cost_transactions = Table(
    "cost_transactions",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("idempotency_key", String(200), primary_key=True),
    Column("quote_id", String(64), nullable=False),
    Column("cost_type", String(16), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_cost_transactions_tenant_quote", "tenant_id", "quote_id"),
)

finance_postings = Table(
    "finance_postings",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("quote_id", String(64), primary_key=True),
    Column("status", String(24), nullable=False),
    Column("detail", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

finance_month_locks = Table(
    "finance_month_locks",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("locked_by", String(200), nullable=False),
    Column("locked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("month BETWEEN 1 AND 12", name="month_of_year"),
)
