"""Invoices of one tenant: the header row, its lines and its journal entries.

An invoice is read in three statements (header, lines, journal lines) and so is a page
of them. Saving writes the header with a version-checked UPDATE and only *inserts*
children: lines are added to drafts and never change, and the journal is append-only
(the database refuses anything else, and checks at commit that every entry balances).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, insert, select

from domain.paging import PageRequest
from domain.receivables.invoice import OPEN_STATUSES, Invoice, InvoiceNotFound, InvoiceStatus
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.lines import InvoiceLine
from domain.receivables.search import InvoiceFilter
from domain.tax import ItemType
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    of_tenant,
    one_of,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.tables import invoice_lines, invoices, journal_lines

HEADER = invoices.c
LINE = invoice_lines.c
JOURNAL = journal_lines.c
WRITTEN = [
    "status",
    "number",
    "posting_date",
    "due_date",
    "subtotal",
    "tax_total",
    "total",
    "open_balance",
    "posted_at",
    "posted_by",
    "cancelled_at",
    "cancelled_by",
    "cancellation_reason",
]
HEADER_COLUMNS = [
    c for c in invoices.c if c.name not in {"tenant_id", "subtotal", "tax_total", "total"}
]
BY_ID = select(*HEADER_COLUMNS).where(of_tenant(invoices), HEADER.id == bindparam("id"))
LOCKED_BY_ID = BY_ID.with_for_update()
OF_ORDERS = select(*HEADER_COLUMNS).where(
    of_tenant(invoices), one_of_param(HEADER.service_order_id, "order_ids")
)
LINES_OF = (
    select(*(c for c in invoice_lines.c if c.name != "tenant_id"))
    .where(of_tenant(invoice_lines), one_of_param(LINE.invoice_id, "invoice_ids"))
    .order_by(LINE.invoice_id, LINE.line_no)
)
JOURNAL_OF = (
    select(
        JOURNAL.invoice_id,
        JOURNAL.entry_id,
        JOURNAL.posted_on,
        JOURNAL.memo,
        JOURNAL.account,
        JOURNAL.account_name,
        JOURNAL.debit,
        JOURNAL.credit,
    )
    .where(of_tenant(journal_lines), one_of_param(JOURNAL.invoice_id, "invoice_ids"))
    .order_by(JOURNAL.position)
)
ADD = insert(invoices).returning(HEADER.version, HEADER.created_at, HEADER.updated_at)
SAVE = versioned_update(invoices, WRITTEN).returning(HEADER.version, HEADER.updated_at)
ADD_LINE = insert(invoice_lines)
APPEND_JOURNAL = insert(journal_lines)


class InvoiceRepository(AggregateRepository[Invoice]):
    table = invoices
    noun = "Invoice"

    def not_found(self, aggregate_id: str) -> InvoiceNotFound:
        return InvoiceNotFound(aggregate_id)

    async def add(self, invoice: Invoice) -> None:
        """Track a new invoice, inserted at commit."""
        self.track_new(invoice)

    async def search(self, where: InvoiceFilter, request: PageRequest) -> list[Invoice]:
        statement = _filtered(select(*HEADER_COLUMNS), where).order_by(
            HEADER.created_at.desc(), HEADER.id.desc()
        )
        return await self._complete(await self._page_rows(statement, request))

    async def count(self, where: InvoiceFilter) -> int:
        return await self._count(_filtered(select(HEADER.id), where))

    async def of_service_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        found = await self._complete(await self._rows(OF_ORDERS, order_ids=list(order_ids)))
        return {invoice.service_order_id or "": invoice for invoice in found}

    async def _read(self, aggregate_id: str, lock: bool) -> Invoice | None:
        row = await self._row(LOCKED_BY_ID if lock else BY_ID, id=aggregate_id)
        return None if row is None else (await self._complete([row]))[0]

    async def _complete(self, rows: Iterable[Mapping[str, Any]]) -> list[Invoice]:
        """The invoices of `rows` with their lines and journal, two statements for all."""
        headers = list(rows)
        ids = [row["id"] for row in headers]
        if not ids:
            return []
        lines: dict[str, list[InvoiceLine]] = {i: [] for i in ids}
        for row in await self._rows(LINES_OF, invoice_ids=ids):
            values = {k: v for k, v in row.items() if k != "invoice_id"}
            lines[row["invoice_id"]].append(
                InvoiceLine(**{**values, "item_type": ItemType(values["item_type"])})
            )
        entries: dict[str, dict[str, list[Any]]] = {i: {} for i in ids}
        for row in await self._rows(JOURNAL_OF, invoice_ids=ids):
            entries[row["invoice_id"]].setdefault(row["entry_id"], []).append(row)
        return [
            Invoice(
                tenant_id=self.tenant_id,
                **{**row, "status": InvoiceStatus(row["status"])},
                lines=tuple(lines[row["id"]]),
                journal=tuple(_entry(rows) for rows in entries[row["id"]].values()),
            )
            for row in headers
        ]

    def _stored_form(self, invoice: Invoice) -> dict[str, Any]:
        return {
            **{name: getattr(invoice, name) for name in WRITTEN},
            "lines": len(invoice.lines),
            "journal": len(invoice.journal),
        }

    async def _save(self, invoice: Invoice, before: dict[str, Any] | None) -> None:
        header = {name: getattr(invoice, name) for name in WRITTEN}
        if before is None:
            row = await self._row(
                ADD,
                **header,
                id=invoice.id,
                customer_id=invoice.customer_id,
                location_id=invoice.location_id,
                service_order_id=invoice.service_order_id,
                currency=invoice.currency,
                billing_terms_id=invoice.billing_terms_id,
                note=invoice.note,
                created_by=invoice.created_by,
                created_at=invoice.created_at,
                version=1,
            )
        else:
            row = await self._row(SAVE, **header, key_id=invoice.id, key_version=invoice.version)
        if row is None:
            raise self.stale(invoice.id, invoice.version)
        take_written(invoice, row)
        lines_written = 0 if before is None else before["lines"]
        await self._run_many(
            ADD_LINE,
            [_line_values(invoice.id, line) for line in invoice.lines[lines_written:]],
        )
        entries_written = 0 if before is None else before["journal"]
        await self._run_many(
            APPEND_JOURNAL,
            [
                _journal_values(invoice, entry, line_no, line)
                for entry in invoice.journal[entries_written:]
                for line_no, line in enumerate(entry.lines, start=1)
            ],
        )


def _filtered(statement: Select, where: InvoiceFilter) -> Select:
    conditions = [of_tenant(invoices)]
    if where.customer_id is not None:
        conditions.append(HEADER.customer_id == where.customer_id)
    if where.service_order_id is not None:
        conditions.append(HEADER.service_order_id == where.service_order_id)
    if where.statuses:
        conditions.append(one_of(HEADER.status, [s.value for s in where.statuses]))
    if where.due_from is not None:
        conditions.append(HEADER.due_date >= where.due_from)
    if where.due_to is not None:
        conditions.append(HEADER.due_date <= where.due_to)
    if where.overdue_on is not None:
        conditions += [
            one_of(HEADER.status, [s.value for s in OPEN_STATUSES]),
            HEADER.due_date < where.overdue_on,
            HEADER.open_balance > 0,
        ]
    return statement.where(*conditions)


def _entry(rows: list[Mapping[str, Any]]) -> JournalEntry:
    first = rows[0]
    return JournalEntry(
        first["entry_id"],
        first["posted_on"],
        first["memo"],
        tuple(
            JournalLine(
                row["account"],
                row["account_name"],
                Side.DEBIT if row["debit"] else Side.CREDIT,
                row["debit"] or row["credit"],
            )
            for row in rows
        ),
    )


def _line_values(invoice_id: str, line: InvoiceLine) -> dict[str, Any]:
    return {
        "invoice_id": invoice_id,
        "line_no": line.line_no,
        "description": line.description,
        "item_type": line.item_type.value,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
        "tax_code": line.tax_code,
        "net_amount": line.net_amount,
        "tax_amount": line.tax_amount,
    }


def _journal_values(
    invoice: Invoice, entry: JournalEntry, line_no: int, line: JournalLine
) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "line_no": line_no,
        "posted_on": entry.posted_on,
        "memo": entry.memo,
        "customer_id": invoice.customer_id,
        "invoice_id": invoice.id,
        "account": line.account,
        "account_name": line.account_name,
        "debit": line.debit,
        "credit": line.credit,
    }
