"""broker marker: the relay remembers the marker it wrote to the broker

A broker that no longer holds the marker lost what it had acknowledged (the embedded
broker keeps nothing across a restart); the relay then publishes again what it had
published recently (subscriptions/broker_marker.py).

Revision ID: 0014_broker_marker
Revises: 0013_service_order_appointments
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_broker_marker"
down_revision: str | None = "0013_service_order_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox_cursor", sa.Column("broker_marker", sa.String(length=36)))


def downgrade() -> None:
    op.drop_column("outbox_cursor", "broker_marker")
