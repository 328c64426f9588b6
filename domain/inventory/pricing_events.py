"""What customer pricing tells other systems: seed 004's `CustomerPricingUpdatedEvent`
(customerId, pricingUpdates, tenantId), with the price list's version after it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.events import DomainEvent

CUSTOMER_PRICING = "customer_pricing"


@dataclass(frozen=True, slots=True)
class PricingChange:
    """One line of an update as it was applied: both amounts None removed the part's
    specific price (the customer pays the tier price for it again)."""

    product_id: str
    sku: str
    customer_price: Decimal | None
    discount_percentage: Decimal | None


@dataclass(frozen=True, kw_only=True)
class CustomerPricingUpdated(DomainEvent):
    """A customer's specific prices changed; `aggregate_id` is the customer's id."""

    aggregate_type = CUSTOMER_PRICING

    pricing_updates: tuple[PricingChange, ...]
    version: int


EVENTS = (CustomerPricingUpdated,)
