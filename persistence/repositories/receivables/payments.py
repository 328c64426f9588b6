"""Payments of one tenant: the header row, its allocations and its journal entries.

A payment is read in three statements (header, allocations, the journal lines of the
entries it posted, by entry id) and so is a page of them. Saving writes the header with
a version-checked UPDATE and only *inserts* allocations and journal lines, which never
change: each kind in one statement, however many invoices the payment was applied to,
and a new payment's header, allocations and journal lines all in one (`RECEIVE`), with
the money moves of the invoices it paid (`InvoiceRepository.carry`); or, outside any
transaction, the same with its events, written only if those invoices are still at the
versions read (`RECEIVE_ALONE`, `received_alone`).
Each journal line names the payment's customer and, for a part applied to an invoice,
that invoice; the unapplied cash names none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by

from domain.paging import PageRequest
from domain.receivables.cash_refusals import PaymentNotFound
from domain.receivables.journal import JournalEntry, JournalLine, Side
from domain.receivables.payment import Allocation, Payment, PaymentMethod, PaymentStatus
from persistence.driver import TENANT, TenantDriver
from persistence.repositories.aggregates import AggregateRepository
from persistence.repositories.base import (
    by_column,
    insert_unnested,
    of_tenant,
    one_of_param,
    take_written,
    versioned_update,
)
from persistence.repositories.outbox import event_values, events_appended
from persistence.repositories.receivables.documents import APPEND, APPENDED, appended
from persistence.repositories.receivables.invoices import (
    MONEY_MOVES,
    MONEY_WRITTEN,
    InvoiceRepository,
    header_values,
)
from persistence.tables import invoices, journal_lines, payment_allocations, payments

HEADER = payments.c
PART = payment_allocations.c
JOURNAL = journal_lines.c
WRITTEN = ["status", "unapplied", "reversed_at", "reversed_by", "reversal_reason"]
HEADER_COLUMNS = [c for c in payments.c if c.name not in {"tenant_id", "unapplied"}]
NEWEST_FIRST = (HEADER.created_at.desc(), HEADER.id.desc())
BY_ID = select(*HEADER_COLUMNS).where(of_tenant(payments), HEADER.id == bindparam("id"))
LOCKED_BY_ID = BY_ID.with_for_update()
BY_IDS = select(*HEADER_COLUMNS).where(of_tenant(payments), one_of_param(HEADER.id, "ids"))
ALLOCATIONS_OF = (
    select(*(c for c in payment_allocations.c if c.name != "tenant_id"))
    .where(of_tenant(payment_allocations), one_of_param(PART.payment_id, "payment_ids"))
    .order_by(PART.payment_id, PART.line_no)
)
JOURNAL_OF = (
    select(
        JOURNAL.entry_id,
        JOURNAL.posted_on,
        JOURNAL.memo,
        JOURNAL.account,
        JOURNAL.account_name,
        JOURNAL.invoice_id,
        JOURNAL.debit,
        JOURNAL.credit,
    )
    .where(of_tenant(journal_lines), one_of_param(JOURNAL.entry_id, "entry_ids"))
    .order_by(JOURNAL.position)
)
ACTIVE = HEADER.status == PaymentStatus.RECEIVED.value
APPLIED_TO = (
    select(PART.payment_id)
    .join(payments, (HEADER.tenant_id == PART.tenant_id) & (HEADER.id == PART.payment_id))
    .where(of_tenant(payment_allocations), PART.invoice_id == bindparam("invoice_id"), ACTIVE)
    .group_by(PART.payment_id)
    .order_by(PART.payment_id)
)
ALLOCATIONS_TO = (
    select(PART.invoice_id, PART.payment_id, PART.amount, PART.applied_on, HEADER.status)
    .join(payments, (HEADER.tenant_id == PART.tenant_id) & (HEADER.id == PART.payment_id))
    .where(of_tenant(payment_allocations), one_of_param(PART.invoice_id, "invoice_ids"))
    .order_by(PART.invoice_id, PART.applied_on, PART.payment_id, PART.line_no)
)
OF_STATEMENT = select(HEADER.statement_line).where(
    of_tenant(payments), HEADER.statement_id == bindparam("statement_id")
)
SAVE = versioned_update(payments, WRITTEN).returning(HEADER.version, HEADER.updated_at)
ALLOCATION_COLUMNS = [c.name for c in payment_allocations.c if c.name != "tenant_id"]
ADD_ALLOCATIONS = insert_unnested(payment_allocations, ALLOCATION_COLUMNS, shared=["tenant_id"])
ADDED = [c.name for c in payments.c if c.name not in {"tenant_id", "created_at", "updated_at"}]
HEAD, PART, LINE = "payment_", "part_", "line_"
"""The prefixes of `RECEIVE`'s parameters: the header's must not name a column of
`invoices`, or the UPDATE of its invoices' money would set that column too."""
RECEIVED_COLUMNS = ("version", "created_at", "updated_at")
MOVED_COLUMNS = ("id", "version", "updated_at")
INVOICE = invoices.c
HELD = (
    select(INVOICE.id, INVOICE.version)
    .where(of_tenant(invoices), one_of_param(INVOICE.id, "key_id"))
    .order_by(INVOICE.id)
    .with_for_update()
    .cte("held")
)
SEEN = (
    func.unnest(
        bindparam("key_id", type_=ARRAY(INVOICE.id.type)),
        bindparam("key_version", type_=ARRAY(INVOICE.version.type)),
    )
    .table_valued("id", "version")
    .render_derived(name="seen")
)
CURRENT = (
    select(
        (func.count() == func.cardinality(bindparam("key_id", type_=ARRAY(INVOICE.id.type)))).label(
            "current"
        )
    )
    .select_from(HELD.join(SEEN, (HELD.c.id == SEEN.c.id) & (HELD.c.version == SEEN.c.version)))
    .cte("current")
)
STILL_CURRENT = select(CURRENT.c.current).scalar_subquery()
"""Whether every invoice a payment written alone moves is, locked (in id order, as
`InvoiceRepository.locked` locks them), still at the version it was read at."""


