"""payment index entries: invoices keep room for their updates, the journal's lines of
no invoice stay out of the invoice index

A payment updates each invoice it pays (status, open balance, version), no indexed
column, so the update can stay on the row's page (HOT, no entry in any of the invoice's
eight indexes) when the page has room. Loaded full (fillfactor 100), 43% of those
updates moved to another page and wrote five index entries each (pg_stat_user_tables,
1,000 payments of ten invoices on the benchmark's full data). Pages filled to 90% keep
room for them. It applies to pages written from now on; `VACUUM FULL invoices` (or
pg_repack) rewrites the existing ones.

Each payment also wrote its cash line (no invoice) into `ix_journal_lines_tenant_invoice`,
as a NULL entry that no lookup reads (they are all by an invoice id); the index now holds
the lines of an invoice only.

Revision ID: 0036_payment_index_entries
Revises: 0035_entry_checked_once
Create Date: 2026-12-06 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_payment_index_entries"
down_revision: str | None = "0035_entry_checked_once"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_INVOICE = "ix_journal_lines_tenant_invoice"
BY_INVOICE_COLUMNS = ["tenant_id", "invoice_id", "position"]


def upgrade() -> None:
    op.execute("ALTER TABLE invoices SET (fillfactor = 90)")
    op.drop_index(BY_INVOICE, table_name="journal_lines")
    op.create_index(
        BY_INVOICE,
        "journal_lines",
        BY_INVOICE_COLUMNS,
        postgresql_where=sa.text("invoice_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(BY_INVOICE, table_name="journal_lines")
    op.create_index(BY_INVOICE, "journal_lines", BY_INVOICE_COLUMNS)
    op.execute("ALTER TABLE invoices RESET (fillfactor)")
