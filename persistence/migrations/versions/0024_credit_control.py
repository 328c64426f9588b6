"""credit control: customers' blocks, dunning levels and notices, write-offs, credit memos

A customer's block is on the customer's row, with a version of its own
(`credit_version`), so credit control and a clerk editing the customer never conflict,
and the check a new order makes locks the very row a block changes. Dunning notices
are keyed by customer and date, so a run repeated for a date sends nothing twice.

Revision ID: 0024_credit_control
Revises: 0023_journal_customers
Create Date: 2026-12-05 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_credit_control"
down_revision: str | None = "0023_journal_customers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=18, scale=2)


def _audit_columns() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.add_column("customers", sa.Column("credit_block_reason", sa.String(length=1000)))
    op.add_column("customers", sa.Column("credit_blocked_at", sa.DateTime(timezone=True)))
    op.add_column("customers", sa.Column("credit_blocked_by", sa.String(length=200)))
    op.add_column("customers", sa.Column("credit_unblock_reason", sa.String(length=1000)))
    op.add_column("customers", sa.Column("credit_unblocked_at", sa.DateTime(timezone=True)))
    op.add_column("customers", sa.Column("credit_unblocked_by", sa.String(length=200)))
    op.add_column(
        "customers",
        sa.Column("credit_version", sa.Integer(), server_default="1", nullable=False),
    )
    op.create_table(
        "dunning_levels",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.CheckConstraint("days_overdue > 0", name=op.f("ck_dunning_levels_days_positive")),
        sa.PrimaryKeyConstraint("tenant_id", "level", name=op.f("pk_dunning_levels")),
    )
    op.create_table(
        "dunning_notices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("past_due_amount", MONEY, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_id", "as_of", name=op.f("pk_dunning_notices")
        ),
    )
    op.create_index("ix_dunning_notices_tenant_run", "dunning_notices", ["tenant_id", "run_id"])
    op.create_table(
        "write_offs",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        *_audit_columns(),
        sa.CheckConstraint(
            "status IN ('PROPOSED','APPROVED')", name=op.f("ck_write_offs_known_status")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_write_offs_amount_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "invoice_id"],
            ["invoices.tenant_id", "invoices.id"],
            name="fk_write_off_invoice",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_write_offs")),
    )
    op.create_index("ix_write_offs_tenant_invoice", "write_offs", ["tenant_id", "invoice_id"])
    op.create_table(
        "credit_memos",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64)),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_id", sa.String(length=64)),
        *_audit_columns(),
        sa.CheckConstraint("amount > 0", name=op.f("ck_credit_memos_amount_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_credit_memo_customer",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "invoice_id"],
            ["invoices.tenant_id", "invoices.id"],
            name="fk_credit_memo_invoice",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_credit_memos")),
    )
    op.create_index(
        "ix_credit_memos_tenant_customer",
        "credit_memos",
        ["tenant_id", "customer_id", "issued_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_credit_memos_tenant_customer", table_name="credit_memos")
    op.drop_table("credit_memos")
    op.drop_index("ix_write_offs_tenant_invoice", table_name="write_offs")
    op.drop_table("write_offs")
    op.drop_index("ix_dunning_notices_tenant_run", table_name="dunning_notices")
    op.drop_table("dunning_notices")
    op.drop_table("dunning_levels")
    for column in (
        "credit_unblocked_by",
        "credit_unblocked_at",
        "credit_unblock_reason",
        "credit_version",
        "credit_blocked_by",
        "credit_blocked_at",
        "credit_block_reason",
    ):
        op.drop_column("customers", column)
