"""Customer pricing and tier changes on the wire: the CRM envelope on the gateway's
`inventory.customer.*` topics, the documented payloads, and back to the same facts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.customers import CustomerTierChanged
from domain.events import DomainEvent, PublishedEvent
from domain.inventory.pricing_events import CustomerPricingUpdated, PricingChange
from domain.inventory.tiers import CustomerTier
from subscriptions.wire.errors import MalformedEvent
from subscriptions.wire.registry import decode, outgoing

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ABOUT = {"aggregate_id": "CUST-001", "tenant_id": "tenant-a", "occurred_at": AT}
PRICING = CustomerPricingUpdated(
    **ABOUT,
    event_id="evt-1",
    pricing_updates=(
        PricingChange("PART-OIL", "OIL-5W30", Decimal("8.00"), None),
        PricingChange("PART-PAD", "BRK-PAD", None, Decimal("12.5")),
    ),
    version=3,
)
TIER = CustomerTierChanged(
    **ABOUT,
    event_id="evt-2",
    tier=CustomerTier.GOLD,
    previous_tier=CustomerTier.BRONZE,
    version=4,
)


def test_a_pricing_update_is_seed_004s_event_in_the_crm_envelope() -> None:
    record = outgoing(PublishedEvent(sequence=7, event=PRICING))
    assert record.topic == "inventory.customer.pricing_updated"
    assert json.loads(record.value) == {
        "eventType": "CustomerPricingUpdatedEvent",
        "eventId": "evt-1",
        "timestamp": "2026-03-02T09:30:00Z",
        "aggregateId": "CUST-001",
        "tenantId": "tenant-a",
        "payload": {
            "customerId": "CUST-001",
            "pricingUpdates": [
                {
                    "productId": "PART-OIL",
                    "sku": "OIL-5W30",
                    "customerPrice": 8.00,
                    "discountPercentage": None,
                },
                {
                    "productId": "PART-PAD",
                    "sku": "BRK-PAD",
                    "customerPrice": None,
                    "discountPercentage": 12.5,
                },
            ],
            "version": 3,
        },
    }


def test_a_tier_change_has_its_own_topic_and_payload() -> None:
    record = outgoing(PublishedEvent(sequence=8, event=TIER))
    assert record.topic == "inventory.customer.tier_changed"
    assert json.loads(record.value)["payload"] == {
        "customerId": "CUST-001",
        "tier": "GOLD",
        "previousTier": "BRONZE",
        "version": 4,
    }


@pytest.mark.parametrize("event", [PRICING, TIER])
def test_each_record_reads_back_as_the_fact_it_was_made_of(event: DomainEvent) -> None:
    record = outgoing(PublishedEvent(sequence=9, event=event))
    assert decode(record.topic, record.headers, record.value) == event


def test_a_broken_pricing_line_is_refused_naming_its_payload_field() -> None:
    record = outgoing(PublishedEvent(sequence=9, event=PRICING))
    document = json.loads(record.value)
    document["payload"]["pricingUpdates"][0]["customerPrice"] = "a lot"
    with pytest.raises(MalformedEvent, match=r"pricingUpdates\.0\.customerPrice"):
        decode(record.topic, record.headers, json.dumps(document).encode())
