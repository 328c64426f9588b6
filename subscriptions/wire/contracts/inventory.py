"""The stock ledger on the wire, as CloudEvents of the `inventory` domain (seed 001 names
`com.durion.inventory.stock_shortage_alert`; the payloads are the gateway's contract,
docs/inventory.md). Aggregate type `stock_item`, subject the item's id (`PART@LOC`).

`com.durion.inventory.stock_moved` `{productId, sku, locationId, kind, quantity, onHand,
reserved, unitCost, reference, reason, counterpartLocationId, recordedBy, movementId}`;
`com.durion.inventory.stock_shortage_alert` `{productId, sku, locationId, onHand,
reserved, availableQuantity, reorderPoint, detectedAt}`. Quantities are JSON numbers.
"""

from __future__ import annotations

from typing import Any

from domain.instants import utc_text
from domain.inventory.events import StockMoved, StockShortageDetected
from subscriptions.wire.contract import Contract, parsed, read
from subscriptions.wire.event import WireEvent

STOCK_MOVED = "com.durion.inventory.stock_moved"
STOCK_SHORTAGE_ALERT = "com.durion.inventory.stock_shortage_alert"

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


def _moved(event: StockMoved) -> dict[str, Any]:
    return {payload: getattr(event, fact) for fact, payload in MOVED.items()} | {
        "kind": event.kind.value
    }


def _shortage(event: StockShortageDetected) -> dict[str, Any]:
    return {payload: getattr(event, fact) for fact, payload in SHORTAGE.items()} | {
        "availableQuantity": event.on_hand - event.reserved,
        "detectedAt": utc_text(event.occurred_at),
    }


def _moved_fact(wire: WireEvent) -> StockMoved:
    return parsed(StockMoved, wire, read(wire.payload, MOVED), MOVED)


def _shortage_fact(wire: WireEvent) -> StockShortageDetected:
    return parsed(StockShortageDetected, wire, read(wire.payload, SHORTAGE), SHORTAGE)


CONTRACTS = (
    Contract(StockMoved, STOCK_MOVED, _moved, _moved_fact),
    Contract(StockShortageDetected, STOCK_SHORTAGE_ALERT, _shortage, _shortage_fact),
)
