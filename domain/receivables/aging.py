"""AR aging: what each customer owes as of a date, by how long it is past due.

Read from the journal's Accounts Receivable lines up to the date, summed per invoice
(bucketed by the invoice's due date) and per customer for the lines of no invoice
(unapplied cash, credits on account), so the aging total is the balance of the account
by construction, and an earlier date shows the aging as it stood then. `BUCKETS` is the
one definition of the columns: the database buckets by it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
TOTAL = "TOTAL"
"""The customer id of the total row."""
BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("current", None, 0),
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("over_90", 91, None),
)
"""Each column of `AgingRow` by days past due (due date to the report's date), both
bounds inclusive, None for open-ended; what has no due date is `unapplied`."""


@dataclass(frozen=True, slots=True)
class OpenAmount:
    """A customer's balance on Accounts Receivable for one due date; `due_date` None
    for what belongs to no invoice (unapplied cash, credits on account)."""

    customer_id: str
    due_date: date | None
    balance: Decimal


@dataclass(frozen=True, slots=True)
class AgingRow:
    customer_id: str
    current: Decimal = ZERO
    """Not past due yet (due on or after the report's date)."""
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    unapplied: Decimal = ZERO
    """Unapplied cash and credits on account (negative: they reduce what is owed)."""

    @property
    def total(self) -> Decimal:
        return (
            self.current
            + self.days_1_30
            + self.days_31_60
            + self.days_61_90
            + self.over_90
            + self.unapplied
        )

    def plus(self, other: AgingRow) -> AgingRow:
        return AgingRow(
            self.customer_id,
            self.current + other.current,
            self.days_1_30 + other.days_1_30,
            self.days_31_60 + other.days_31_60,
            self.days_61_90 + other.days_61_90,
            self.over_90 + other.over_90,
            self.unapplied + other.unapplied,
        )


@dataclass(frozen=True, slots=True)
class Aging:
    as_of: date
    customers: tuple[AgingRow, ...]
    total: AgingRow


def bucket_of(amount: OpenAmount, as_of: date) -> AgingRow:
    """`amount` in its column: days past due are counted from the due date to `as_of`."""
    if amount.due_date is None:
        return AgingRow(amount.customer_id, unapplied=amount.balance)
    late = (as_of - amount.due_date).days
    column = next(
        name
        for name, low, high in BUCKETS
        if (low is None or late >= low) and (high is None or late <= high)
    )
    return AgingRow(amount.customer_id, **{column: amount.balance})


def per_customer(as_of: date, amounts: Iterable[OpenAmount]) -> list[AgingRow]:
    """The amounts bucketed and summed per customer."""
    rows: dict[str, AgingRow] = {}
    for amount in amounts:
        bucketed = bucket_of(amount, as_of)
        known = rows.get(amount.customer_id)
        rows[amount.customer_id] = bucketed if known is None else known.plus(bucketed)
    return list(rows.values())


def aging(as_of: date, rows: Iterable[AgingRow]) -> Aging:
    """Each customer with a balance, by customer id, and the total over all of them."""
    customers = tuple(sorted((r for r in rows if _has_money(r)), key=lambda r: r.customer_id))
    total = AgingRow(TOTAL)
    for row in customers:
        total = total.plus(row)
    return Aging(as_of, customers, total)


def _has_money(row: AgingRow) -> bool:
    return any(
        (row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.over_90, row.unapplied)
    )
