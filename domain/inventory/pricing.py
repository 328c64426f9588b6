"""What a part costs a customer: their specific price, else their specific discount off
the list price, else their tier's discount off the list price.

A customer's specific prices are one aggregate per customer, `CustomerPriceList`, with
one version for the whole list. `updateCustomerPricing` changes the lines it names and
keeps the others (seed 004 upserts each update), all of them or none; a line with
neither a price nor a discount removes that part's specific price. One version for the
list rather than one per line: an update is one decision about one customer's terms
(often several parts at once) recorded as one event, and a clerk who read the list and
changes it while another did is told so, whichever lines each touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.catalog import check_amount
from domain.errors import DomainError, InvalidInput, InvalidInputs
from domain.events import DomainEvent
from domain.inventory.pricing_events import CustomerPricingUpdated, PricingChange
from domain.inventory.tiers import HUNDRED, PERCENT_PLACES, check_percentage
from domain.money import to_cents

LONGEST_PRICE_LIST_UPDATE = 500


class PriceSource(StrEnum):
    """Where a customer's price of a part came from."""

    SPECIFIC_PRICE = "SPECIFIC_PRICE"
    SPECIFIC_DISCOUNT = "SPECIFIC_DISCOUNT"
    TIER = "TIER"


@dataclass(frozen=True, slots=True)
class CustomerPrice:
    """One part's specific price or discount for one customer. `sku` and `list_price`
    are the catalog part's, read with the line and never written through it."""

    product_id: str
    sku: str
    list_price: Decimal
    customer_price: Decimal | None = None
    discount_percentage: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """A line of `updateCustomerPricing` once its part is known (`index`: its place in
    the request, for error fields)."""

    index: int
    product_id: str
    sku: str
    list_price: Decimal
    customer_price: Decimal | None
    discount_percentage: Decimal | None


@dataclass(frozen=True, slots=True)
class EffectivePrice:
    """A part's price for a customer and where it came from; `discount_percentage` is
    the discount off the list price the customer price amounts to."""

    product_id: str
    sku: str
    list_price: Decimal
    customer_price: Decimal
    discount_percentage: Decimal
    source: PriceSource


def discounted(list_price: Decimal, percent: Decimal) -> Decimal:
    """The list price less `percent`, rounded half-up to the cent as all money is."""
    return to_cents(list_price * (HUNDRED - percent) / HUNDRED)


def specific_price(line: CustomerPrice) -> EffectivePrice | None:
    """The price a specific line gives: its price, else its discount off the list price."""
    if line.customer_price is not None:
        price, list_price = line.customer_price, line.list_price
        off = HUNDRED - price * HUNDRED / list_price if list_price else Decimal(0)
        return EffectivePrice(
            line.product_id,
            line.sku,
            list_price,
            price,
            off.quantize(PERCENT_PLACES),
            PriceSource.SPECIFIC_PRICE,
        )
    if line.discount_percentage is not None:
        percent = line.discount_percentage
        return EffectivePrice(
            line.product_id,
            line.sku,
            line.list_price,
            discounted(line.list_price, percent),
            percent,
            PriceSource.SPECIFIC_DISCOUNT,
        )
    return None


def effective_price(
    product_id: str,
    sku: str,
    list_price: Decimal,
    specific: CustomerPrice | None,
    tier_discount: Decimal,
) -> EffectivePrice:
    """The customer's price of a part: specific price, else specific discount, else the
    tier's discount. A specific price above the list price shows a negative discount."""
    found = None if specific is None else specific_price(specific)
    if found is not None:
        return found
    return EffectivePrice(
        product_id,
        sku,
        list_price,
        discounted(list_price, tier_discount),
        tier_discount,
        PriceSource.TIER,
    )


def _line_problems(update: PriceUpdate) -> list[DomainError]:
    where = f"prices[{update.index}]"
    if update.customer_price is not None and update.discount_percentage is not None:
        return [
            InvalidInput(
                f"Give part {update.sku} either a customer price or a discount percentage, "
                "not both (neither removes its specific price).",
                field=f"{where}.customerPrice",
            )
        ]
    problems = []
    if update.customer_price is not None:
        problems.append(
            check_amount(update.customer_price, f"{where}.customerPrice", "customer price")
        )
    if update.discount_percentage is not None:
        problems.append(check_percentage(update.discount_percentage, f"{where}.discountPercentage"))
    return [p for p in problems if p is not None]


def check_updates(updates: Sequence[PriceUpdate]) -> None:
    """Every line's faults at once; a part named twice is ambiguous and refused."""
    problems: list[DomainError] = []
    if len(updates) > LONGEST_PRICE_LIST_UPDATE:
        problems.append(
            InvalidInput(
                f"Send at most {LONGEST_PRICE_LIST_UPDATE} prices at once; got {len(updates)}.",
                field="prices",
            )
        )
    seen: set[str] = set()
    for update in updates:
        problems += _line_problems(update)
        if update.product_id in seen:
            problems.append(
                InvalidInput(
                    f"Part {update.sku} is named twice; send one line per part.",
                    field=f"prices[{update.index}]",
                )
            )
        seen.add(update.product_id)
    if problems:
        raise InvalidInputs(problems)


@dataclass(eq=False)
class CustomerPriceList:
    """A customer's specific prices by product id; `id` is the customer's. A customer
    who never had one reads as an empty list at version 0."""

    id: str
    prices: dict[str, CustomerPrice] = field(default_factory=dict)
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def update(self, tenant_id: str, now: datetime, updates: Sequence[PriceUpdate]) -> None:
        """Apply every line or none (each is checked first) and record the change."""
        if not updates:
            raise InvalidInput("Send at least one price to update.", field="prices")
        check_updates(updates)
        for u in updates:
            if u.customer_price is None and u.discount_percentage is None:
                self.prices.pop(u.product_id, None)
            else:
                self.prices[u.product_id] = CustomerPrice(
                    u.product_id, u.sku, u.list_price, u.customer_price, u.discount_percentage
                )
        self.events.append(
            CustomerPricingUpdated(
                aggregate_id=self.id,
                tenant_id=tenant_id,
                occurred_at=now,
                pricing_updates=tuple(
                    PricingChange(u.product_id, u.sku, u.customer_price, u.discount_percentage)
                    for u in updates
                ),
                version=self.version + 1,
            )
        )

    def price_of(
        self, product_id: str, sku: str, list_price: Decimal, tier_discount: Decimal
    ) -> EffectivePrice:
        return effective_price(
            product_id, sku, list_price, self.prices.get(product_id), tier_discount
        )

    def effective_prices(self) -> list[EffectivePrice]:
        """The price of every part this customer has a specific price of, in SKU order."""
        lines = sorted(self.prices.values(), key=lambda p: (p.sku, p.product_id))
        return [price for line in lines if (price := specific_price(line)) is not None]
