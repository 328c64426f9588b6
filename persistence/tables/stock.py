"""The stock ledger: levels per (part, location) and the append-only movements behind them.

`stock_levels` keeps on-hand, reserved, the reorder point and the lead time of each
pair a stock command ever touched, in step with `stock_movements` in the same
transaction: on-hand is the sum of the pair's movements (signed changes), and
`0 <= reserved <= on_hand` is a CHECK, so no bug can oversell. `sku` is the part's,
kept on the level so pages in SKU order walk one index; the foreign key to the part
includes it and cascades a changed SKU (migration 0014). Movements are only ever
inserted: a trigger created by migration 0008 refuses UPDATE, DELETE and TRUNCATE, as
it does for the audit trail. `position` orders the ledger as it was written.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    func,
)

from persistence.tables.base import MONEY, audit_columns, metadata

QUANTITY = Numeric(18, 4, asdecimal=True)
KINDS = "'RECEIPT','ISSUE','TRANSFER_OUT','TRANSFER_IN','ADJUSTMENT','CONSUMPTION','RETURN'"

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("product_id", String(64), primary_key=True),
    Column("location_id", String(64), primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("on_hand", QUANTITY, nullable=False, server_default="0"),
    Column("reserved", QUANTITY, nullable=False, server_default="0"),
    Column("reorder_point", QUANTITY, nullable=False, server_default="0"),
    Column("lead_time_days", Integer, nullable=False, server_default="0"),
    *audit_columns(),
    CheckConstraint("0 <= reserved AND reserved <= on_hand", name="reserved_within_on_hand"),
    CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
    CheckConstraint("lead_time_days BETWEEN 0 AND 365", name="lead_time_days_in_range"),
    ForeignKeyConstraint(
        ["tenant_id", "product_id", "sku"],
        ["parts.tenant_id", "parts.id", "parts.sku"],
        name="fk_stock_part_sku",
        onupdate="CASCADE",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "location_id"],
        ["locations.tenant_id", "locations.id"],
        name="fk_stock_location",
    ),
    Index("ix_stock_levels_tenant_location", "tenant_id", "location_id", "product_id"),
    Index("ix_stock_levels_tenant_location_sku", "tenant_id", "location_id", "sku", "product_id"),
    Index("ix_stock_levels_tenant_sku", "tenant_id", "sku", "location_id", "product_id"),
    postgresql_with={"fillfactor": 80},
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("position", BigInteger, Identity(), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("on_hand_after", QUANTITY, nullable=False),
    Column("unit_cost", MONEY),
    Column("reference", String(100)),
    Column("reason", String(500)),
    Column("counterpart_location_id", String(64)),
    Column("recorded_by", String(200), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(f"kind IN ({KINDS})", name="known_kind"),
    CheckConstraint(
        "(kind IN ('RECEIPT','TRANSFER_IN','RETURN') AND quantity > 0)"
        " OR (kind IN ('ISSUE','TRANSFER_OUT','CONSUMPTION') AND quantity < 0)"
        " OR (kind = 'ADJUSTMENT' AND quantity <> 0 AND reason IS NOT NULL)",
        name="signed_by_kind",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "product_id", "location_id"],
        ["stock_levels.tenant_id", "stock_levels.product_id", "stock_levels.location_id"],
        name="fk_stock_movements_level",
    ),
    Index("ix_stock_movements_tenant_item", "tenant_id", "product_id", "location_id", "position"),
    Index("ix_stock_movements_tenant_location", "tenant_id", "location_id", "position"),
    Index("ix_stock_movements_tenant_reference", "tenant_id", "reference", "position"),
    Index("ix_stock_movements_tenant_occurred", "tenant_id", "occurred_at", "position"),
    Index("ix_stock_movements_tenant_position", "tenant_id", "position"),
)


# Stock shortage alerts as consumed from their topic, each once (domain/inventory/shortages.py).
stock_shortage_alerts = Table(
    "stock_shortage_alerts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("on_hand", QUANTITY, nullable=False),
    Column("reserved", QUANTITY, nullable=False),
    Column("reorder_point", QUANTITY, nullable=False),
    Column("shortfall", QUANTITY),
    Column("reference", String(100)),
    Column("detected_at", DateTime(timezone=True), nullable=False),
    Index("ix_stock_shortage_alerts_tenant_detected", "tenant_id", "detected_at"),
)
