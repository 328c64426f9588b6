"""Accounts receivable: invoices with their lines, the invoice number series, the
tenant's own GL accounts (and a location's, where it posts a role elsewhere), and the
journal, which is append-only. Invoice pages are filled to 90% (migration 0036): the
updates of a payment, a credit or a write-off change no indexed column, so with room on
the row's page they stay there (HOT) and write no index entry.

`journal_lines` is the general ledger of what receivables post: one row per line of a
balanced entry (`entry_id`), keyed by the entry and the line's place in it, with the
customer it belongs to and the invoice it came from, if any (migration 0023: a payment's
unapplied cash or a credit memo on account has none). Migration 0021 makes the
database refuse UPDATE, DELETE and TRUNCATE on it (as on the stock ledger and the audit
trail) and check at commit that every entry's debits equal its credits. A posting is
undone by a reversing entry.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    func,
    text,
)

from persistence.tables.base import MONEY, audit_columns, metadata, tenant_key

STATUSES = "'DRAFT','POSTED','PARTIALLY_PAID','PAID','CANCELLED','WRITTEN_OFF'"

invoices = Table(
    "invoices",
    metadata,
    *tenant_key(),
    Column("customer_id", String(64), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("service_order_id", String(64)),
    Column("sales_order_id", String(64)),
    Column("contract_id", String(64)),
    Column("billing_period_start", Date),
    Column("billing_period_end", Date),
    Column("currency", String(3), nullable=False),
    Column("billing_terms_id", String(64)),
    Column("status", String(16), nullable=False),
    Column("number", String(32)),
    Column("posting_date", Date),
    Column("due_date", Date),
    Column("subtotal", MONEY, nullable=False),
    Column("tax_total", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("open_balance", MONEY, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("posted_at", DateTime(timezone=True)),
    Column("posted_by", String(200)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancelled_by", String(200)),
    Column("cancellation_reason", String(1000)),
    Column("note", String(1000)),
    *audit_columns(),
    CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
    CheckConstraint("status = 'DRAFT' OR number IS NOT NULL", name="posted_has_number"),
    CheckConstraint("0 <= open_balance AND open_balance <= total", name="open_within_total"),
    CheckConstraint(
        "num_nonnulls(service_order_id, sales_order_id, contract_id) <= 1", name="one_source"
    ),
    CheckConstraint(
        "contract_id IS NULL OR (billing_period_start IS NOT NULL "
        "AND billing_period_end >= billing_period_start)",
        name="renewal_has_period",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "customer_id"],
        ["customers.tenant_id", "customers.id"],
        name="fk_invoice_customer",
    ),
    ForeignKeyConstraint(
        ["tenant_id", "location_id"],
        ["locations.tenant_id", "locations.id"],
        name="fk_invoice_location",
    ),
    Index("ix_invoices_tenant_customer", "tenant_id", "customer_id", "created_at"),
    Index("ix_invoices_tenant_created", "tenant_id", "created_at", "id"),
    Index("ix_invoices_tenant_due", "tenant_id", "due_date"),
    Index(
        "uq_invoices_tenant_number",
        "tenant_id",
        "number",
        unique=True,
        postgresql_where=text("number IS NOT NULL"),
    ),
    Index(
        "uq_invoices_tenant_service_order",
        "tenant_id",
        "service_order_id",
        unique=True,
        postgresql_where=text("service_order_id IS NOT NULL"),
    ),
    Index(
        "uq_invoices_tenant_sales_order",
        "tenant_id",
        "sales_order_id",
        unique=True,
        postgresql_where=text("sales_order_id IS NOT NULL"),
    ),
    Index(
        "uq_invoices_tenant_contract_period",
        "tenant_id",
        "contract_id",
        "billing_period_start",
        unique=True,
        postgresql_where=text("contract_id IS NOT NULL"),
    ),
    postgresql_with={"fillfactor": 90},
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("invoice_id", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("description", String(500), nullable=False),
    Column("item_type", String(16), nullable=False),
    Column("quantity", Numeric(18, 4, asdecimal=True), nullable=False),
    Column("unit_price", MONEY, nullable=False),
    Column("discount", MONEY, nullable=False),
    Column("tax_code", String(64), nullable=False),
    Column("net_amount", MONEY, nullable=False),
    Column("tax_amount", MONEY, nullable=False),
    ForeignKeyConstraint(
        ["tenant_id", "invoice_id"], ["invoices.tenant_id", "invoices.id"], name="fk_line_invoice"
    ),
)

invoice_number_series = Table(
    "invoice_number_series",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
    CheckConstraint("last_number > 0", name="positive"),
)

gl_accounts = Table(
    "gl_accounts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("role", String(32), primary_key=True),
    Column("number", String(32), nullable=False),
    Column("name", String(200), nullable=False),
)

location_gl_accounts = Table(
    "location_gl_accounts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("location_id", String(64), primary_key=True),
    Column("role", String(32), primary_key=True),
    Column("number", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    ForeignKeyConstraint(
        ["tenant_id", "location_id"],
        ["locations.tenant_id", "locations.id"],
        name="fk_location_gl_account_location",
    ),
)

journal_lines = Table(
    "journal_lines",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("entry_id", String(96), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("position", BigInteger, Identity(), nullable=False),
    Column("posted_on", Date, nullable=False),
    Column("memo", String(200), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("invoice_id", String(64)),
    Column("account", String(32), nullable=False),
    Column("account_name", String(200), nullable=False),
    Column("debit", MONEY, nullable=False),
    Column("credit", MONEY, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="one_side"),
    ForeignKeyConstraint(
        ["tenant_id", "invoice_id"],
        ["invoices.tenant_id", "invoices.id"],
        name="fk_journal_invoice",
    ),
    Index(
        "ix_journal_lines_tenant_invoice",
        "tenant_id",
        "invoice_id",
        "position",
        postgresql_where=text("invoice_id IS NOT NULL"),
    ),
    Index("ix_journal_lines_tenant_account", "tenant_id", "account", "posted_on"),
    Index("ix_journal_lines_tenant_customer", "tenant_id", "customer_id", "posted_on", "position"),
)