def _receiving(alone: bool) -> Select[Any]:
    """A new payment with its allocations (`part_` arrays), its journal lines (`line_`
    arrays) and its invoices' money moves (`MONEY_MOVES`' arrays) in one statement: three
    INSERTs and a version-checked UPDATE as data-modifying CTEs, the header's RETURNING
    given back with what the UPDATE wrote (`moved_` arrays, by invoice id).

    `alone` (a statement outside any transaction, `PaymentRepository.received_alone`):
    also the payment's events (`event_` arrays) into the outbox, and all of it only if
    every invoice moved is still at the version the payment was decided on (its row
    locked first): else nothing at all is written and the statement gives no row."""
    chosen = select(
        bindparam(TENANT, type_=payments.c.tenant_id.type),
        *(bindparam(HEAD + name, type_=payments.c[name].type) for name in ADDED),
    )
    header = (
        insert(payments)
        .from_select([TENANT, *ADDED], chosen.where(STILL_CURRENT) if alone else chosen)
        .returning(HEADER.version, HEADER.created_at, HEADER.updated_at)
        .cte("header")
    )
    moved = (MONEY_MOVES.where(STILL_CURRENT) if alone else MONEY_MOVES).cte("moved")
    only_if = STILL_CURRENT if alone else None
    written = [
        insert_unnested(
            payment_allocations, ALLOCATION_COLUMNS, shared=[TENANT], prefix=PART, only_if=only_if
        ).cte("parts"),
        insert_unnested(journal_lines, APPENDED, shared=[TENANT], prefix=LINE, only_if=only_if).cte(
            "lines"
        ),
        moved,
    ]
    if alone:
        written.append(events_appended(only_if).cte("events"))
    return select(
        *header.c,
        *(
            select(func.array_agg(aggregate_order_by(moved.c[name], moved.c.id)))
            .scalar_subquery()
            .label(f"moved_{name}")
            for name in MOVED_COLUMNS
        ),
    ).add_cte(*written)


RECEIVE = _receiving(alone=False)
RECEIVE_ALONE = _receiving(alone=True)


