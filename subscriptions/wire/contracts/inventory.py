"""The stock ledger on the wire, as CloudEvents of the `inventory` domain (seed 001 names
`com.durion.inventory.stock_shortage_alert`; the payloads are the gateway's contract,
docs/inventory.md). Aggregate type `stock_item`, subject the item's id (`PART@LOC`).

`com.durion.inventory.stock_moved` `{productId, sku, locationId, kind, quantity, onHand,
reserved, unitCost, reference, reason, counterpartLocationId, recordedBy, movementId}`;
`com.durion.inventory.stock_shortage_alert` `{productId, sku, locationId, onHand,
reserved, availableQuantity, reorderPoint, detectedAt}`. Reservations: `stock_reserved`,
`reservation_released`, `reservation_consumed`, `reservation_expired`, each `{reservationId,
productId, sku, locationId, quantity, referenceType, referenceId, onHand, reserved}` plus
`expiresAt, reservedBy` / `releasedBy` / `consumedQuantity, releasedQuantity, movementId,
consumedBy` / `expiresAt`. Quantities are JSON numbers.
"""

from __future__ import annotations

from typing import Any

from domain.instants import utc_text
from domain.inventory.events import (
    ReservationConsumed,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
    StockShortageDetected,
)
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent
from subscriptions.wire.payload_schema import INSTANT, NUMBER, Schema, record

STOCK_MOVED = "com.durion.inventory.stock_moved"
STOCK_SHORTAGE_ALERT = "com.durion.inventory.stock_shortage_alert"
STOCK_RESERVED = "com.durion.inventory.stock_reserved"
RESERVATION_RELEASED = "com.durion.inventory.reservation_released"
RESERVATION_CONSUMED = "com.durion.inventory.reservation_consumed"
RESERVATION_EXPIRED = "com.durion.inventory.reservation_expired"

ITEM = {"product_id": "productId", "sku": "sku", "location_id": "locationId"}
MOVED = {
    **ITEM,
    "movement_id": "movementId",
    "kind": "kind",
    "quantity": "quantity",
    "on_hand": "onHand",
    "reserved": "reserved",
    "unit_cost": "unitCost",
    "reference": "reference",
    "reason": "reason",
    "counterpart_location_id": "counterpartLocationId",
    "recorded_by": "recordedBy",
}
SHORTAGE = {**ITEM, "on_hand": "onHand", "reserved": "reserved", "reorder_point": "reorderPoint"}
SHORTFALL = {"shortfall": "shortQuantity", "reference": "reference"}
"""Only in an alert of work that used more than was in stock: a reorder-point alert keeps
seed 001's fields alone."""
RESERVATION = {
    **ITEM,
    "reservation_id": "reservationId",
    "quantity": "quantity",
    "reference_type": "referenceType",
    "reference_id": "referenceId",
    "on_hand": "onHand",
    "reserved": "reserved",
}
RESERVED = {**RESERVATION, "expires_at": "expiresAt", "reserved_by": "reservedBy"}
RELEASED = {**RESERVATION, "released_by": "releasedBy"}
CONSUMED = {
    **RESERVATION,
    "consumed_quantity": "consumedQuantity",
    "released_quantity": "releasedQuantity",
    "movement_id": "movementId",
    "consumed_by": "consumedBy",
}
EXPIRED = {**RESERVATION, "expires_at": "expiresAt"}


def _moved(event: StockMoved) -> dict[str, Any]:
    return {payload: getattr(event, fact) for fact, payload in MOVED.items()} | {
        "kind": event.kind.value
    }


def _shortage(event: StockShortageDetected) -> dict[str, Any]:
    document = {payload: getattr(event, fact) for fact, payload in SHORTAGE.items()} | {
        "availableQuantity": event.on_hand - event.reserved,
        "detectedAt": utc_text(event.occurred_at),
    }
    if event.shortfall is not None:
        document |= {payload: getattr(event, fact) for fact, payload in SHORTFALL.items()}
    return document


def _moved_fact(wire: WireEvent) -> StockMoved:
    return parsed(StockMoved, wire, read(wire.payload, MOVED), MOVED)


def _shortage_fact(wire: WireEvent) -> StockShortageDetected:
    names = SHORTAGE | SHORTFALL
    return parsed(StockShortageDetected, wire, read(wire.payload, names), names)


def _reservation_contract(
    event_class: type[Any], event_type: str, names: dict[str, str]
) -> Contract:
    """Reservation facts go out field for field: enums as their names, instants as UTC
    text."""

    def payload(event: Any) -> dict[str, Any]:
        document = {field: getattr(event, fact) for fact, field in names.items()}
        document["referenceType"] = event.reference_type.value
        if "expiresAt" in document:
            document["expiresAt"] = utc_text(event.expires_at)
        return document

    def fact(wire: WireEvent) -> Any:
        return parsed(event_class, wire, read(wire.payload, names), names)

    return Contract(event_class, event_type, payload, fact)


CONTRACTS = (
    Contract(StockMoved, STOCK_MOVED, _moved, _moved_fact),
    Contract(StockShortageDetected, STOCK_SHORTAGE_ALERT, _shortage, _shortage_fact),
    _reservation_contract(StockReserved, STOCK_RESERVED, RESERVED),
    _reservation_contract(ReservationReleased, RESERVATION_RELEASED, RELEASED),
    _reservation_contract(ReservationConsumed, RESERVATION_CONSUMED, CONSUMED),
    _reservation_contract(ReservationExpired, RESERVATION_EXPIRED, EXPIRED),
)

SCHEMAS: dict[str, Schema] = {
    STOCK_MOVED: record(StockMoved, MOVED),
    STOCK_SHORTAGE_ALERT: record(
        StockShortageDetected,
        SHORTAGE | SHORTFALL,
        availableQuantity=NUMBER,
        detectedAt=INSTANT,
    ),
    STOCK_RESERVED: record(StockReserved, RESERVED),
    RESERVATION_RELEASED: record(ReservationReleased, RELEASED),
    RESERVATION_CONSUMED: record(ReservationConsumed, CONSUMED),
    RESERVATION_EXPIRED: record(ReservationExpired, EXPIRED),
}
"""Each contract's payload (subscriptions/wire/payload_schema.py), by its name."""
