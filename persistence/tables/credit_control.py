"""Credit control's own tables: a tenant's dunning levels, the dunning notices sent, the
write-offs proposed and approved, and the credit memos issued.

A customer's block lives on the customer's row (`customers.credit_block_reason`), so the
check a new order makes and the block that refuses it lock the same row.
A dunning notice is keyed by the customer and the run's date: a second run of the same
date finds the notice there and sends nobody a second one.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    func,
)

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

dunning_levels = Table(
    "dunning_levels",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("level", String(32), primary_key=True),
    Column("days_overdue", Integer, nullable=False),
    CheckConstraint("days_overdue > 0", name="days_positive"),
)

dunning_notices = Table(
    "dunning_notices",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("run_id", String(64), nullable=False),
    Column("level", String(32), nullable=False),
    Column("past_due_amount", MONEY, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_dunning_notices_tenant_run", "tenant_id", "run_id"),
)

write_offs = Table(
    "write_offs",
    metadata,
    *tenant_key(),
    Column("invoice_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("status", String(16), nullable=False),
    Column("proposed_by", String(200), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("approved_by", String(200)),
    Column("approved_at", DateTime(timezone=True)),
    *audit_columns(),
    CheckConstraint("status IN ('PROPOSED','APPROVED')", name="known_status"),
    CheckConstraint("amount > 0", name="amount_positive"),
    ForeignKeyConstraint(
        ["tenant_id", "invoice_id"],
        ["invoices.tenant_id", "invoices.id"],
        name="fk_write_off_invoice",
    ),
    Index("ix_write_offs_tenant_invoice", "tenant_id", "invoice_id"),
)

credit_memos = Table(
    "credit_memos",
    metadata,
    *tenant_key(),
    Column("customer_id", String(64), nullable=False),
    Column("invoice_id", String(64)),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("issued_by", String(200), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("claim_id", String(64)),
    *audit_columns(),
    CheckConstraint("amount > 0", name="amount_positive"),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_credit_memo_customer",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "invoice_id"],
        ["invoices.tenant_id", "invoices.id"],
        name="fk_credit_memo_invoice",
    ),
    Index("ix_credit_memos_tenant_customer", "tenant_id", "customer_id", "issued_at"),
)
