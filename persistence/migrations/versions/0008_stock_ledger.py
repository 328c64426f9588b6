"""stock ledger: stock levels per part and location, append-only stock movements

Revision ID: 0008_stock_ledger
Revises: 0007_typed_outbox_facts
Create Date: 2026-11-25 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_stock_ledger"
down_revision: str | None = "0007_typed_outbox_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(precision=18, scale=4)
KINDS = "'RECEIPT','ISSUE','TRANSFER_OUT','TRANSFER_IN','ADJUSTMENT','CONSUMPTION','RETURN'"

# Stock movements are the ledger: the database itself refuses to change or remove one.
MOVEMENTS_IMMUTABLE_FUNCTION = """
CREATE FUNCTION stock_movements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "stock_levels",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("on_hand", QUANTITY, server_default="0", nullable=False),
        sa.Column("reserved", QUANTITY, server_default="0", nullable=False),
        sa.Column("reorder_point", QUANTITY, server_default="0", nullable=False),
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
        sa.CheckConstraint(
            "0 <= reserved AND reserved <= on_hand",
            name=op.f("ck_stock_levels_reserved_within_on_hand"),
        ),
        sa.CheckConstraint(
            "reorder_point >= 0", name=op.f("ck_stock_levels_reorder_point_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id"], ["parts.tenant_id", "parts.id"], name="fk_stock_part"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "location_id"],
            ["locations.tenant_id", "locations.id"],
            name="fk_stock_location",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "product_id", "location_id", name=op.f("pk_stock_levels")
        ),
    )
    op.create_index(
        "ix_stock_levels_tenant_location",
        "stock_levels",
        ["tenant_id", "location_id", "product_id"],
        unique=False,
    )
    op.create_table(
        "stock_movements",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("on_hand_after", QUANTITY, nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("counterpart_location_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_stock_movements_known_kind")),
        sa.CheckConstraint(
            "(kind IN ('RECEIPT','TRANSFER_IN','RETURN') AND quantity > 0)"
            " OR (kind IN ('ISSUE','TRANSFER_OUT','CONSUMPTION') AND quantity < 0)"
            " OR (kind = 'ADJUSTMENT' AND quantity <> 0 AND reason IS NOT NULL)",
            name=op.f("ck_stock_movements_signed_by_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "product_id", "location_id"],
            ["stock_levels.tenant_id", "stock_levels.product_id", "stock_levels.location_id"],
            name="fk_stock_movements_level",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_stock_movements")),
    )
    for name, columns in (
        ("ix_stock_movements_tenant_item", ["tenant_id", "product_id", "location_id", "position"]),
        ("ix_stock_movements_tenant_location", ["tenant_id", "location_id", "position"]),
        ("ix_stock_movements_tenant_reference", ["tenant_id", "reference", "position"]),
        ("ix_stock_movements_tenant_occurred", ["tenant_id", "occurred_at", "position"]),
        ("ix_stock_movements_tenant_position", ["tenant_id", "position"]),
    ):
        op.create_index(name, "stock_movements", columns, unique=False)
    op.execute(MOVEMENTS_IMMUTABLE_FUNCTION)
    op.execute(
        "CREATE TRIGGER stock_movements_immutable BEFORE UPDATE OR DELETE ON stock_movements "
        "FOR EACH ROW EXECUTE FUNCTION stock_movements_immutable()"
    )
    op.execute(
        "CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements "
        "FOR EACH STATEMENT EXECUTE FUNCTION stock_movements_immutable()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS stock_movements_no_truncate ON stock_movements")
    op.execute("DROP TRIGGER IF EXISTS stock_movements_immutable ON stock_movements")
    op.execute("DROP FUNCTION IF EXISTS stock_movements_immutable()")
    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
