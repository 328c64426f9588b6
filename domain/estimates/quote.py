"""The `trakservice.quote.approved.v1` payload (seed 003) built from an approved estimate.

Field names and types are the seed's: Decimal amounts, `approved_at` as ISO 8601 UTC
ending in Z, `valid_until` as a date. `total` is the grand total after discount and
tax; the two subtotals are before discount. `discount_percent` is the percent the clerk
gave, 0.00 when the discount was an amount. `work_order_id` is null: the work order is
opened from the approved quote later.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from domain.estimates.approval import ApprovalRecord
from domain.estimates.audit import iso_utc
from domain.estimates.totals import Discount, EstimateTotals
from domain.money import CENT

QUOTE_APPROVED = "trakservice.quote.approved.v1"
QUOTE_AGGREGATE = "quote"


class ApprovedQuote(Protocol):
    """What the payload reads of an estimate (the `Estimate` aggregate has all of it)."""

    @property
    def id(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def approval(self) -> ApprovalRecord | None: ...
    @property
    def valid_until(self) -> date | None: ...
    @property
    def discount(self) -> Discount: ...
    @property
    def totals(self) -> EstimateTotals: ...


def quote_approved_payload(estimate: ApprovedQuote) -> dict[str, Any]:
    """The event's `data` for an approved estimate (approval and validity must be set)."""
    approval = estimate.approval
    valid_until = estimate.valid_until
    if approval is None or valid_until is None:
        raise ValueError(f"Estimate {estimate.number} is not approved; it has no quote event.")
    totals = estimate.totals
    percent = estimate.discount.percent if estimate.discount.percent is not None else Decimal(0)
    return {
        "quote_id": estimate.id,
        "quote_number": estimate.number,
        "work_order_id": None,
        "status": "approved",
        "total": totals.grand_total,
        "subtotal_services": totals.subtotal_services,
        "subtotal_materials": totals.subtotal_materials,
        "discount_percent": percent.quantize(CENT),
        "discount_amount": totals.discount_amount,
        "approved_at": iso_utc(approval.approved_at),
        "approved_by_id": approval.approved_by,
        "valid_until": valid_until.isoformat(),
        "item_count": totals.item_count,
    }
