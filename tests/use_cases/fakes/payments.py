"""In-memory payments and the AR reports: the fake side of the payment and report ports
of `resolvers/receivables/ports.py`.

A payment is kept as the mapping of its fields. The reports read the journal as the
invoices' and payments' rows hold it (the real ones read the journal lines): each line
belongs to its row's customer and to the invoice it names (an invoice's own entries
name their invoice).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import VersionConflict
from domain.paging import PageRequest
from domain.receivables.aging import AgingRow, OpenAmount, aging, per_customer
from domain.receivables.cash_refusals import PaymentNotFound
from domain.receivables.journal import JournalEntry, JournalLine
from domain.receivables.payment import Payment, PaymentStatus
from domain.receivables.statement import Movement
from tests.use_cases.fakes.memory import Aggregates, Table, page_of

ZERO = Decimal("0.00")


class InMemoryPayments(Aggregates[Payment]):
    table = "payments"
    noun = "Payment"
    kind = Payment

    def not_found(self, aggregate_id: str) -> PaymentNotFound:
        return PaymentNotFound(aggregate_id)

    async def received_alone(self, payment: Payment) -> bool:
        """The unit committed at once, as the real statement commits by itself; an
        invoice changed since it was read makes it write nothing."""
        try:
            await self._work.commit()
        except VersionConflict:
            return False
        return True

    async def by_ids(self, payment_ids: Sequence[str]) -> dict[str, Payment]:
        rows = (self._work.read(self.table, i) for i in dict.fromkeys(payment_ids))
        return {row["id"]: Payment(**row) for row in rows if row is not None}

    async def applied_to(self, invoice_id: str) -> list[str]:
        return sorted(
            row["id"]
            for row in self._work.rows(self.table)
            if row["status"] is PaymentStatus.RECEIVED
            and any(a.invoice_id == invoice_id for a in row["allocations"])
        )

    async def allocations_to(
        self, invoice_ids: Sequence[str]
    ) -> dict[str, list[tuple[str, Decimal, Any, PaymentStatus]]]:
        found: dict[str, list[tuple[str, Decimal, Any, PaymentStatus]]] = {
            i: [] for i in invoice_ids
        }
        parts = sorted(
            (a.applied_on, row["id"], a.line_no, a, row["status"])
            for row in self._work.rows(self.table)
            for a in row["allocations"]
            if a.invoice_id in found
        )
        for _, payment_id, _, a, status in parts:
            found[a.invoice_id].append((payment_id, a.amount, a.applied_on, status))
        return found

    async def search(
        self, customer_id: str | None, unapplied_only: bool, request: PageRequest
    ) -> list[Payment]:
        found = sorted(self._matching(customer_id, unapplied_only), key=_newest_first)
        return [Payment(**row) for row in page_of(found, request)]

    async def count(self, customer_id: str | None, unapplied_only: bool) -> int:
        return len(self._matching(customer_id, unapplied_only))

    async def lines_of_statement(self, statement_id: str) -> set[int]:
        return {
            row["statement_line"]
            for row in self._work.rows(self.table)
            if row["statement_id"] == statement_id
        }

    def _matching(self, customer_id: str | None, unapplied_only: bool) -> list[dict[str, Any]]:
        return [
            row
            for row in self._work.rows(self.table)
            if (customer_id is None or row["customer_id"] == customer_id)
            and (not unapplied_only or Payment(**row).unapplied > 0)
        ]


def _newest_first(row: dict[str, Any]) -> tuple[Any, ...]:
    return (-row["created_at"].timestamp(), tuple(-ord(c) for c in row["id"]))


class InMemoryReceivablesReports(Table[Any]):
    """The journal of every invoice and payment row, read as the reports read it."""

    table = "invoices"

    def _lines(self, account: str) -> Iterator[tuple[str, str | None, JournalEntry, JournalLine]]:
        for table, own in (("invoices", True), ("payments", False)):
            for row in self._work.rows(table):
                for entry in row["journal"]:
                    for line in entry.lines:
                        if line.account == account:
                            invoice_id = row["id"] if own else line.invoice_id
                            yield row["customer_id"], invoice_id, entry, line

    async def aging_rows(self, account: str, as_of: date) -> list[AgingRow]:
        due = {row["id"]: row["due_date"] for row in self._work.rows("invoices")}
        totals: dict[tuple[str, date | None], Decimal] = {}
        for customer_id, invoice_id, entry, line in self._lines(account):
            if entry.posted_on <= as_of:
                key = (customer_id, due[invoice_id] if invoice_id else None)
                totals[key] = totals.get(key, ZERO) + line.debit - line.credit
        return per_customer(as_of, (OpenAmount(c, d, amount) for (c, d), amount in totals.items()))

    async def aging_total(self, account: str, as_of: date) -> AgingRow:
        return aging(as_of, await self.aging_rows(account, as_of)).total

    async def balance_before(self, account: str, customer_id: str, from_date: date) -> Decimal:
        return sum(
            (
                line.debit - line.credit
                for owner, _, entry, line in self._lines(account)
                if owner == customer_id and entry.posted_on < from_date
            ),
            ZERO,
        )

    async def movements(
        self, account: str, customer_id: str, from_date: date, to_date: date
    ) -> list[Movement]:
        entries: dict[str, list[Any]] = {}
        for owner, _, entry, line in self._lines(account):
            if owner == customer_id and from_date <= entry.posted_on <= to_date:
                found = entries.setdefault(entry.entry_id, [entry, ZERO, ZERO])
                found[1] += line.debit
                found[2] += line.credit
        ordered = sorted(entries.values(), key=lambda found: found[0].posted_on)
        return [Movement(e.entry_id, e.posted_on, e.memo, d, c) for e, d, c in ordered]

    async def balances(
        self, account: str, customer_ids: Sequence[str], as_of: date
    ) -> dict[str, Decimal]:
        wanted = set(customer_ids)
        totals: dict[str, Decimal] = {}
        for owner, _, entry, line in self._lines(account):
            if owner in wanted and entry.posted_on <= as_of:
                totals[owner] = totals.get(owner, ZERO) + line.debit - line.credit
        return totals
