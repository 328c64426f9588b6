"""receivables: invoices and their lines, the invoice number series, GL accounts per
tenant, and the append-only journal whose every entry balances

Revision ID: 0021_receivables
Revises: 0020_customer_inventory_view
Create Date: 2026-12-05 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_receivables"
down_revision: str | None = "0020_customer_inventory_view"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(precision=18, scale=2)
STATUSES = "'DRAFT','POSTED','PARTIALLY_PAID','PAID','CANCELLED','WRITTEN_OFF'"

# The journal is the ledger: the database refuses to change or remove a line...
JOURNAL_IMMUTABLE_FUNCTION = """
CREATE FUNCTION journal_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal lines are immutable: % refused; post a reversing entry', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
# ... and, when the transaction commits, an entry whose debits and credits differ.
JOURNAL_BALANCED_FUNCTION = """
CREATE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    difference numeric;
BEGIN
    SELECT sum(debit) - sum(credit) INTO difference FROM journal_lines
     WHERE tenant_id = NEW.tenant_id AND entry_id = NEW.entry_id;
    IF difference <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)',
            NEW.entry_id, difference USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$
"""


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
    op.create_table(
        "invoices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("service_order_id", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("billing_terms_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("tax_total", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("open_balance", MONEY, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by", sa.String(length=200), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=200), nullable=True),
        sa.Column("cancellation_reason", sa.String(length=1000), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        *_audit_columns(),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_invoices_known_status")),
        sa.CheckConstraint(
            "status = 'DRAFT' OR number IS NOT NULL", name=op.f("ck_invoices_posted_has_number")
        ),
        sa.CheckConstraint(
            "0 <= open_balance AND open_balance <= total",
            name=op.f("ck_invoices_open_within_total"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name="fk_invoice_customer",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "location_id"],
            ["locations.tenant_id", "locations.id"],
            name="fk_invoice_location",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_invoices")),
    )
    op.create_index(
        "ix_invoices_tenant_customer", "invoices", ["tenant_id", "customer_id", "created_at"]
    )
    op.create_index("ix_invoices_tenant_created", "invoices", ["tenant_id", "created_at", "id"])
    op.create_index("ix_invoices_tenant_due", "invoices", ["tenant_id", "due_date"])
    op.create_index(
        "uq_invoices_tenant_number",
        "invoices",
        ["tenant_id", "number"],
        unique=True,
        postgresql_where=sa.text("number IS NOT NULL"),
    )
    op.create_index(
        "uq_invoices_tenant_service_order",
        "invoices",
        ["tenant_id", "service_order_id"],
        unique=True,
        postgresql_where=sa.text("service_order_id IS NOT NULL"),
    )
    op.create_table(
        "invoice_lines",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("item_type", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("discount", MONEY, nullable=False),
        sa.Column("tax_code", sa.String(length=64), nullable=False),
        sa.Column("net_amount", MONEY, nullable=False),
        sa.Column("tax_amount", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "invoice_id"],
            ["invoices.tenant_id", "invoices.id"],
            name="fk_line_invoice",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "invoice_id", "line_no", name=op.f("pk_invoice_lines")
        ),
    )
    op.create_table(
        "invoice_number_series",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_number > 0", name=op.f("ck_invoice_number_series_positive")),
        sa.PrimaryKeyConstraint("tenant_id", "year", name=op.f("pk_invoice_number_series")),
    )
    op.create_table(
        "gl_accounts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "role", name=op.f("pk_gl_accounts")),
    )
    op.create_table(
        "journal_lines",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=96), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("invoice_id", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)",
            name=op.f("ck_journal_lines_one_side"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "invoice_id"],
            ["invoices.tenant_id", "invoices.id"],
            name="fk_journal_invoice",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "entry_id", "line_no", name=op.f("pk_journal_lines")),
    )
    op.create_index(
        "ix_journal_lines_tenant_invoice", "journal_lines", ["tenant_id", "invoice_id", "position"]
    )
    op.create_index(
        "ix_journal_lines_tenant_account", "journal_lines", ["tenant_id", "account", "posted_on"]
    )
    op.execute(JOURNAL_IMMUTABLE_FUNCTION)
    op.execute(
        "CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines "
        "FOR EACH ROW EXECUTE FUNCTION journal_lines_immutable()"
    )
    op.execute(
        "CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines "
        "FOR EACH STATEMENT EXECUTE FUNCTION journal_lines_immutable()"
    )
    op.execute(JOURNAL_BALANCED_FUNCTION)
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS journal_entry_balanced ON journal_lines")
    op.execute("DROP TRIGGER IF EXISTS journal_lines_no_truncate ON journal_lines")
    op.execute("DROP TRIGGER IF EXISTS journal_lines_immutable ON journal_lines")
    op.execute("DROP FUNCTION IF EXISTS journal_entry_balanced()")
    op.execute("DROP FUNCTION IF EXISTS journal_lines_immutable()")
    for table in ("journal_lines", "gl_accounts", "invoice_number_series", "invoice_lines"):
        op.drop_table(table)
    op.drop_table("invoices")
