"""outbox: the sequence indexes hold numbered rows only

An event is inserted without a sequence and numbered by the relay moments later, so the
unique index on `sequence` and the (tenant, sequence) index each took an entry for the
NULL at the insert and another at the numbering. Both indexes serve only numbered rows
(uniqueness of the numbers, a tenant's replay from a cursor, reads by sequence), so they
become partial, `WHERE sequence IS NOT NULL`: an event's insert maintains two fewer
indexes. Every query that reads them compares `sequence`, which PostgreSQL knows
implies the predicate. The uniqueness is the same (NULLs were never equal).

Rebuilding them reads the whole outbox once, under a lock that holds off writers.

Revision ID: 0031_outbox_numbered_indexes
Revises: 0030_balances_per_statement
Create Date: 2026-12-05 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_outbox_numbered_indexes"
down_revision: str | None = "0030_balances_per_statement"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBERED = sa.text("sequence IS NOT NULL")


def upgrade() -> None:
    op.drop_constraint("uq_outbox_sequence", "outbox", type_="unique")
    op.create_index(
        "uq_outbox_sequence", "outbox", ["sequence"], unique=True, postgresql_where=NUMBERED
    )
    op.drop_index("ix_outbox_tenant_sequence", table_name="outbox")
    op.create_index(
        "ix_outbox_tenant_sequence",
        "outbox",
        ["tenant_id", "sequence"],
        postgresql_where=NUMBERED,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_tenant_sequence", table_name="outbox")
    op.create_index("ix_outbox_tenant_sequence", "outbox", ["tenant_id", "sequence"])
    op.drop_index("uq_outbox_sequence", table_name="outbox")
    op.create_unique_constraint("uq_outbox_sequence", "outbox", ["sequence"])
