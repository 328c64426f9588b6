"""What other systems ask accounts receivable to invoice (seed 002, "Domain Events
Consumed"): a fulfilled sales order ("Create invoice") and a renewed contract
("Subscription billing").

Each becomes one invoice, posted at once, with lines taxed through the tax codes of
their location like any other invoice. A fulfilled order bills every line it fulfilled
at the price it was taken at, taxed by the part's tax code at the line's location (an
order may draw on several); the invoice belongs to the location of its first line. A
renewal bills the items the contract lists for its period.

Seed 002 names `ContractRenewalEvent` but shows no payload: `ContractRenewed` is the
gateway's contract (docs/receivables.md): the contract, its customer, the location that
bills it, the period renewed, the currency and the items with their tax codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import DomainEvent
from domain.receivables.lines import LineRequest
from domain.sales.events import SalesOrderFulfilled
from domain.tax import ItemType

SALES = "sales"
"""Who created and posted the invoice of a fulfilled order (`createdBy`, `postedBy`)."""
CONTRACTS = "contracts"
"""Who created and posted the invoice of a renewed contract."""


@dataclass(frozen=True, slots=True)
class RenewalItem:
    description: str
    item_type: ItemType
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class ContractRenewed(DomainEvent):
    """Contracts renewed a subscription for a period: bill it once for that period."""

    aggregate_type = "contract"

    customer_id: str
    location_id: str
    period_start: date
    period_end: date
    currency: str
    items: tuple[RenewalItem, ...]


@dataclass(frozen=True, slots=True)
class LocatedLine:
    """An invoice line requested with the location whose tax codes tax it."""

    location_id: str
    request: LineRequest


def fulfilled_lines(
    fulfilled: SalesOrderFulfilled, tax_codes: Mapping[str, str | None]
) -> list[LocatedLine]:
    """One invoice line per order line, in line order; `tax_codes` are the parts' codes
    by product id (a part without one is refused by the tax rules: MISSING_TAX_CODE)."""
    return [
        LocatedLine(
            line.location_id,
            LineRequest(
                description=f"{line.sku} (order {fulfilled.aggregate_id}, line {line.line_number})",
                item_type=ItemType.PART,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_code=tax_codes.get(line.product_id),
            ),
        )
        for line in sorted(fulfilled.lines, key=lambda line: line.line_number)
    ]


def renewal_lines(renewed: ContractRenewed) -> list[LineRequest]:
    return [
        LineRequest(item.description, item.item_type, item.quantity, item.unit_price, item.tax_code)
        for item in renewed.items
    ]


def renewal_note(renewed: ContractRenewed) -> str:
    return (
        f"Contract {renewed.aggregate_id}, period {renewed.period_start.isoformat()} to "
        f"{renewed.period_end.isoformat()}."
    )
