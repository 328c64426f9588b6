"""Parts a technician used on an order (seed 001 `parts_usage_recorded` lines).

A declined part stays on the record (the customer said no) but is never billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidInput, collect
from domain.money import CENT, to_cents


@dataclass(frozen=True, slots=True)
class PartUsage:
    workorder_part_id: str
    product_id: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    declined: bool = False
    emergency: bool = False

    def __post_init__(self) -> None:
        collect(_check_quantity(self.quantity), _check_unit_price(self.unit_price))

    @property
    def billable_total(self) -> Decimal:
        """Quantity times unit price to the cent; nothing for a declined part."""
        if self.declined:
            return Decimal("0.00")
        return to_cents(self.quantity * self.unit_price)


def _check_quantity(quantity: Decimal) -> InvalidInput | None:
    if not quantity.is_finite() or quantity <= 0:
        return InvalidInput(
            f"A part's quantity must be more than zero; got {quantity}.", field="quantity"
        )
    return None


def _check_unit_price(price: Decimal) -> InvalidInput | None:
    if not price.is_finite() or price < 0 or price != price.quantize(CENT):
        return InvalidInput(
            f"A unit price is zero or more with at most two decimal places; got {price}.",
            field="unitPrice",
        )
    return None
