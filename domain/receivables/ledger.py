"""The trial balance: every account's debits and credits as of a date.

Read from the journal, which only balanced entries reach, so the debit and credit
totals are equal by construction; the report shows both so a reader can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debits less credits: positive for an asset such as 1200, negative for revenue."""
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class TrialBalance:
    as_of: date
    accounts: tuple[AccountBalance, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((a.debit for a in self.accounts), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((a.credit for a in self.accounts), ZERO)
