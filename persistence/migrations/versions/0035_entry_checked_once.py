"""journal entries checked once: the balance check queued for an entry's first line only

Migration 0021's deferred check ran at commit once per journal line, each time summing
the line's whole entry: a payment to ten invoices (eleven lines, one entry) summed its
entry eleven times. Every writer appends an entry's lines in one statement (persistence/
repositories/receivables/documents.py), and the database now holds it to that: a
statement-level trigger refuses lines whose entry's first line is not written by the
same statement (so an entry cannot be written in parts, nor a line added to an entry
already written, whose first line exists: the primary key refuses a second). The
deferred check is then queued for the first line alone (`WHEN`, evaluated as the line
is written) and still sums the whole entry at commit: every entry is checked, once.

Revision ID: 0035_entry_checked_once
Revises: 0034_outbox_published_mark
Create Date: 2026-12-06 05:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035_entry_checked_once"
down_revision: str | None = "0034_outbox_published_mark"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRY_WHOLE_FUNCTION = """
CREATE FUNCTION journal_entry_whole() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry text;
BEGIN
    SELECT entry_id INTO entry FROM added
     GROUP BY tenant_id, entry_id HAVING NOT bool_or(line_no = 1) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % is written in parts: its lines go in one statement, '
            'with its first line', entry USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$
"""


def upgrade() -> None:
    op.execute(ENTRY_WHOLE_FUNCTION)
    op.execute(
        "CREATE TRIGGER journal_entry_whole AFTER INSERT ON journal_lines "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
        "EXECUTE FUNCTION journal_entry_whole()"
    )
    op.execute("DROP TRIGGER journal_entry_balanced ON journal_lines")
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.line_no = 1) "
        "EXECUTE FUNCTION journal_entry_balanced()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER journal_entry_balanced ON journal_lines")
    op.execute(
        "CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced()"
    )
    op.execute("DROP TRIGGER journal_entry_whole ON journal_lines")
    op.execute("DROP FUNCTION journal_entry_whole()")
