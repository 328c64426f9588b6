"""parts usage stock: the ledger movements a service order's parts took and gave back

A stocked part used on an order is issued from its location's stock (a CONSUMPTION
movement) when the usage is recorded; declining it gives the stock back (a RETURN).
Usages recorded before this keep NULLs: they moved no stock.

Revision ID: 0016_parts_usage_stock
Revises: 0015_appointments_reported
Create Date: 2026-12-05 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_parts_usage_stock"
down_revision: str | None = "0015_appointments_reported"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "parts_usages",
        sa.Column("issued_quantity", sa.Numeric(precision=18, scale=4), nullable=True),
    )
    op.add_column("parts_usages", sa.Column("movement_id", sa.String(length=64), nullable=True))
    op.add_column(
        "parts_usages", sa.Column("return_movement_id", sa.String(length=64), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_parts_usages_issued_within_quantity"),
        "parts_usages",
        "issued_quantity IS NULL OR (issued_quantity >= 0 AND issued_quantity <= quantity)",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_parts_usages_issued_within_quantity"), "parts_usages", type_="check"
    )
    op.drop_column("parts_usages", "return_movement_id")
    op.drop_column("parts_usages", "movement_id")
    op.drop_column("parts_usages", "issued_quantity")
