"""outbox: one published-through mark instead of a stamp on every row

The relay publishes in sequence order and a batch is acked whole before the next is
numbered, so the published events are always the numbered ones up to some sequence.
`outbox_cursor.published_through` holds that sequence; advancing it is a small update
of the cursor's one row (which the numbering updates anyway), where stamping
`published_at` wrote a new version of every published row, with an entry in each of its
indexes and a WAL record. The numbering, which writes the row anyway, records when it
numbered it (`numbered_at`, the old column renamed: the moments differ by the broker's
ack), which republishing a window of events still needs. The partial index of numbered,
unpublished rows goes: those rows are now the ones after the mark, which the index on
`sequence` finds.

The mark starts just before the oldest numbered row not stamped published (a row
stamped after it is sent again: at-least-once, as after any leader's stop), or at the
last number given when every numbered row was stamped.

Revision ID: 0034_outbox_published_mark
Revises: 0033_active_reservations_by_item
Create Date: 2026-12-06 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_outbox_published_mark"
down_revision: str | None = "0033_active_reservations_by_item"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox_cursor",
        sa.Column("published_through", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE outbox_cursor SET published_through = coalesce("
        "(SELECT min(sequence) - 1 FROM outbox"
        " WHERE sequence IS NOT NULL AND published_at IS NULL), last_sequence)"
    )
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.alter_column("outbox", "published_at", new_column_name="numbered_at")


def downgrade() -> None:
    op.alter_column("outbox", "numbered_at", new_column_name="published_at")
    op.execute(
        "UPDATE outbox SET published_at = NULL"
        " WHERE sequence > (SELECT published_through FROM outbox_cursor WHERE id = 1)"
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["sequence"],
        postgresql_where=sa.text("sequence IS NOT NULL AND published_at IS NULL"),
    )
    op.drop_column("outbox_cursor", "published_through")
