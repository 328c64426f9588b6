"""Whether an order's lines can all be served from stock, and what is short if not
(seed 004's `unavailableItems { sku required available shortfall }`), and what of them
stock can serve when the client asked for the shortfall to be backordered.

Lines drawing on the same part at the same location are added up before they are
compared with what is available there: two lines of 3 against 5 on the shelf are short
by one, though each alone would fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.sales.order import OrderLine


@dataclass(frozen=True, slots=True)
class UnavailableItem:
    product_id: str
    sku: str
    location_id: str
    required: Decimal
    available: Decimal

    @property
    def shortfall(self) -> Decimal:
        return self.required - self.available


def demand(lines: Sequence[OrderLine]) -> dict[tuple[str, str], Decimal]:
    """What the order takes of each stock item (product, location), in line order."""
    wanted: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        wanted[line.pair] = wanted.get(line.pair, Decimal(0)) + line.quantity
    return wanted


def unavailable_items(
    lines: Sequence[OrderLine], available: Mapping[tuple[str, str], Decimal]
) -> list[UnavailableItem]:
    """Every stock item the order needs more of than is available, in line order."""
    sku_of = {line.pair: line.sku for line in lines}
    return [
        UnavailableItem(pair[0], sku_of[pair], pair[1], required, available[pair])
        for pair, required in demand(lines).items()
        if required > available[pair]
    ]


def within_stock(
    lines: Sequence[OrderLine], available: Mapping[tuple[str, str], Decimal]
) -> list[OrderLine]:
    """The lines cut to what is available, in line order (an earlier line of a stock item
    is served first), lines left with nothing dropped, the rest numbered from 1 again:
    the order taken when the client asked for the shortfall to be backordered."""
    left = dict(available)
    kept: list[OrderLine] = []
    for line in lines:
        served = min(line.quantity, max(left.get(line.pair, Decimal(0)), Decimal(0)))
        left[line.pair] = left.get(line.pair, Decimal(0)) - served
        if served > 0:
            kept.append(replace(line, line_number=len(kept) + 1, quantity=served))
    return kept
