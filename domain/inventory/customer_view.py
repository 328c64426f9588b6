"""Seed 004's customer inventory view: what is in stock where, at this customer's prices.

Each item is a part at a location that holds stock of it (a level row), priced by
`effective_price`, the one rule of what a part costs a customer. The view's value is
available x customer price summed over every item the filter matches, not only the
page shown: a clerk quoting from the view wants what the whole selection is worth.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.inventory.pricing import CustomerPrice, PriceSource, effective_price
from domain.inventory.tiers import DEFAULT_TIER_DISCOUNTS, CustomerTier
from domain.money import to_cents
from domain.paging import Page


@dataclass(frozen=True, slots=True)
class InventoryViewFilter:
    """Which items the view shows: one location's (None: all), and those whose SKU, name
    or description contains `search` (None: all)."""

    location_id: str | None = None
    search: str | None = None

    @classmethod
    def of(cls, location_id: str | None, search: str | None) -> InventoryViewFilter:
        """Blank text filters nothing, as an empty search box shows everything."""
        text = (search or "").strip()
        return cls(location_id, text or None)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The customer a view is priced for: their tier, and the discount this tenant set
    for it (None: it set none, and the tier's default applies)."""

    customer_id: str
    name: str
    tier: CustomerTier
    own_tier_discount: Decimal | None

    @property
    def tier_discount(self) -> Decimal:
        if self.own_tier_discount is not None:
            return self.own_tier_discount
        return DEFAULT_TIER_DISCOUNTS[self.tier]


@dataclass(frozen=True, slots=True)
class StockedPart:
    """A part's level at a location with what the view prices it by (`list_price`, the
    catalog's unit price, and the amounts of the customer's price line of the part, if
    it has one) and tells about it."""

    product_id: str
    sku: str
    description: str
    location_id: str
    on_hand: Decimal
    reserved: Decimal
    lead_time_days: int
    list_price: Decimal
    customer_price: Decimal | None = None
    discount_percentage: Decimal | None = None

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def specific(self) -> CustomerPrice | None:
        """The customer's price line of the part, or None."""
        if self.customer_price is None and self.discount_percentage is None:
            return None
        return CustomerPrice(
            self.product_id,
            self.sku,
            self.list_price,
            self.customer_price,
            self.discount_percentage,
        )


@dataclass(frozen=True, slots=True)
class CustomerInventoryItem:
    """Seed 004's `CustomerInventoryItem`: `unit_price` is the list price, the customer
    price and its discount are `effective_price`'s."""

    product_id: str
    sku: str
    description: str
    location_id: str
    available_quantity: Decimal
    reserved_quantity: Decimal
    unit_price: Decimal
    customer_price: Decimal
    discount_percentage: Decimal
    price_source: PriceSource
    lead_time_days: int


def priced(stocked: StockedPart, tier_discount: Decimal) -> CustomerInventoryItem:
    """The item as this customer sees it, by their price line of the part if they have
    one, else by `tier_discount`."""
    price = effective_price(
        stocked.product_id, stocked.sku, stocked.list_price, stocked.specific, tier_discount
    )
    return CustomerInventoryItem(
        product_id=stocked.product_id,
        sku=stocked.sku,
        description=stocked.description,
        location_id=stocked.location_id,
        available_quantity=stocked.available,
        reserved_quantity=stocked.reserved,
        unit_price=price.list_price,
        customer_price=price.customer_price,
        discount_percentage=price.discount_percentage,
        price_source=price.source,
        lead_time_days=stocked.lead_time_days,
    )


@dataclass(frozen=True, slots=True)
class ValueGroup:
    """What is available of the matching items that share everything their price depends
    on: the list price and the customer's specific price or discount (both None: no
    line, the tier's discount applies). The view's value is read as such groups, so the
    sum prices a few hundred groups rather than every item."""

    list_price: Decimal
    customer_price: Decimal | None
    discount_percentage: Decimal | None
    available: Decimal

    def price(self, tier_discount: Decimal) -> Decimal:
        """The customer price of every item in the group (which parts they are does not
        change it, so none is named)."""
        line = None
        if self.customer_price is not None or self.discount_percentage is not None:
            line = CustomerPrice(
                "", "", self.list_price, self.customer_price, self.discount_percentage
            )
        return effective_price("", "", self.list_price, line, tier_discount).customer_price


def inventory_value(groups: Iterable[ValueGroup], tier_discount: Decimal) -> Decimal:
    """Available x customer price over every group, to the cent."""
    return to_cents(sum((g.available * g.price(tier_discount) for g in groups), Decimal(0)))


@dataclass(frozen=True, slots=True)
class CustomerInventoryView:
    """Seed 004's `CustomerInventoryView`, one page of its items. `last_updated` is the
    instant the figures were read (every read is live: nothing is cached); the value is
    summed only when asked, as a page's total is counted."""

    customer_id: str
    customer_name: str
    customer_tier: CustomerTier
    tenant_id: str
    items: Page[CustomerInventoryItem]
    last_updated: datetime
    total_value: Callable[[], Awaitable[Decimal]]
