"""active reservations by item: the ACTIVE reservations of a stock item, by expiry

An order locks its items and asks, for each, whether it holds an ACTIVE reservation past
its time (which reserving expires first). Through the index by (item, status) every
ACTIVE reservation of the item was fetched from the table to compare its expiry: an
item holding many (10,000 filled backorders) made each order on it read them all. This
partial index answers from the item's ACTIVE entries in expiry order: whether one is due
is one probe, and the due ones (or all of them, for the graph) are read in the order
wanted.

Revision ID: 0033_active_reservations_by_item
Revises: 0032_order_write_storage
Create Date: 2026-12-06 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_active_reservations_by_item"
down_revision: str | None = "0032_order_write_storage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE_BY_ITEM = "ix_stock_reservations_active_item"


def upgrade() -> None:
    op.create_index(
        ACTIVE_BY_ITEM,
        "stock_reservations",
        ["tenant_id", "product_id", "location_id", "expires_at"],
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )


def downgrade() -> None:
    op.drop_index(ACTIVE_BY_ITEM, table_name="stock_reservations")
