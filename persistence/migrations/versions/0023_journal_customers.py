"""journal customers: every journal line names its customer; the invoice is optional

A receivables ledger carries documents other than invoices: a payment's cash and its
unapplied part, a credit memo on account. Each still belongs to one customer, whose
statement and aging are read from the lines of account 1200, so the customer is on the
line and the invoice becomes optional. Existing lines take their invoice's customer
(the immutability trigger is held off for that one backfill, inside this migration's
transaction).

Revision ID: 0023_journal_customers
Revises: 0022_outbox_trace_context
Create Date: 2026-12-05 19:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_journal_customers"
down_revision: str | None = "0022_outbox_trace_context"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("journal_lines", sa.Column("customer_id", sa.String(length=64)))
    op.execute("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable")
    op.execute(
        "UPDATE journal_lines AS j SET customer_id = i.customer_id FROM invoices AS i "
        "WHERE i.tenant_id = j.tenant_id AND i.id = j.invoice_id"
    )
    op.execute("ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_immutable")
    op.alter_column("journal_lines", "customer_id", nullable=False)
    op.alter_column("journal_lines", "invoice_id", nullable=True)
    op.create_index(
        "ix_journal_lines_tenant_customer",
        "journal_lines",
        ["tenant_id", "customer_id", "posted_on", "position"],
    )


def downgrade() -> None:
    op.drop_index("ix_journal_lines_tenant_customer", table_name="journal_lines")
    op.alter_column("journal_lines", "invoice_id", nullable=False)
    op.drop_column("journal_lines", "customer_id")
