"""The journal lines of AR documents: how every document appends its entries (one
statement for all its lines, which the `journal_balances` trigger sums once, migration
0030), and how those of credit memos and write-offs, written with their customer and,
where they have one, their invoice, are read back as the documents' entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from domain.receivables.journal import JournalEntry, JournalLine, Side
from persistence.repositories.base import by_column, insert_unnested, of_tenant, one_of_param
from persistence.tables import journal_lines

JOURNAL = journal_lines.c
APPENDED = [
    "entry_id",
    "line_no",
    "posted_on",
    "memo",
    "customer_id",
    "invoice_id",
    "account",
    "account_name",
    "debit",
    "credit",
]
APPEND = insert_unnested(journal_lines, APPENDED, shared=["tenant_id"])
"""Journal lines, however many, in one statement (values `appended(rows)`): an entry is
never written in parts, and the database's triggers run over all of it at once."""
OF_ENTRIES = (
    select(
        JOURNAL.entry_id,
        JOURNAL.posted_on,
        JOURNAL.memo,
        JOURNAL.account,
        JOURNAL.account_name,
        JOURNAL.debit,
        JOURNAL.credit,
    )
    .where(of_tenant(journal_lines), one_of_param(JOURNAL.entry_id, "entry_ids"))
    .order_by(JOURNAL.position)
)


def journal_rows(
    entries: Sequence[JournalEntry], customer_id: str, invoice_id: str | None
) -> list[dict[str, Any]]:
    return [
        {
            "entry_id": entry.entry_id,
            "line_no": line_no,
            "posted_on": entry.posted_on,
            "memo": entry.memo,
            "customer_id": customer_id,
            "invoice_id": invoice_id,
            "account": line.account,
            "account_name": line.account_name,
            "debit": line.debit,
            "credit": line.credit,
        }
        for entry in entries
        for line_no, line in enumerate(entry.lines, start=1)
    ]


def appended(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """`rows` (one dict a journal line) as `APPEND` takes them."""
    return by_column(rows, APPENDED)


def entries_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, JournalEntry]:
    """The entries of journal `rows`, by entry id."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["entry_id"], []).append(row)
    return {
        entry_id: JournalEntry(
            entry_id,
            lines[0]["posted_on"],
            lines[0]["memo"],
            tuple(
                JournalLine(
                    row["account"],
                    row["account_name"],
                    Side.DEBIT if row["debit"] else Side.CREDIT,
                    row["debit"] or row["credit"],
                )
                for row in lines
            ),
        )
        for entry_id, lines in grouped.items()
    }
