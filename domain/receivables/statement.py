"""A customer's statement: what was billed and paid between two dates, with a running
balance, read from the customer's lines on Accounts Receivable (invoices, payments,
their reversals and anything else posted to the account for the customer)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.errors import InvalidInput

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Movement:
    """One journal entry's effect on the customer's receivable."""

    entry_id: str
    posted_on: date
    memo: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True, slots=True)
class StatementLine:
    entry_id: str
    posted_on: date
    memo: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    """The customer's balance after this line."""


@dataclass(frozen=True, slots=True)
class CustomerStatement:
    customer_id: str
    from_date: date
    to_date: date
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]

    @property
    def closing_balance(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening_balance


def check_period(from_date: date, to_date: date) -> None:
    if to_date < from_date:
        raise InvalidInput(
            f"The statement ends ({to_date.isoformat()}) before it starts "
            f"({from_date.isoformat()}).",
            field="to",
        )


def statement(
    customer_id: str,
    from_date: date,
    to_date: date,
    opening_balance: Decimal,
    movements: Iterable[Movement],
) -> CustomerStatement:
    """The movements in posting order, each with the balance it leaves."""
    balance = opening_balance
    lines = []
    for m in movements:
        balance += m.debit - m.credit
        lines.append(StatementLine(m.entry_id, m.posted_on, m.memo, m.debit, m.credit, balance))
    return CustomerStatement(customer_id, from_date, to_date, opening_balance, tuple(lines))
