"""aging by due date: the open documents of `journal_balances` indexed by due date

The AR aging's total buckets by due date alone. With the balance in the index, it sums
the open documents per due date in an index-only scan, in due-date order, and buckets
a few hundred sums instead of reading every open document's row.

Revision ID: 0029_aging_by_due_date
Revises: 0028_outbox_correlation
Create Date: 2026-12-05 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_aging_by_due_date"
down_revision: str | None = "0028_outbox_correlation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_journal_balances_due",
        "journal_balances",
        ["tenant_id", "account", "due_date"],
        postgresql_include=["balance"],
        postgresql_where=sa.text("balance <> 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_journal_balances_due", table_name="journal_balances")
