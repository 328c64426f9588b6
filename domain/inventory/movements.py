"""One line of the stock ledger: a quantity that entered or left one part's stock at one
location, with why, who and when.

The ledger keeps the signed change to on-hand (`quantity`: a receipt +5, an issue -2), so
on-hand is the sum of a pair's movements, which `gateway check-inventory` verifies.
Clients give quantities as positive amounts and the kind gives the direction; only an
adjustment (a count that disagreed, damage, shrinkage) is signed, and needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.checks import check_text
from domain.errors import InvalidInput
from domain.money import CENT

QUANTITY_PLACES = Decimal("0.0001")
LARGEST_QUANTITY = Decimal("1e9")
LARGEST_UNIT_COST = Decimal("1e9")
REFERENCE_LENGTH = 100
REASON_LENGTH = 500
LONGEST_LEAD_TIME_DAYS = 365


class MovementKind(StrEnum):
    RECEIPT = "RECEIPT"
    ISSUE = "ISSUE"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    ADJUSTMENT = "ADJUSTMENT"
    CONSUMPTION = "CONSUMPTION"
    RETURN = "RETURN"


INBOUND = frozenset({MovementKind.RECEIPT, MovementKind.TRANSFER_IN, MovementKind.RETURN})
OUTBOUND = frozenset({MovementKind.ISSUE, MovementKind.TRANSFER_OUT, MovementKind.CONSUMPTION})


@dataclass(frozen=True, slots=True)
class MovementFilter:
    """Which ledger lines a reader asks for; None matches any. `since` is inclusive,
    `until` exclusive, on the instant the movement happened."""

    product_id: str | None = None
    location_id: str | None = None
    reference: str | None = None
    kind: MovementKind | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class StockMovement:
    """A line of the ledger; never changed or removed once written (the database refuses)."""

    id: str
    kind: MovementKind
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    """The signed change to on-hand."""
    on_hand_after: Decimal
    unit_cost: Decimal | None
    reference: str | None
    reason: str | None
    counterpart_location_id: str | None
    """The other end of a transfer: where TRANSFER_OUT went, where TRANSFER_IN came from."""
    recorded_by: str
    occurred_at: datetime


def check_quantity(quantity: Decimal, field: str = "quantity") -> InvalidInput | None:
    """A quantity moved: more than zero, below a billion, at most four decimal places
    (parts are counted, but oil and coolant are sold by the litre)."""
    if (
        not quantity.is_finite()
        or not 0 < quantity < LARGEST_QUANTITY
        or quantity != quantity.quantize(QUANTITY_PLACES)
    ):
        return InvalidInput(
            f"A quantity is more than zero, below a billion, with at most four decimal "
            f"places; got {quantity}.",
            field=field,
        )
    return None


def check_change(change: Decimal) -> InvalidInput | None:
    """An adjustment's signed change: not zero, otherwise as a quantity."""
    if change.is_finite() and change < 0:
        return check_quantity(-change)
    return check_quantity(change)


def check_level(value: Decimal, field: str) -> InvalidInput | None:
    """A level such as a reorder point: zero or more, otherwise as a quantity."""
    if value.is_finite() and value == 0:
        return None
    return check_quantity(value, field)


def check_lead_time(days: int | None) -> InvalidInput | None:
    """Replenishment takes a whole number of days, up to a year: a part that takes longer
    is not stocked at that location but ordered per job."""
    if days is None or 0 <= days <= LONGEST_LEAD_TIME_DAYS:
        return None
    return InvalidInput(
        f"A lead time is 0 to {LONGEST_LEAD_TIME_DAYS} days; got {days}.", field="leadTimeDays"
    )


def check_unit_cost(cost: Decimal | None, required: bool) -> InvalidInput | None:
    if cost is None and required:
        return InvalidInput("Give the unit cost of what you receive.", field="unitCost")
    if cost is None:
        return None
    if not cost.is_finite() or not 0 <= cost < LARGEST_UNIT_COST or cost != cost.quantize(CENT):
        return InvalidInput(
            f"A unit cost is zero or more, below a billion, with at most two decimal places; "
            f"got {cost}.",
            field="unitCost",
        )
    return None


def check_reference(reference: str | None) -> InvalidInput | None:
    if reference is not None and len(reference) > REFERENCE_LENGTH:
        return InvalidInput(
            f"A reference is at most {REFERENCE_LENGTH} characters; got {len(reference)}.",
            field="reference",
        )
    return None


def check_reason(reason: str | None) -> InvalidInput | None:
    return check_text(
        reason,
        "reason",
        "Say why the stock is adjusted (a count, damage, shrinkage...).",
        REASON_LENGTH,
    )
