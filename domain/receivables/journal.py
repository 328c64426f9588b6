"""Journal entries: every entry balances, or it is not made.

An entry is a set of debit and credit lines on one date. Its constructor refuses one
whose debits and credits differ, a line of no amount or more than cents, and an entry of
fewer than two lines, so an unbalanced entry cannot exist to be stored. A posting is
undone by its reversal (the same lines, sides swapped), never by editing it: the
journal is append-only, in the database too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.money import CENT
from domain.receivables.accounts import Account


class UnbalancedJournalEntry(DomainError):
    code = "UNBALANCED_JOURNAL_ENTRY"


class Side(StrEnum):
    DEBIT = "DEBIT"
    CREDIT = "CREDIT"

    @property
    def opposite(self) -> Side:
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: str
    account_name: str
    side: Side
    amount: Decimal
    invoice_id: str | None = None
    """The invoice a line of another document (a payment) is for; a line of an invoice's
    own entries, and unapplied cash, name none here."""

    @classmethod
    def of(
        cls, account: Account, side: Side, amount: Decimal, invoice_id: str | None = None
    ) -> JournalLine:
        return cls(account.number, account.name, side, amount, invoice_id)

    @property
    def debit(self) -> Decimal:
        return self.amount if self.side is Side.DEBIT else Decimal("0.00")

    @property
    def credit(self) -> Decimal:
        return self.amount if self.side is Side.CREDIT else Decimal("0.00")


@dataclass(frozen=True, slots=True)
class JournalEntry:
    entry_id: str
    posted_on: date
    memo: str
    lines: tuple[JournalLine, ...]

    def __post_init__(self) -> None:
        if len(self.lines) < 2:
            raise UnbalancedJournalEntry(
                f"Journal entry {self.entry_id} needs a debit and a credit line; it has "
                f"{len(self.lines)} line(s)."
            )
        for line in self.lines:
            if (
                not line.amount.is_finite()
                or line.amount <= 0
                or line.amount != line.amount.quantize(CENT)
            ):
                raise UnbalancedJournalEntry(
                    f"Journal entry {self.entry_id}: account {line.account} has amount "
                    f"{line.amount}; a line carries a positive amount in cents."
                )
        debits, credits = self.total(Side.DEBIT), self.total(Side.CREDIT)
        if debits != credits:
            raise UnbalancedJournalEntry(
                f"Journal entry {self.entry_id} does not balance: debits {debits}, "
                f"credits {credits}."
            )

    @classmethod
    def of(
        cls, entry_id: str, posted_on: date, memo: str, lines: Iterable[JournalLine]
    ) -> JournalEntry:
        """The entry of `lines` without those of no amount (a tax line of 0.00)."""
        return cls(entry_id, posted_on, memo, tuple(line for line in lines if line.amount))

    def total(self, side: Side) -> Decimal:
        return sum((line.amount for line in self.lines if line.side is side), Decimal("0.00"))

    def reversal(self, entry_id: str, posted_on: date, memo: str) -> JournalEntry:
        """The entry that undoes this one: the same lines on the other side."""
        return JournalEntry(
            entry_id,
            posted_on,
            memo,
            tuple(
                JournalLine(
                    line.account,
                    line.account_name,
                    line.side.opposite,
                    line.amount,
                    line.invoice_id,
                )
                for line in self.lines
            ),
        )
