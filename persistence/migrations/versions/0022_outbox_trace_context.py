"""outbox trace context: the W3C traceparent of the request or event that wrote a row

The relay publishes it as the CloudEvents `traceparent` attribute and the Kafka
`traceparent` header, so consumers continue the trace of the request that caused the
event. Rows written before (or without a trace) have none.

Revision ID: 0022_outbox_trace_context
Revises: 0021_receivables
Create Date: 2026-12-05 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_outbox_trace_context"
down_revision: str | None = "0021_receivables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("traceparent", sa.String(length=55)))


def downgrade() -> None:
    op.drop_column("outbox", "traceparent")
