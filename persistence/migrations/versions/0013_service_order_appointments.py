"""service order appointments: the ShopMgmt appointment a visit fulfils

Seed 001's status_changed carries `appointmentId`, which ShopMgmt reads to move its
appointment along; an order scheduled from an appointment keeps its id.

Revision ID: 0013_service_order_appointments
Revises: 0012_quote_uuids
Create Date: 2026-12-05 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_service_order_appointments"
down_revision: str | None = "0012_quote_uuids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("service_orders", sa.Column("appointment_id", sa.String(length=64)))


def downgrade() -> None:
    op.drop_column("service_orders", "appointment_id")
