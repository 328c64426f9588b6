"""The invoice of a billed service order: which lines it bills.

What the customer approved is what is billed. An order opened from an approved estimate
bills the estimate's lines at their approved prices, with the estimate's discount
spread over them as the estimate spread it, so EST-001 approved at 305.50 bills 305.50.
When the labor actually recorded differs from the labor approved, the invoice's note
shows both and says that the approved amount was billed. An order with no estimate
bills what was used: the finalized snapshot's parts and labor.
"""

from __future__ import annotations

from decimal import Decimal

from domain.estimates import Estimate
from domain.receivables.lines import ZERO, LineRequest
from domain.service_orders.billing import BillableSnapshot
from domain.tax import ItemType


def approved_lines(estimate: Estimate) -> list[LineRequest]:
    """The estimate's lines with their shares of its discount."""
    shares = {line.item_id: line.discount for line in estimate.totals.lines}
    return [
        LineRequest(
            description=item.description,
            item_type=item.item_type,
            quantity=item.quantity * (item.labor_units or Decimal(1)),
            unit_price=item.unit_price,
            tax_code=item.tax_code,
            discount=shares.get(item.item_id, ZERO),
        )
        for item in estimate.items
    ]


def used_lines(snapshot: BillableSnapshot) -> list[LineRequest]:
    """The snapshot's parts (declined ones are not in it) and labor, one line each."""
    return [
        LineRequest(part.sku, ItemType.PART, part.quantity, part.unit_price, part.tax_code)
        for part in snapshot.parts
    ] + [
        LineRequest(
            f"Labor: {line.billable_minutes} billable minutes ({line.person_id})",
            ItemType.LABOR,
            Decimal(1),
            line.amount,
            snapshot.labor_tax_code,
        )
        for line in snapshot.labor
    ]


def labor_note(estimate: Estimate, snapshot: BillableSnapshot) -> str | None:
    """Both labor figures and why the approved one is billed, when they differ."""
    approved = sum(
        (item.subtotal for item in estimate.items if item.item_type is not ItemType.PART),
        ZERO,
    )
    if approved == snapshot.labor_total:
        return None
    minutes = sum(line.billable_minutes for line in snapshot.labor)
    return (
        f"Labor recorded: {snapshot.labor_total} ({minutes} billable minutes); labor "
        f"approved on estimate {estimate.id}: {approved}. The approved amount is billed, "
        "as the customer approved it."
    )
