"""Customers' view of inventory on the wire, in the CRM envelope (as seed 000's customer
events): seed 004's `CustomerPricingUpdatedEvent(customerId, pricingUpdates, tenantId)`
and the gateway's own `CustomerTierChangedEvent`. The payloads are the gateway's
contract (docs/inventory.md):

`CustomerPricingUpdatedEvent` `{customerId, pricingUpdates: [{productId, sku,
customerPrice, discountPercentage}], version}` (both amounts null: the part's specific
price was removed); `CustomerTierChangedEvent` `{customerId, tier, previousTier,
version}`. Amounts are JSON numbers; `version` is the price list's, resp. the customer's,
after the change.
"""

from __future__ import annotations

from typing import Any

from domain.customers import CustomerTierChanged
from domain.inventory.pricing_events import CustomerPricingUpdated
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import STRING, Schema, record

CUSTOMER_PRICING_UPDATED = "CustomerPricingUpdatedEvent"
CUSTOMER_TIER_CHANGED = "CustomerTierChangedEvent"

CHANGE = {
    "product_id": "productId",
    "sku": "sku",
    "customer_price": "customerPrice",
    "discount_percentage": "discountPercentage",
}
PRICING = {"pricing_updates": "pricingUpdates", "version": "version"}
TIER = {"tier": "tier", "previous_tier": "previousTier", "version": "version"}


def _pricing(event: CustomerPricingUpdated) -> dict[str, Any]:
    return {
        "customerId": event.aggregate_id,
        "pricingUpdates": [
            {field: getattr(change, fact) for fact, field in CHANGE.items()}
            for change in event.pricing_updates
        ],
        "version": event.version,
    }


def _pricing_fact(wire: WireEvent) -> CustomerPricingUpdated:
    facts = read(wire.payload, PRICING)
    lines = facts.get("pricing_updates")
    if isinstance(lines, list):
        facts["pricing_updates"] = [
            read(line, CHANGE) if isinstance(line, dict) else line for line in lines
        ]
    return parsed(CustomerPricingUpdated, wire, facts, {**PRICING, **CHANGE})


def _tier(event: CustomerTierChanged) -> dict[str, Any]:
    return {
        "customerId": event.aggregate_id,
        "tier": event.tier.value,
        "previousTier": event.previous_tier.value,
        "version": event.version,
    }


def _tier_fact(wire: WireEvent) -> CustomerTierChanged:
    return parsed(CustomerTierChanged, wire, read(wire.payload, TIER), TIER)


CONTRACTS = (
    Contract(CustomerPricingUpdated, CUSTOMER_PRICING_UPDATED, _pricing, _pricing_fact),
    Contract(CustomerTierChanged, CUSTOMER_TIER_CHANGED, _tier, _tier_fact),
)

SCHEMAS: dict[str, Schema] = {
    CUSTOMER_PRICING_UPDATED: record(
        CustomerPricingUpdated, PRICING, {"pricing_updates": CHANGE}, customerId=STRING
    ),
    CUSTOMER_TIER_CHANGED: record(CustomerTierChanged, TIER, customerId=STRING),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