class PaymentRepository(AggregateRepository[Payment]):
    table = payments
    noun = "Payment"

    def __init__(self, statements: TenantDriver, invoices: InvoiceRepository):
        super().__init__(statements)
        self._invoices = invoices

    def not_found(self, aggregate_id: str) -> PaymentNotFound:
        return PaymentNotFound(aggregate_id)

    async def add(self, payment: Payment) -> None:
        """Track a new payment, inserted at commit with the money moves of the invoices
        it applies to (the unit's invoice repository leaves those to it)."""
        self.track_new(payment)
        self._invoices.carry(a.invoice_id for a in payment.allocations)

    async def by_ids(self, payment_ids: Sequence[str]) -> dict[str, Payment]:
        """The payments of `payment_ids` this tenant has (to read only)."""
        found = await self._complete(await self._rows(BY_IDS, ids=list(payment_ids)))
        return {payment.id: payment for payment in found}

    async def applied_to(self, invoice_id: str) -> list[str]:
        """The payments (not reversed) with money applied to the invoice, by id."""
        return [row["payment_id"] for row in await self._rows(APPLIED_TO, invoice_id=invoice_id)]

    async def allocations_to(
        self, invoice_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, Decimal, Any, PaymentStatus]]]:
        """Per invoice: (payment id, amount, applied on, the payment's status) of every
        allocation made to it, the reversed ones included."""
        found: dict[str, list[tuple[str, Decimal, Any, PaymentStatus]]] = {
            i: [] for i in invoice_ids
        }
        for row in await self._rows(ALLOCATIONS_TO, invoice_ids=list(invoice_ids)):
            found[row["invoice_id"]].append(
                (row["payment_id"], row["amount"], row["applied_on"], PaymentStatus(row["status"]))
            )
        return found

    async def search(
        self, customer_id: str | None, unapplied_only: bool, request: PageRequest
    ) -> list[Payment]:
        statement = _filtered(select(*HEADER_COLUMNS), customer_id, unapplied_only)
        rows = await self._page_rows(statement.order_by(*NEWEST_FIRST), request)
        return await self._complete(rows)

    async def count(self, customer_id: str | None, unapplied_only: bool) -> int:
        return await self._count(_filtered(select(HEADER.id), customer_id, unapplied_only))

    async def lines_of_statement(self, statement_id: str) -> set[int]:
        """The statement's lines that already made a payment."""
        rows = await self._rows(OF_STATEMENT, statement_id=statement_id)
        return {row["statement_line"] for row in rows}

    async def _read(self, aggregate_id: str, lock: bool) -> Payment | None:
        row = await self._row(LOCKED_BY_ID if lock else BY_ID, id=aggregate_id)
        return None if row is None else (await self._complete([row]))[0]

    async def _complete(self, rows: Iterable[Mapping[str, Any]]) -> list[Payment]:
        """The payments of `rows` with their allocations and journal, two statements."""
        headers = list(rows)
        ids = [row["id"] for row in headers]
        if not ids:
            return []
        parts: dict[str, list[Allocation]] = {i: [] for i in ids}
        for row in await self._rows(ALLOCATIONS_OF, payment_ids=ids):
            values = {k: v for k, v in row.items() if k != "payment_id"}
            parts[row["payment_id"]].append(Allocation(**values))
        found = [
            Payment(
                tenant_id=self.tenant_id,
                **{
                    **row,
                    "status": PaymentStatus(row["status"]),
                    "method": PaymentMethod(row["method"]),
                },
                allocations=tuple(parts[row["id"]]),
            )
            for row in headers
        ]
        entry_ids = [entry_id for payment in found for entry_id in payment.entry_ids]
        entries: dict[str, list[Any]] = {}
        for row in await self._rows(JOURNAL_OF, entry_ids=entry_ids):
            entries.setdefault(row["entry_id"], []).append(row)
        for payment in found:
            payment.journal = tuple(_entry(entries[e]) for e in payment.entry_ids if e in entries)
        return found

    def _stored_form(self, payment: Payment) -> dict[str, Any]:
        return {
            **{name: getattr(payment, name) for name in WRITTEN},
            "allocations": len(payment.allocations),
            "journal": len(payment.journal),
        }

    async def received_alone(self, payment: Payment) -> bool:
        """Write the new payment `add`ed, the money moves of its invoices (read with
        `InvoiceRepository.current_numbered`) and its events in one statement, outside any
        transaction, if those invoices are still at the versions read; whether they were
        (nothing is written otherwise). The payment and its invoices then have their new
        versions, and its events are handed over."""
        written = await self._received(payment, RECEIVE_ALONE, event_values(payment.events))
        if written:
            payment.events.clear()
            self._stored_now(payment)
        return written

    async def _save(self, payment: Payment, before: dict[str, Any] | None) -> None:
        if before is None:
            written = await self._received(payment, RECEIVE, {})
            assert written, "an INSERT ... RETURNING gives its row"
            return
        header = {name: getattr(payment, name) for name in WRITTEN}
        row = await self._row(SAVE, **header, key_id=payment.id, key_version=payment.version)
        if row is None:
            raise self.stale(payment.id, payment.version)
        take_written(payment, row)
        parts = _allocation_rows(payment, before["allocations"])
        if parts:
            await self._run(ADD_ALLOCATIONS, **by_column(parts, ALLOCATION_COLUMNS))
        journal = _journal_rows(payment, before["journal"])
        if journal:
            await self._run(APPEND, **appended(journal))

    async def _received(
        self, payment: Payment, statement: Select[Any], events: dict[str, list[Any]]
    ) -> bool:
        """`RECEIVE` or `RECEIVE_ALONE` of the new `payment` (with `events`, the
        `event_values` of its events, for the outbox); whether it wrote it."""
        moves = self._invoices.money_moves()
        added = {
            **{name: getattr(payment, name) for name in WRITTEN},
            "id": payment.id,
            "customer_id": payment.customer_id,
            "number": payment.number,
            "method": payment.method.value,
            "payment_date": payment.payment_date,
            "bank_reference": payment.bank_reference,
            "amount": payment.amount,
            "currency": payment.currency,
            "received_at": payment.received_at,
            "received_by": payment.received_by,
            "statement_id": payment.statement_id,
            "statement_line": payment.statement_line,
            "version": 1,
        }
        row = await self._row(
            statement,
            **{HEAD + name: value for name, value in added.items()},
            **by_column(_allocation_rows(payment, 0), ALLOCATION_COLUMNS, PART),
            **by_column(_journal_rows(payment, 0), APPENDED, LINE),
            **header_values(MONEY_WRITTEN, moves),
            **events,
        )
        if row is None:
            return False
        moved = zip(*(row[f"moved_{name}"] or () for name in MOVED_COLUMNS), strict=True)
        self._invoices.moved(moves, {i: {"version": v, "updated_at": u} for i, v, u in moved})
        take_written(payment, {name: row[name] for name in RECEIVED_COLUMNS})
        return True


