"""What taking an order reads before it decides: the customer's terms and the catalog's
answer for the order's lines, read together in one statement (processOrder's reads were
eight statements on the customer's side and five on the parts' before, then one each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.catalog import Part
from domain.customers import Customer
from domain.inventory.pricing import CustomerPrice, CustomerPriceList
from domain.inventory.tiers import DEFAULT_TIER_DISCOUNTS
from domain.receivables.credit_control import CreditStanding


@dataclass(frozen=True, slots=True)
class CustomerTerms:
    """The customer, their credit standing and the discount of their tier (the tenant's
    own, None if it set none for that tier)."""

    customer: Customer
    standing: CreditStanding
    own_tier_discount: Decimal | None = None

    @property
    def tier_discount(self) -> Decimal:
        if self.own_tier_discount is not None:
            return self.own_tier_discount
        return DEFAULT_TIER_DISCOUNTS[self.customer.tier]


@dataclass(frozen=True, slots=True)
class OrderCatalog:
    """The parts an order names (by id, and the id holding each normalized SKU named),
    the customer's specific prices of them, and which of its locations exist."""

    parts: dict[str, Part] = field(default_factory=dict)
    holders: dict[str, str] = field(default_factory=dict)
    specific_prices: dict[str, CustomerPrice] = field(default_factory=dict)
    known_locations: frozenset[str] = frozenset()

    def price_list(self, customer_id: str) -> CustomerPriceList:
        """The customer's price list as far as these parts go (to read only)."""
        return CustomerPriceList(customer_id, dict(self.specific_prices))
