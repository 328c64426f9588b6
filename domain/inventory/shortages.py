"""The stock shortage alerts an operations screen lists (seed 001: fail-open, informational).

`com.durion.inventory.stock_shortage_alert` is what Inventory publishes when a part dips
to its reorder point or work used more than there was. The gateway publishes it for its
own ledger and may share the topic with an Inventory service of its own; either way it
consumes the topic and keeps each alert once (by event id), so one list shows what ran
short, where, when and for which work. Nothing waits for or acts on an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.inventory.events import StockShortageDetected


@dataclass(frozen=True, slots=True)
class ShortageAlert:
    event_id: str
    product_id: str
    sku: str
    location_id: str
    on_hand: Decimal
    reserved: Decimal
    reorder_point: Decimal
    detected_at: datetime
    shortfall: Decimal | None = None
    """What work used beyond the stock, when work ran it short; None for a reorder dip."""
    reference: str | None = None
    """The work that ran it short (a service order), with `shortfall`."""

    @classmethod
    def of(cls, fact: StockShortageDetected) -> ShortageAlert:
        return cls(
            event_id=fact.event_id,
            product_id=fact.product_id,
            sku=fact.sku,
            location_id=fact.location_id,
            on_hand=fact.on_hand,
            reserved=fact.reserved,
            reorder_point=fact.reorder_point,
            detected_at=fact.occurred_at,
            shortfall=fact.shortfall,
            reference=fact.reference,
        )


@dataclass(frozen=True, slots=True)
class ShortageFilter:
    """Which alerts a reader asks for; None matches any; `since` is inclusive."""

    location_id: str | None = None
    sku: str | None = None
    since: datetime | None = None