def _allocation_rows(payment: Payment, written: int) -> list[dict[str, Any]]:
    """The payment's allocations after the first `written`, as rows."""
    return [
        {
            "payment_id": payment.id,
            "line_no": a.line_no,
            "invoice_id": a.invoice_id,
            "amount": a.amount,
            "applied_on": a.applied_on,
            "entry_id": a.entry_id,
        }
        for a in payment.allocations[written:]
    ]


def _journal_rows(payment: Payment, written: int) -> list[dict[str, Any]]:
    """The lines of the payment's journal entries after the first `written`, as rows:
    each names the payer and, for a part applied to an invoice, that invoice."""
    return [
        {
            "entry_id": entry.entry_id,
            "line_no": line_no,
            "posted_on": entry.posted_on,
            "memo": entry.memo,
            "customer_id": payment.customer_id,
            "invoice_id": line.invoice_id,
            "account": line.account,
            "account_name": line.account_name,
            "debit": line.debit,
            "credit": line.credit,
        }
        for entry in payment.journal[written:]
        for line_no, line in enumerate(entry.lines, start=1)
    ]


def _filtered(statement: Select, customer_id: str | None, unapplied_only: bool) -> Select:
    conditions = [of_tenant(payments)]
    if customer_id is not None:
        conditions.append(HEADER.customer_id == customer_id)
    if unapplied_only:
        conditions += [ACTIVE, HEADER.unapplied > 0]
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
                row["invoice_id"],
            )
            for row in rows
        ),
    )
