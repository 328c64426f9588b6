"""Invoices of one tenant: the header row, its lines and its journal entries.

An invoice is read in three statements (header, lines, journal lines) and so is a page
of them. Saving writes the header with a version-checked UPDATE (those of all the
invoices a unit of work changed in one statement) and only *inserts* children: lines
are added to drafts and never change, and the journal is append-only (the database
refuses anything else, and checks at commit that every entry balances).

The invoices a new payment applies to are the exception: their money moves (status and
open balance) are carried by the payment's own statement (`carry`, `MONEY_MOVES`,
persistence/repositories/receivables/payments.py), one round trip fewer per payment;
a payment written alone reads them unlocked, with its number and books
(`current_numbered`), and its statement locks and checks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, cast, func, insert, null, select, true, union_all

from domain.finance.periods import FinancialPeriod
from domain.paging import PageRequest
from domain.receivables.accounts import ChartOfAccounts
from domain.receivables.invoice import OPEN_STATUSES, Invoice, InvoiceNotFound, InvoiceStatus
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.lines import InvoiceLine
from domain.receivables.search import InvoiceFilter
from domain.tax import ItemType
from persistence.driver import TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    by_column,
    insert_unnested,
    of_tenant,
    one_of,
    one_of_param,
    take_written,
    versioned_update_unnested,
)
from persistence.repositories.naming import TAKE_MANY, UNFLUSHED, series_ids
from persistence.repositories.receivables.accounts import BOOKS, books_of_rows
from persistence.repositories.receivables.documents import APPEND, appended
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
OF_SALES_ORDERS = select(*HEADER_COLUMNS).where(
    of_tenant(invoices), one_of_param(HEADER.sales_order_id, "order_ids")
)
OF_RENEWAL = select(*HEADER_COLUMNS).where(
    of_tenant(invoices),
    HEADER.contract_id == bindparam("contract_id"),
    HEADER.billing_period_start == bindparam("period_start"),
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
    .where(
        of_tenant(journal_lines),
        one_of_param(JOURNAL.invoice_id, "invoice_ids"),
        # the invoice's own entries (INVC-001-POST...), not the payments applied to it
        func.starts_with(JOURNAL.entry_id, JOURNAL.invoice_id.concat("-")),
    )
    .order_by(JOURNAL.position)
)
BY_IDS = select(*HEADER_COLUMNS).where(of_tenant(invoices), one_of_param(HEADER.id, "ids"))
MONEY_COLUMNS = [*HEADER_COLUMNS, HEADER.subtotal, HEADER.tax_total]
"""An invoice loaded to take or give back money: its header with its stored totals."""
LOCKED_BY_IDS = (
    select(*MONEY_COLUMNS)
    .where(of_tenant(invoices), one_of_param(HEADER.id, "ids"))
    .order_by(HEADER.id)
    .with_for_update()
)
INVOICE_PREFIX = "invoice_"
"""The prefix of the invoices' columns beside the books' in `NUMBERED_CURRENT`."""
_TAKEN = TAKE_MANY.cte("taken")
_READ = union_all(
    select(*BOOKS.c, *(cast(null(), c.type).label(INVOICE_PREFIX + c.name) for c in MONEY_COLUMNS)),
    select(
        *(cast(null(), c.type).label(c.name) for c in BOOKS.c),
        *(c.label(INVOICE_PREFIX + c.name) for c in MONEY_COLUMNS),
    ).where(of_tenant(invoices), one_of_param(HEADER.id, "ids")),
).subquery("read")
NUMBERED_CURRENT = (
    select(_TAKEN.c.last_value, *_READ.c)
    .select_from(_TAKEN.join(UNFLUSHED, true()).outerjoin(_READ, true()))
    .order_by(_READ.c.start.desc(), _READ.c.period_id)
)
"""The next numbers of a series, the tenant's books (`BOOKS`, in `BOOKS_ORDER`) and the
invoices of `ids` as `LOCKED_BY_IDS` reads them but unlocked (columns `invoice_...`,
rows of their own): all a payment written alone needs, in one statement whose commit
does not wait for its flush (`UNFLUSHED`: the number is durable once the payment that
uses it commits, as on the numbering pool, persistence/repositories/naming.py)."""
OPEN_OF_CUSTOMERS_LOCKED = (
    select(*MONEY_COLUMNS)
    .where(
        of_tenant(invoices),
        one_of_param(HEADER.customer_id, "customer_ids"),
        one_of(HEADER.status, [s.value for s in OPEN_STATUSES]),
        HEADER.open_balance > 0,
    )
    .order_by(HEADER.id)
    .with_for_update()
)
ADD = insert(invoices).returning(HEADER.version, HEADER.created_at, HEADER.updated_at)
MONEY_WRITTEN = ("status", "open_balance")
"""All a payment, its reversal or a credit changes of an invoice."""
SAVE = {
    tuple(columns): versioned_update_unnested(invoices, columns).returning(
        HEADER.id, HEADER.version, HEADER.updated_at
    )
    for columns in (WRITTEN, MONEY_WRITTEN)
}
"""The UPDATE of many invoices' headers, by the columns it writes (`_written_columns`)."""
MONEY_MOVES = SAVE[MONEY_WRITTEN]
"""The money moves of invoices a new payment applied to, which the payment's statement
runs as a data-modifying CTE (`InvoiceRepository.carry`)."""
LINE_COLUMNS = [c.name for c in invoice_lines.c if c.name != "tenant_id"]
ADD_LINES = insert_unnested(invoice_lines, LINE_COLUMNS, shared=["tenant_id"])


