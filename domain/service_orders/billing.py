"""What a completed order bills, and how the bill is posted to the general ledger.

Finalizing captures a billable snapshot: the parts used (declined ones excluded), the
labor of each work session (billable minutes x the hourly labor rate, to the cent) and
the tax on every line by `domain.tax` rules. Billing turns it into the order's invoice
(`domain/receivables/from_orders.py`), whose posting the order keeps as its GL entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors import DomainError, InvalidInput
from domain.money import CENT, to_cents
from domain.receivables.journal import JournalLine
from domain.service_orders.events import BilledLabor, BilledPart, BillSummary
from domain.service_orders.parts_usage import PartUsage
from domain.service_orders.work_sessions import WorkSession
from domain.tax import ItemType, TaxableItem, TaxCode, calculate_tax

MINUTES_PER_HOUR = Decimal(60)
MAX_LABOR_RATE = Decimal("1e6")


class SnapshotAlreadyFinalized(DomainError):
    code = "SNAPSHOT_ALREADY_FINALIZED"


class BillableSnapshotMissing(DomainError):
    code = "BILLABLE_SNAPSHOT_MISSING"


GlEntry = JournalLine
"""A line of the order's posting: its invoice's journal line."""


@dataclass(frozen=True, slots=True)
class LaborLine:
    session_id: str
    person_id: str
    billable_minutes: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BillableSnapshot:
    snapshot_id: str
    captured_at: datetime
    parts: tuple[PartUsage, ...]
    labor: tuple[LaborLine, ...]
    parts_total: Decimal
    labor_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    currency: str
    finalized_by: str
    po_number: str | None
    labor_tax_code: str | None = None
    """The tax code the labor lines were taxed by (None in snapshots finalized before
    invoices existed, which were billed before invoices existed too)."""

    def summary(self) -> BillSummary:
        """The bill as billing is told about it (declined parts are not in it)."""
        return BillSummary(
            snapshot_id=self.snapshot_id,
            captured_at=self.captured_at,
            parts_total=self.parts_total,
            labor_total=self.labor_total,
            tax_total=self.tax_total,
            grand_total=self.grand_total,
            parts=tuple(
                BilledPart(
                    p.workorder_part_id,
                    p.product_id,
                    p.sku,
                    p.quantity,
                    p.unit_price,
                    p.billable_total,
                )
                for p in self.parts
            ),
            labor=tuple(
                BilledLabor(line.session_id, line.person_id, line.billable_minutes, line.amount)
                for line in self.labor
            ),
        )


def check_labor_rate(rate: Decimal) -> InvalidInput | None:
    if not rate.is_finite() or not 0 <= rate < MAX_LABOR_RATE or rate != rate.quantize(CENT):
        return InvalidInput(
            f"The hourly labor rate is zero or more with at most two decimal places; got {rate}.",
            field="laborRate",
        )
    return None


def capture_snapshot(
    snapshot_id: str,
    captured_at: datetime,
    parts: Sequence[PartUsage],
    sessions: Sequence[WorkSession],
    labor_rate: Decimal,
    labor_tax_code: str | None,
    tax_codes: Mapping[str, TaxCode],
    currency: str,
    finalized_by: str,
    po_number: str | None,
) -> BillableSnapshot:
    """Price every billable line and tax it; raise every faulty line's tax code at once."""
    problem = check_labor_rate(labor_rate)
    if problem:
        raise problem
    billed_parts = tuple(p for p in parts if not p.declined)
    labor = tuple(
        LaborLine(
            s.session_id,
            s.person_id,
            s.billable_minutes,
            to_cents(Decimal(s.billable_minutes) * labor_rate / MINUTES_PER_HOUR),
        )
        for s in sessions
    )
    taxable = [
        TaxableItem(p.workorder_part_id, ItemType.PART, p.billable_total, p.tax_code)
        for p in billed_parts
    ] + [
        TaxableItem(line.session_id, ItemType.LABOR, line.amount, labor_tax_code) for line in labor
    ]
    tax = calculate_tax(taxable, tax_codes, currency)
    parts_total = sum((p.billable_total for p in billed_parts), Decimal("0.00"))
    labor_total = sum((line.amount for line in labor), Decimal("0.00"))
    return BillableSnapshot(
        snapshot_id=snapshot_id,
        captured_at=captured_at,
        parts=billed_parts,
        labor=labor,
        parts_total=parts_total,
        labor_total=labor_total,
        tax_total=tax.total_tax,
        grand_total=parts_total + labor_total + tax.total_tax,
        currency=currency,
        finalized_by=finalized_by,
        po_number=po_number,
        labor_tax_code=labor_tax_code,
    )
