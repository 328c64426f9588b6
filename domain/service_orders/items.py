"""Lines an order carries over from the approved estimate it was created from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.tax import ItemType


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One estimate line as agreed with the customer: the work the order is to deliver."""

    item_id: str
    item_type: ItemType
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
