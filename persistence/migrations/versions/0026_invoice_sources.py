"""invoice sources: sales orders and contract renewals; per-location GL accounts

An invoice may come from a fulfilled sales order (`sales_order_id`, at most one invoice
per order) or from a contract's renewal for a billing period (`contract_id` with
`billing_period_start`/`_end`, at most one invoice per contract and period); the unique
indexes make a re-sent event create nothing twice. `location_gl_accounts` holds the
accounts a location posts a role to instead of the tenant's (seed 001's location GL
accounts).

Revision ID: 0026_invoice_sources
Revises: 0025_order_acknowledgements
Create Date: 2026-12-05 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_invoice_sources"
down_revision: str | None = "0025_order_acknowledgements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("sales_order_id", sa.String(length=64), nullable=True))
    op.add_column("invoices", sa.Column("contract_id", sa.String(length=64), nullable=True))
    op.add_column("invoices", sa.Column("billing_period_start", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("billing_period_end", sa.Date(), nullable=True))
    op.create_check_constraint(
        op.f("ck_invoices_one_source"),
        "invoices",
        "num_nonnulls(service_order_id, sales_order_id, contract_id) <= 1",
    )
    op.create_check_constraint(
        op.f("ck_invoices_renewal_has_period"),
        "invoices",
        "contract_id IS NULL OR (billing_period_start IS NOT NULL "
        "AND billing_period_end >= billing_period_start)",
    )
    op.create_index(
        "uq_invoices_tenant_sales_order",
        "invoices",
        ["tenant_id", "sales_order_id"],
        unique=True,
        postgresql_where=sa.text("sales_order_id IS NOT NULL"),
    )
    op.create_index(
        "uq_invoices_tenant_contract_period",
        "invoices",
        ["tenant_id", "contract_id", "billing_period_start"],
        unique=True,
        postgresql_where=sa.text("contract_id IS NOT NULL"),
    )
    op.create_table(
        "location_gl_accounts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "location_id"],
            ["locations.tenant_id", "locations.id"],
            name="fk_location_gl_account_location",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "location_id", "role", name=op.f("pk_location_gl_accounts")
        ),
    )


def downgrade() -> None:
    op.drop_table("location_gl_accounts")
    op.drop_index("uq_invoices_tenant_contract_period", table_name="invoices")
    op.drop_index("uq_invoices_tenant_sales_order", table_name="invoices")
    op.drop_constraint(op.f("ck_invoices_renewal_has_period"), "invoices", type_="check")
    op.drop_constraint(op.f("ck_invoices_one_source"), "invoices", type_="check")
    for column in ("billing_period_end", "billing_period_start", "contract_id", "sales_order_id"):
        op.drop_column("invoices", column)
