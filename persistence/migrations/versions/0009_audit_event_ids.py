"""audit event ids: each audit event has a UUID, and an estimate names its latest

Revision ID: 0009_audit_event_ids
Revises: 0008_stock_ledger
Create Date: 2026-12-05 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_audit_event_ids"
down_revision: str | None = "0008_stock_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding a column rewrites the table without firing its row triggers, so the audit
    # trail's immutability trigger stays as it is while existing events get their ids.
    op.add_column(
        "audit_events",
        sa.Column(
            "audit_event_id",
            sa.String(length=36),
            server_default=sa.text("gen_random_uuid()::text"),
            nullable=False,
        ),
    )
    op.create_unique_constraint(
        op.f("uq_audit_events_audit_event_id"), "audit_events", ["audit_event_id"]
    )
    op.add_column(
        "estimates", sa.Column("latest_audit_event_id", sa.String(length=36), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("estimates", "latest_audit_event_id")
    op.drop_constraint(op.f("uq_audit_events_audit_event_id"), "audit_events", type_="unique")
    op.drop_column("audit_events", "audit_event_id")
