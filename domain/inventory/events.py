"""What the stock ledger tells other systems.

`StockMoved` is one fact for every kind of movement, with its kind, rather than a class
per kind (StockReceived, StockIssued...): every movement has the same shape, the readers
(a stock screen, valuation, replenishment) want all of them in ledger order on one
topic, and the kinds still to come (consumption by service orders, returns, releases of
reservations) then add no class, contract or topic. A transfer is two facts, one per
stock item it changed (TRANSFER_OUT and TRANSFER_IN), because each aggregate records
only what happened to itself.

`StockShortageDetected` is seed 001's `stock_shortage_alert`: recorded when a change
takes on-hand from above the reorder point to at or below it, once per dip (a run of
issues below the point does not repeat it; a receipt back above it re-arms it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.events import DomainEvent
from domain.inventory.movements import MovementKind

STOCK_ITEM = "stock_item"


@dataclass(frozen=True, kw_only=True)
class StockMoved(DomainEvent):
    """A movement was written to the ledger; `on_hand` and `reserved` are the item's
    figures after it."""

    aggregate_type = STOCK_ITEM

    movement_id: str
    kind: MovementKind
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    on_hand: Decimal
    reserved: Decimal
    unit_cost: Decimal | None
    reference: str | None
    reason: str | None
    counterpart_location_id: str | None
    recorded_by: str


@dataclass(frozen=True, kw_only=True)
class StockShortageDetected(DomainEvent):
    """On-hand fell to or below the reorder point of a part at a location."""

    aggregate_type = STOCK_ITEM

    product_id: str
    sku: str
    location_id: str
    on_hand: Decimal
    reserved: Decimal
    reorder_point: Decimal


EVENTS = (StockMoved, StockShortageDetected)
