"""journal balances per statement: `journal_balances` is kept once per INSERT, not per line

Migration 0027's trigger ran once per journal line: a payment applied to ten invoices
ran its PL/pgSQL, looked the invoice's due date up and upserted a balance eleven times.
Now every writer inserts a document's journal lines in one statement (unnest), and the
trigger runs once for that statement: it sums the statement's lines per account,
customer and document, with the invoices' due dates joined once, and upserts the sums
in key order (so two transactions upserting the same balances lock them in one order).
The balances are the same as before, line for line.

Revision ID: 0030_balances_per_statement
Revises: 0029_aging_by_due_date
Create Date: 2026-12-05 22:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0030_balances_per_statement"
down_revision: str | None = "0029_aging_by_due_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PER_STATEMENT = """
CREATE OR REPLACE FUNCTION journal_balances_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_balances AS b (tenant_id, account, customer_id, document, due_date,
                                       balance)
    SELECT a.tenant_id, a.account, a.customer_id, coalesce(a.invoice_id, ''), min(i.due_date),
           sum(a.debit - a.credit)
      FROM added a
      LEFT JOIN invoices i ON i.tenant_id = a.tenant_id AND i.id = a.invoice_id
     GROUP BY a.tenant_id, a.account, a.customer_id, coalesce(a.invoice_id, '')
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (tenant_id, account, customer_id, document)
    DO UPDATE SET balance = b.balance + EXCLUDED.balance,
                  due_date = coalesce(EXCLUDED.due_date, b.due_date);
    RETURN NULL;
END;
$$
"""
PER_LINE = """
CREATE OR REPLACE FUNCTION journal_balances_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_balances AS b (tenant_id, account, customer_id, document, due_date,
                                       balance)
    VALUES (NEW.tenant_id, NEW.account, NEW.customer_id, coalesce(NEW.invoice_id, ''),
            (SELECT due_date FROM invoices
              WHERE tenant_id = NEW.tenant_id AND id = NEW.invoice_id),
            NEW.debit - NEW.credit)
    ON CONFLICT (tenant_id, account, customer_id, document)
    DO UPDATE SET balance = b.balance + EXCLUDED.balance,
                  due_date = coalesce(EXCLUDED.due_date, b.due_date);
    RETURN NULL;
END;
$$
"""


def upgrade() -> None:
    op.execute("DROP TRIGGER journal_balances_add ON journal_lines")
    op.execute(PER_STATEMENT)
    op.execute(
        "CREATE TRIGGER journal_balances_add AFTER INSERT ON journal_lines "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
        "EXECUTE FUNCTION journal_balances_add()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER journal_balances_add ON journal_lines")
    op.execute(PER_LINE)
    op.execute(
        "CREATE TRIGGER journal_balances_add AFTER INSERT ON journal_lines "
        "FOR EACH ROW EXECUTE FUNCTION journal_balances_add()"
    )
