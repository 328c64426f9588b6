"""customer pricing: customer tiers and credit limits, specific prices, tier discounts

Revision ID: 0010_customer_pricing
Revises: 0009_audit_event_ids
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_customer_pricing"
down_revision: str | None = "0009_audit_event_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=18, scale=2)
PERCENT = sa.Numeric(precision=5, scale=2)
TIERS = "'BRONZE','SILVER','GOLD','PLATINUM'"


def _stamps() -> list[sa.Column]:
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
    op.add_column(
        "customers",
        sa.Column("tier", sa.String(length=16), server_default="BRONZE", nullable=False),
    )
    op.add_column("customers", sa.Column("credit_limit", MONEY, nullable=True))
    op.create_check_constraint(op.f("ck_customers_known_tier"), "customers", f"tier IN ({TIERS})")
    op.create_check_constraint(
        op.f("ck_customers_credit_limit_not_negative"), "customers", "credit_limit >= 0"
    )
    op.create_index(
        "ix_service_orders_tenant_customer", "service_orders", ["tenant_id", "customer_id"]
    )
    op.create_table(
        "customer_price_lists",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_customer_price_lists_customer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id", name=op.f("pk_customer_price_lists")),
    )
    op.create_table(
        "customer_prices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("customer_price", MONEY, nullable=True),
        sa.Column("discount_percentage", PERCENT, nullable=True),
        sa.CheckConstraint(
            "(customer_price IS NULL) <> (discount_percentage IS NULL)",
            name=op.f("ck_customer_prices_price_or_discount"),
        ),
        sa.CheckConstraint(
            "customer_price >= 0", name=op.f("ck_customer_prices_price_not_negative")
        ),
        sa.CheckConstraint(
            "discount_percentage BETWEEN 0 AND 100",
            name=op.f("ck_customer_prices_discount_is_a_percentage"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer_price_lists.tenant_id", "customer_price_lists.customer_id"],
            name="fk_customer_prices_list",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id"],
            ["parts.tenant_id", "parts.id"],
            name="fk_customer_prices_part",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_id", "product_id", name=op.f("pk_customer_prices")
        ),
    )
    op.create_table(
        "tier_discounts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("discount_percent", PERCENT, nullable=False),
        *_stamps(),
        sa.CheckConstraint(f"tier IN ({TIERS})", name=op.f("ck_tier_discounts_known_tier")),
        sa.CheckConstraint(
            "discount_percent BETWEEN 0 AND 100",
            name=op.f("ck_tier_discounts_discount_is_a_percentage"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "tier", name=op.f("pk_tier_discounts")),
    )


def downgrade() -> None:
    op.drop_table("tier_discounts")
    op.drop_table("customer_prices")
    op.drop_table("customer_price_lists")
    op.drop_index("ix_service_orders_tenant_customer", table_name="service_orders")
    op.drop_constraint(op.f("ck_customers_credit_limit_not_negative"), "customers", type_="check")
    op.drop_constraint(op.f("ck_customers_known_tier"), "customers", type_="check")
    op.drop_column("customers", "credit_limit")
    op.drop_column("customers", "tier")
