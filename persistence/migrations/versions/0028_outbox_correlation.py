"""outbox correlation id: seed 001's `correlationId` of the request or event that wrote a row

The relay publishes it in a CloudEvent's `data.correlationId` and, for every format, in
the Kafka `correlation-id` header. Rows written before have none, and are published
without one.

Revision ID: 0028_outbox_correlation
Revises: 0027_payments
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_outbox_correlation"
down_revision: str | None = "0027_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("correlation_id", sa.String(length=128)))


def downgrade() -> None:
    op.drop_column("outbox", "correlation_id")
