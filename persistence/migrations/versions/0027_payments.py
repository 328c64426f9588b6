"""payments: what customers paid, its unapplied part, and its allocations to invoices;
the journal's balances per account, customer and document, kept by a trigger

`journal_balances` holds, per (account, customer, invoice or '' for none), the sum of
the journal's debits less credits and the invoice's due date. A trigger adds each
journal line as it is inserted (the journal is append-only, so nothing else changes
it) and the table starts from the lines already posted: the AR aging reads it rather
than every line ever posted.

Revision ID: 0027_payments
Revises: 0026_invoice_sources
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_payments"
down_revision: str | None = "0026_invoice_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=18, scale=2)
JOURNAL_BALANCE_FUNCTION = """
CREATE FUNCTION journal_balances_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_balances AS b (tenant_id, account, customer_id, document, due_date,
                                       balance)
    VALUES (NEW.tenant_id, NEW.account, NEW.customer_id, coalesce(NEW.invoice_id, ''),
            (SELECT due_date FROM invoices
              WHERE tenant_id = NEW.tenant_id AND id = NEW.invoice_id),
            NEW.debit - NEW.credit)
    ON CONFLICT (tenant_id, account, customer_id, document)
    DO UPDATE SET balance = b.balance + EXCLUDED.balance,
                  due_date = coalesce(EXCLUDED.due_date, b.due_date);
    RETURN NULL;
END;
$$
"""
BACKFILL = """
INSERT INTO journal_balances (tenant_id, account, customer_id, document, due_date, balance)
SELECT j.tenant_id, j.account, j.customer_id, coalesce(j.invoice_id, ''), min(i.due_date),
       sum(j.debit - j.credit)
  FROM journal_lines j
  LEFT JOIN invoices i ON i.tenant_id = j.tenant_id AND i.id = j.invoice_id
 GROUP BY j.tenant_id, j.account, j.customer_id, coalesce(j.invoice_id, '')
"""


def _audit_columns() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("bank_reference", sa.String(length=200), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unapplied", MONEY, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.String(length=200), nullable=True),
        sa.Column("reversal_reason", sa.String(length=1000), nullable=True),
        sa.Column("statement_id", sa.String(length=64), nullable=True),
        sa.Column("statement_line", sa.Integer(), nullable=True),
        *_audit_columns(),
        sa.CheckConstraint(
            "status IN ('RECEIVED','REVERSED')", name=op.f("ck_payments_known_status")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_positive_amount")),
        sa.CheckConstraint(
            "0 <= unapplied AND unapplied <= amount",
            name=op.f("ck_payments_unapplied_within_amount"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_payment_customer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_payments")),
    )
    op.create_index(
        "ix_payments_tenant_customer", "payments", ["tenant_id", "customer_id", "created_at"]
    )
    op.create_index(
        "ix_payments_tenant_unapplied",
        "payments",
        ["tenant_id", "customer_id"],
        postgresql_where=sa.text("status = 'RECEIVED' AND unapplied > 0"),
    )
    op.create_index(
        "uq_payments_tenant_statement_line",
        "payments",
        ["tenant_id", "statement_id", "statement_line"],
        unique=True,
        postgresql_where=sa.text("statement_id IS NOT NULL"),
    )
    op.create_table(
        "payment_allocations",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.String(length=96), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_allocations_positive_amount")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "payment_id"],
            ["payments.tenant_id", "payments.id"],
            name="fk_allocation_payment",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "invoice_id"],
            ["invoices.tenant_id", "invoices.id"],
            name="fk_allocation_invoice",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "payment_id", "line_no", name=op.f("pk_payment_allocations")
        ),
    )
    op.create_index(
        "ix_payment_allocations_tenant_invoice",
        "payment_allocations",
        ["tenant_id", "invoice_id"],
    )

    op.create_table(
        "journal_balances",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("document", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("balance", MONEY, nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "account", "customer_id", "document", name=op.f("pk_journal_balances")
        ),
    )
    op.create_index(
        "ix_journal_balances_open",
        "journal_balances",
        ["tenant_id", "account", "customer_id"],
        postgresql_where=sa.text("balance <> 0"),
    )
    op.execute(BACKFILL)
    op.execute(JOURNAL_BALANCE_FUNCTION)
    op.execute(
        "CREATE TRIGGER journal_balances_add AFTER INSERT ON journal_lines "
        "FOR EACH ROW EXECUTE FUNCTION journal_balances_add()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS journal_balances_add ON journal_lines")
    op.execute("DROP FUNCTION IF EXISTS journal_balances_add()")
    op.drop_table("journal_balances")
    op.drop_table("payment_allocations")
    op.drop_table("payments")
