"""The reservation facts on the wire: CloudEvents of the inventory domain on one topic,
keyed by the stock item, with their payload, each reading back as the fact it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.events import DomainEvent
from domain.inventory.events import (
    ReservationConsumed,
    ReservationExpired,
    ReservationReleased,
    StockReserved,
)
from domain.inventory.reservations import ReferenceType
from subscriptions.wire.registry import decode, encode, route_for

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
UNTIL = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
COMMON = {
    "aggregate_id": "PART-1@LOC-A",
    "tenant_id": "t-1",
    "occurred_at": AT,
    "reservation_id": "RES-001",
    "product_id": "PART-1",
    "sku": "OIL-5W30",
    "location_id": "LOC-A",
    "quantity": Decimal("2.5"),
    "reference_type": ReferenceType.SERVICE_ORDER,
    "reference_id": "SO-1",
    "on_hand": Decimal(10),
    "reserved": Decimal("2.5"),
}
PAYLOAD = {
    "reservationId": "RES-001",
    "productId": "PART-1",
    "sku": "OIL-5W30",
    "locationId": "LOC-A",
    "quantity": 2.5,
    "referenceType": "SERVICE_ORDER",
    "referenceId": "SO-1",
    "onHand": 10,
    "reserved": 2.5,
}


@pytest.mark.parametrize(
    ("fact", "event_type", "extra"),
    [
        (
            StockReserved(**COMMON, expires_at=UNTIL, reserved_by="clerk"),
            "com.durion.inventory.stock_reserved",
            {"expiresAt": "2026-03-03T09:30:00Z", "reservedBy": "clerk"},
        ),
        (
            ReservationReleased(**COMMON, released_by="clerk"),
            "com.durion.inventory.reservation_released",
            {"releasedBy": "clerk"},
        ),
        (
            ReservationConsumed(
                **COMMON,
                consumed_quantity=Decimal(2),
                released_quantity=Decimal("0.5"),
                movement_id="M-1",
                consumed_by="tech",
            ),
            "com.durion.inventory.reservation_consumed",
            {
                "consumedQuantity": 2,
                "releasedQuantity": 0.5,
                "movementId": "M-1",
                "consumedBy": "tech",
            },
        ),
        (
            ReservationExpired(**COMMON, expires_at=UNTIL),
            "com.durion.inventory.reservation_expired",
            {"expiresAt": "2026-03-03T09:30:00Z"},
        ),
    ],
)
def test_a_reservation_fact_is_an_inventory_cloudevent_that_reads_back(
    fact: DomainEvent, event_type: str, extra: dict
) -> None:
    document = json.loads(encode(fact))
    assert route_for(document["type"]).topic == "inventory.stock.reservations"
    assert (document["type"], document["subject"], document["durion:domain"]) == (
        event_type,
        "PART-1@LOC-A",
        "inventory",
    )
    assert document["data"] == PAYLOAD | extra
    assert decode("inventory.stock.reservations", [("tenant-id", b"t-1")], encode(fact)) == fact