class InvoiceRepository(AggregateRepository[Invoice]):
    table = invoices
    noun = "Invoice"

    def __init__(self, statements: TenantDriver):
        super().__init__(statements)
        self._carried: set[str] = set()
        self._awaiting: dict[str, Invoice] = {}

    def not_found(self, aggregate_id: str) -> InvoiceNotFound:
        return InvoiceNotFound(aggregate_id)

    def carry(self, invoice_ids: Iterable[str]) -> None:
        """Leave the money moves of these invoices to the statement that writes the new
        payment applied to them (`money_moves`, then `moved`): at commit they are not
        written here, unless something other than their money changed too."""
        self._carried.update(invoice_ids)

    def money_moves(self) -> list[Invoice]:
        """The carried invoices whose money moved and is not written yet (whether or not
        this repository was flushed first), by id."""
        moves = dict(self._awaiting)
        for invoice_id in self._carried - moves.keys():
            invoice, before, _ = self._tracked[invoice_id]
            now = self._stored_form(invoice)
            if before is not None and now != before and _money_only(invoice, before, now):
                moves[invoice_id] = invoice
        return [moves[i] for i in sorted(moves)]

    def moved(self, invoices: Sequence[Invoice], written: Mapping[str, Mapping[str, Any]]) -> None:
        """Take what the payment's statement wrote of `invoices` (`MONEY_MOVES`'s
        RETURNING by id): one it did not write was changed meanwhile, VERSION_CONFLICT."""
        for invoice in invoices:
            row = written.get(invoice.id)
            if row is None:
                raise self.stale(invoice.id, invoice.version)
            take_written(invoice, row)
            self._stored_now(invoice)
            self._awaiting.pop(invoice.id, None)
            self._carried.discard(invoice.id)

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

    async def of_sales_orders(self, order_ids: Sequence[str]) -> dict[str, Invoice]:
        found = await self._complete(await self._rows(OF_SALES_ORDERS, order_ids=list(order_ids)))
        return {invoice.sales_order_id or "": invoice for invoice in found}

    async def of_renewal(self, contract_id: str, period_start: date) -> Invoice | None:
        rows = await self._rows(OF_RENEWAL, contract_id=contract_id, period_start=period_start)
        found = await self._complete(rows)
        return found[0] if found else None

    async def by_ids(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices of `invoice_ids` this tenant has, by id (to read only)."""
        found = await self._complete(await self._rows(BY_IDS, ids=list(invoice_ids)))
        return {i.id: i for i in found}

    async def locked(self, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
        """The invoices of `invoice_ids` this tenant has, to take or give back money:
        tracked, their rows held until commit, read without their lines and journal
        (one statement). Rows are locked in id order, so two payments never wait on
        each other in a circle."""
        rows = await self._rows(LOCKED_BY_IDS, ids=sorted(set(invoice_ids)))
        return {i.id: self._tracked_or(i) for i in self._headers(rows)}

    async def current_numbered(
        self, invoice_ids: Sequence[str], series: str, count: int, width: int
    ) -> tuple[list[str], ChartOfAccounts, list[FinancialPeriod], dict[str, Invoice]]:
        """The next `count` ids of `series` (as `NamingSeries.next_ids_with_books` takes
        them, with the chart of accounts and the closed periods), and the invoices of
        `invoice_ids` this tenant has as `locked` gives them but unlocked, in one
        statement: for a payment written alone (`PaymentRepository.received_alone`),
        whose statement checks that they are still at these versions."""
        rows = await self._rows(
            NUMBERED_CURRENT, series=series, count=count, ids=sorted(set(invoice_ids))
        )
        chart, closed = books_of_rows(rows)
        found = self._headers(
            {c.name: row[INVOICE_PREFIX + c.name] for c in MONEY_COLUMNS}
            for row in rows
            if row[INVOICE_PREFIX + "id"] is not None
        )
        return (
            series_ids(series, rows[0]["last_value"], count, width),
            chart,
            closed,
            {i.id: self._tracked_or(i) for i in found},
        )

    async def open_of_customers(self, customer_ids: Sequence[str]) -> dict[str, list[Invoice]]:
        """Each customer's invoices with money owed, as `locked` gives them."""
        rows = await self._rows(OPEN_OF_CUSTOMERS_LOCKED, customer_ids=sorted(set(customer_ids)))
        found: dict[str, list[Invoice]] = {c: [] for c in customer_ids}
        for invoice in (self._tracked_or(i) for i in self._headers(rows)):
            if invoice.status in OPEN_STATUSES and invoice.open_balance > 0:
                found[invoice.customer_id].append(invoice)
        return found

    def _tracked_or(self, invoice: Invoice) -> Invoice:
        """The invoice this unit already holds (with the changes it made), else `invoice`,
        tracked: several payments of one unit (a bank statement) see each other's parts."""
        known = self._tracked.get(invoice.id)
        return known[0] if known is not None else self.track(invoice)

    async def _read(self, aggregate_id: str, lock: bool) -> Invoice | None:
        row = await self._row(LOCKED_BY_ID if lock else BY_ID, id=aggregate_id)
        return None if row is None else (await self._complete([row]))[0]

    def _headers(self, rows: Iterable[Mapping[str, Any]]) -> list[Invoice]:
        """The invoices of `rows` (`MONEY_COLUMNS`) without their lines and journal."""
        return [
            Invoice(tenant_id=self.tenant_id, **{**row, "status": InvoiceStatus(row["status"])})
            for row in rows
        ]

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

    async def _save_headers(self, columns: tuple[str, ...], saved: list[Invoice]) -> None:
        """The headers of `saved` in one UPDATE of `columns`, each row version-checked
        (one that matched no row is VERSION_CONFLICT)."""
        rows = await self._rows(SAVE[columns], **header_values(columns, saved))
        written = {row["id"]: row for row in rows}
        for invoice in saved:
            row = written.get(invoice.id)
            if row is None:
                raise self.stale(invoice.id, invoice.version)
            take_written(invoice, row)

    def _stored_form(self, invoice: Invoice) -> dict[str, Any]:
        return {
            **_header(invoice),
            "lines": len(invoice.lines),
            "journal": len(invoice.journal),
        }

    async def _save(self, invoice: Invoice, before: dict[str, Any] | None) -> None:
        await self._save_all([(invoice, before)])

    async def _save_all(self, changed: list[tuple[Invoice, dict[str, Any] | None]]) -> None:
        """New invoices inserted one by one; the changed ones' headers in one UPDATE per
        set of columns written (`_save_headers`: a payment's invoices in one); then
        every new line, and every new journal line, of them all in one INSERT each: a
        payment applied to ten invoices writes as many statements as one applied to one,
        and PostgreSQL runs each once, not once per invoice."""
        for invoice, before in changed:
            if before is None:
                take_written(invoice, await self._row(ADD, **_added(invoice)))
        by_columns: dict[tuple[str, ...], list[Invoice]] = {}
        for invoice, before in changed:
            if before is None:
                continue
            if invoice.id in self._carried and _money_only(
                invoice, before, self._stored_form(invoice)
            ):
                self._awaiting[invoice.id] = invoice
                continue
            by_columns.setdefault(_written_columns(invoice, before), []).append(invoice)
        for columns, saved in by_columns.items():
            await self._save_headers(columns, saved)
        lines = [
            _line_values(invoice.id, line)
            for invoice, before in changed
            for line in invoice.lines[0 if before is None else before["lines"] :]
        ]
        if lines:
            await self._run(ADD_LINES, **by_column(lines, LINE_COLUMNS))
        journal = [
            _journal_values(invoice, entry, line_no, line)
            for invoice, before in changed
            for entry in invoice.journal[0 if before is None else before["journal"] :]
            for line_no, line in enumerate(entry.lines, start=1)
        ]
        if journal:
            await self._run(APPEND, **appended(journal))


def header_values(columns: Sequence[str], saved: Sequence[Invoice]) -> dict[str, list[Any]]:
    """The parameters of the `SAVE[columns]` UPDATE of `saved` (`MONEY_MOVES` too)."""
    return {
        "key_id": [invoice.id for invoice in saved],
        "key_version": [invoice.version for invoice in saved],
        **{f"new_{name}": [getattr(invoice, name) for invoice in saved] for name in columns},
    }


def _money_only(invoice: Invoice, before: dict[str, Any], now: dict[str, Any]) -> bool:
    """Whether all that changed of `invoice` since `before` (its stored form `now`) is
    its status and open balance."""
    return now == {**before, **{name: getattr(invoice, name) for name in MONEY_WRITTEN}}


def _written_columns(invoice: Invoice, before: dict[str, Any]) -> tuple[str, ...]:
    """What the UPDATE of `invoice` writes: its balance and status alone when only money
    moved (a payment, a credit), else every column it may change."""
    header = _header(invoice)
    moved = all(header[name] == before[name] for name in WRITTEN if name not in MONEY_WRITTEN)
    return MONEY_WRITTEN if moved else tuple(WRITTEN)


def _header(invoice: Invoice) -> dict[str, Any]:
    return {name: getattr(invoice, name) for name in WRITTEN}


def _added(invoice: Invoice) -> dict[str, Any]:
    return {
        **_header(invoice),
        "id": invoice.id,
        "customer_id": invoice.customer_id,
        "location_id": invoice.location_id,
        "service_order_id": invoice.service_order_id,
        "sales_order_id": invoice.sales_order_id,
        "contract_id": invoice.contract_id,
        "billing_period_start": invoice.billing_period_start,
        "billing_period_end": invoice.billing_period_end,
        "currency": invoice.currency,
        "billing_terms_id": invoice.billing_terms_id,
        "note": invoice.note,
        "created_by": invoice.created_by,
        "created_at": invoice.created_at,
        "version": 1,
    }


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
