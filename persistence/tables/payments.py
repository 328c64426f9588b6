"""Payments received from customers and how they are applied to invoices.

A payment row keeps what the customer paid and what of it is not applied yet
(`unapplied`, the customer's unapplied cash, listed for a clerk by a partial index).
Its allocations are append-only rows, one per part applied to an invoice, naming the
journal entry that applied it; a reversed payment keeps them (its status says they no
longer count). A payment a bank statement line created names the statement and the
line, once: the unique index makes a replayed statement a no-op even under another
event id.

`journal_balances` is the journal summed per account, customer and document (an
invoice, or '' for none: unapplied cash, credits on account), with the invoice's due
date: a trigger adds every journal line as it is inserted (migration 0027), so it
always equals the journal's sums, and the AR aging reads it instead of every line ever
posted (an aging as of an earlier date takes back the lines posted after it); its
total sums them per due date from an index that holds the balance (migration 0029).
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
    text,
)

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

payments = Table(
    "payments",
    metadata,
    *tenant_key(),
    Column("customer_id", String(64), nullable=False),
    Column("number", String(32), nullable=False),
    Column("method", String(16), nullable=False),
    Column("payment_date", Date, nullable=False),
    Column("bank_reference", String(200)),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("unapplied", MONEY, nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("received_by", String(200), nullable=False),
    Column("reversed_at", DateTime(timezone=True)),
    Column("reversed_by", String(200)),
    Column("reversal_reason", String(1000)),
    Column("statement_id", String(64)),
    Column("statement_line", Integer),
    *audit_columns(),
    CheckConstraint("status IN ('RECEIVED','REVERSED')", name="known_status"),
    CheckConstraint("amount > 0", name="positive_amount"),
    CheckConstraint("0 <= unapplied AND unapplied <= amount", name="unapplied_within_amount"),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_payment_customer",
    ),
    Index("ix_payments_tenant_customer", "tenant_id", "customer_id", "created_at"),
    Index(
        "ix_payments_tenant_unapplied",
        "tenant_id",
        "customer_id",
        postgresql_where=text("status = 'RECEIVED' AND unapplied > 0"),
    ),
    Index(
        "uq_payments_tenant_statement_line",
        "tenant_id",
        "statement_id",
        "statement_line",
        unique=True,
        postgresql_where=text("statement_id IS NOT NULL"),
    ),
)

payment_allocations = Table(
    "payment_allocations",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("payment_id", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("invoice_id", String(64), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("entry_id", String(96), nullable=False),
    CheckConstraint("amount > 0", name="positive_amount"),
    ForeignKeyConstraint(
        ["tenant_id", "payment_id"],
        ["payments.tenant_id", "payments.id"],
        name="fk_allocation_payment",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "invoice_id"],
        ["invoices.tenant_id", "invoices.id"],
        name="fk_allocation_invoice",
    ),
    Index("ix_payment_allocations_tenant_invoice", "tenant_id", "invoice_id"),
)

journal_balances = Table(
    "journal_balances",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("account", String(32), primary_key=True),
    Column("customer_id", String(64), primary_key=True),
    Column("document", String(64), primary_key=True),
    Column("due_date", Date),
    Column("balance", MONEY, nullable=False),
    Index(
        "ix_journal_balances_open",
        "tenant_id",
        "account",
        "customer_id",
        postgresql_where=text("balance <> 0"),
    ),
    Index(
        "ix_journal_balances_due",
        "tenant_id",
        "account",
        "due_date",
        postgresql_include=["balance"],
        postgresql_where=text("balance <> 0"),
    ),
)
