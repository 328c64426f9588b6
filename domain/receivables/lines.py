"""An invoice's lines: priced, discounted before tax, and taxed per line.

Tax goes through `domain.tax.calculate_tax` with the invoice location's tax codes, per
line on its net amount (quantity x unit price, to the cent, less its discount), so an
invoice is taxed by the same rules as the estimate that led to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.catalog import check_amount
from domain.checks import check_text
from domain.errors import InvalidInput, collect
from domain.money import to_cents
from domain.tax import ItemType, TaxableItem, TaxCode, calculate_tax, normalize_tax_code

ZERO = Decimal("0.00")
MAX_LINES = 500
LARGEST_QUANTITY = Decimal("1e9")
QUANTITY_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A line as a clerk (or billing) asks for it, not checked yet."""

    description: str
    item_type: ItemType
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    discount: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    line_no: int
    description: str
    item_type: ItemType
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_code: str
    net_amount: Decimal
    tax_amount: Decimal

    @property
    def line_total(self) -> Decimal:
        return self.net_amount + self.tax_amount


def price_lines(
    requests: Sequence[LineRequest],
    first_line_no: int,
    tax_codes: Mapping[str, TaxCode],
    currency: str,
) -> tuple[InvoiceLine, ...]:
    """The requested lines priced and taxed, or every faulty field named (`items[i]...`)."""
    if first_line_no - 1 + len(requests) > MAX_LINES:
        raise InvalidInput(f"An invoice has at most {MAX_LINES} lines.", field="items")
    collect(*(problem for i, line in enumerate(requests) for problem in _problems(i, line)))
    nets = [to_cents(r.quantity * r.unit_price) - r.discount for r in requests]
    tax = calculate_tax(
        [
            TaxableItem(str(i), r.item_type, net, r.tax_code)
            for i, (r, net) in enumerate(zip(requests, nets, strict=True))
        ],
        tax_codes,
        currency,
    )
    return tuple(
        InvoiceLine(
            line_no=first_line_no + i,
            description=r.description.strip(),
            item_type=r.item_type,
            quantity=r.quantity,
            unit_price=r.unit_price,
            discount=r.discount,
            tax_code=normalize_tax_code(r.tax_code) or "",
            net_amount=net,
            tax_amount=taxed.tax_amount,
        )
        for i, (r, net, taxed) in enumerate(zip(requests, nets, tax.items, strict=True))
    )


def _check_quantity(quantity: Decimal, field: str) -> InvalidInput | None:
    """Above zero, with at most the four places a part's usage may have."""
    if not quantity.is_finite() or not 0 < quantity < LARGEST_QUANTITY:
        return InvalidInput(f"Enter a quantity above zero; got {quantity}.", field=field)
    if quantity != quantity.quantize(QUANTITY_PLACES):
        return InvalidInput(
            f"A quantity has at most four decimal places; got {quantity}.", field=field
        )
    return None


def _problems(index: int, line: LineRequest) -> list[InvalidInput]:
    field = f"items[{index}]"
    found = [
        p
        for p in (
            check_text(line.description, f"{field}.description", "Describe what is billed.", 500),
            _check_quantity(line.quantity, f"{field}.quantity"),
            check_amount(line.unit_price, f"{field}.unitPrice", "unit price"),
            check_amount(line.discount, f"{field}.discount", "discount"),
        )
        if p is not None
    ]
    if not found and line.discount > to_cents(line.quantity * line.unit_price):
        found.append(
            InvalidInput(
                f"Line {index + 1}: the discount {line.discount} is more than the line's "
                f"amount {to_cents(line.quantity * line.unit_price)}.",
                field=f"{field}.discount",
            )
        )
    return found
