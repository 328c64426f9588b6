"""What the stock ledger tells other systems.

`StockMoved` is one fact for every kind of movement, with its kind, rather than a class
per kind (StockReceived, StockIssued...): every movement has the same shape, the readers
(a stock screen, valuation, replenishment) want all of them in ledger order on one
topic, and the kinds still to come (consumption by service orders, returns, releases of
reservations) then add no class, contract or topic. A transfer is two facts, one per
stock item it changed (TRANSFER_OUT and TRANSFER_IN), because each aggregate records
only what happened to itself.

Reservations are four facts, not one with a kind: they differ in shape (a reservation
names its expiry, a consumption its movement and what it gave back, a release who gave
it back) and in who acts on them (a sales order waits for StockReserved, a planner for
ReservationExpired). They share one topic, keyed by the item, so a reader sees each
item's reservations in the order they happened.

`StockShortageDetected` is seed 001's `stock_shortage_alert`: recorded when a change
takes on-hand from above the reorder point to at or below it, once per dip (a run of
issues below the point does not repeat it; a receipt back above it re-arms it), and
whenever a service order used more than the ledger had there (`shortfall`, the part of
the usage no stock was issued for, and `reference`, the order), each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.events import DomainEvent
from domain.inventory.movements import MovementKind
from domain.inventory.reservations import ReferenceType

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
    """On-hand fell to or below the reorder point of a part at a location, or work used
    `shortfall` more than was available for it (`reference`: the work)."""

    aggregate_type = STOCK_ITEM

    product_id: str
    sku: str
    location_id: str
    on_hand: Decimal
    reserved: Decimal
    reorder_point: Decimal
    shortfall: Decimal | None = None
    reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class StockReserved(DomainEvent):
    """A quantity is held for a piece of work until `expires_at`; `on_hand` and
    `reserved` are the item's figures after it."""

    aggregate_type = STOCK_ITEM

    reservation_id: str
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    reference_type: ReferenceType
    reference_id: str
    expires_at: datetime
    on_hand: Decimal
    reserved: Decimal
    reserved_by: str


@dataclass(frozen=True, kw_only=True)
class ReservationReleased(DomainEvent):
    """Someone gave a reservation back: its quantity is available again."""

    aggregate_type = STOCK_ITEM

    reservation_id: str
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    reference_type: ReferenceType
    reference_id: str
    on_hand: Decimal
    reserved: Decimal
    released_by: str


@dataclass(frozen=True, kw_only=True)
class ReservationConsumed(DomainEvent):
    """The reserved stock left as the CONSUMPTION movement `movement_id` (its StockMoved is
    recorded just before); `released_quantity` is what was held but not taken."""

    aggregate_type = STOCK_ITEM

    reservation_id: str
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    consumed_quantity: Decimal
    released_quantity: Decimal
    movement_id: str
    reference_type: ReferenceType
    reference_id: str
    on_hand: Decimal
    reserved: Decimal
    consumed_by: str


@dataclass(frozen=True, kw_only=True)
class ReservationExpired(DomainEvent):
    """A reservation's time passed before it was consumed or released; `occurred_at` is
    the instant it was found due (the sweeper's clock), `expires_at` the time it had."""

    aggregate_type = STOCK_ITEM

    reservation_id: str
    product_id: str
    sku: str
    location_id: str
    quantity: Decimal
    reference_type: ReferenceType
    reference_id: str
    expires_at: datetime
    on_hand: Decimal
    reserved: Decimal


RESERVATION_EVENTS = (StockReserved, ReservationReleased, ReservationConsumed, ReservationExpired)
EVENTS = (StockMoved, StockShortageDetected, *RESERVATION_EVENTS)
