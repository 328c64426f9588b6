"""Which invoices a list shows: by customer, status, due dates, or overdue on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from domain.receivables.invoice import InvoiceStatus


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    customer_id: str | None = None
    service_order_id: str | None = None
    statuses: tuple[InvoiceStatus, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    overdue_on: date | None = None
    """Only invoices with money still owed whose due date is before this date."""

    def __post_init__(self) -> None:
        if self.due_from and self.due_to and self.due_to < self.due_from:
            raise InvalidInput(
                f"The due range ends ({self.due_to.isoformat()}) before it starts "
                f"({self.due_from.isoformat()}).",
                field="dueTo",
            )
