"""Parts a technician used on an order (seed 001 `parts_usage_recorded` lines).

A declined part stays on the record (the customer said no) but is never billed. A part
the catalog stocks leaves the stock of the order's location when it is recorded
(docs/inventory.md, "Parts used on service orders"); the usage keeps the ledger's
movements, so a declined part gives back exactly what it took.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.checks import check_text
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
    issued_quantity: Decimal | None = None
    """What the ledger issued for it; None for what the ledger does not keep (a service,
    a part not in the catalog) or a part declined before it was used."""
    movement_id: str | None = None
    """The CONSUMPTION movement that issued it."""
    return_movement_id: str | None = None
    """The RETURN movement that gave it back when it was declined."""

    def __post_init__(self) -> None:
        collect(
            check_text(self.workorder_part_id, "workorderPartId", "Give the part usage an id.", 64),
            check_text(self.product_id, "productId", "Name the product used.", 64),
            check_text(self.sku, "sku", "Give the part's SKU.", 64),
            _check_quantity(self.quantity),
            _check_unit_price(self.unit_price),
        )

    @property
    def shortfall(self) -> Decimal | None:
        """How much of it the ledger had no stock for (None when it moves no stock)."""
        if self.issued_quantity is None:
            return None
        return self.quantity - self.issued_quantity

    @property
    def billable_total(self) -> Decimal:
        """Quantity times unit price to the cent; nothing for a declined part."""
        if self.declined:
            return Decimal("0.00")
        return to_cents(self.quantity * self.unit_price)


QUANTITY_PLACES = Decimal("0.0001")
MAX_QUANTITY = Decimal("1e6")
MAX_PRICE = Decimal("1e9")


def _check_quantity(quantity: Decimal) -> InvalidInput | None:
    if (
        not quantity.is_finite()
        or not 0 < quantity < MAX_QUANTITY
        or quantity != quantity.quantize(QUANTITY_PLACES)
    ):
        return InvalidInput(
            f"A part's quantity is more than zero, below a million, with at most four decimal "
            f"places; got {quantity}.",
            field="quantity",
        )
    return None


def _check_unit_price(price: Decimal) -> InvalidInput | None:
    if not price.is_finite() or not 0 <= price < MAX_PRICE or price != price.quantize(CENT):
        return InvalidInput(
            f"A unit price is zero or more, below a billion, with at most two decimal places; "
            f"got {price}.",
            field="unitPrice",
        )
    return None
