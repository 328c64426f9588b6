"""Stock levels and ledger lines as clients see them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.inventory import movements as domain
from domain.inventory.stock import StockItem

MovementKind = strawberry.enum(
    domain.MovementKind,
    description="Why stock moved: RECEIPT, ISSUE, TRANSFER_OUT/TRANSFER_IN, ADJUSTMENT "
    "(with a reason), CONSUMPTION by a service order, RETURN.",
)


@strawberry.type(description="Stock of one part at one location.")
class StockLevel:
    product_id: strawberry.ID
    sku: str
    location_id: strawberry.ID
    on_hand: Decimal = strawberry.field(description="The sum of the pair's movements.")
    reserved: Decimal
    available: Decimal = strawberry.field(description="onHand - reserved: what may be issued.")
    reorder_point: Decimal
    version: int = strawberry.field(
        description="Send back with setReorderPoint; 0 for a pair never stocked."
    )
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, item: StockItem) -> StockLevel:
        return cls(
            product_id=strawberry.ID(item.product_id),
            sku=item.sku,
            location_id=strawberry.ID(item.location_id),
            on_hand=item.on_hand,
            reserved=item.reserved,
            available=item.available,
            reorder_point=item.reorder_point,
            version=item.version,
            updated_at=item.updated_at,
        )


@strawberry.type(description="A line of the stock ledger; never changed once written.")
class StockMovement:
    movement_id: strawberry.ID
    kind: MovementKind
    product_id: strawberry.ID
    sku: str
    location_id: strawberry.ID
    quantity: Decimal = strawberry.field(
        description="The signed change to on-hand: positive in, negative out."
    )
    on_hand_after: Decimal
    unit_cost: Decimal | None
    reference: str | None
    reason: str | None
    counterpart_location_id: strawberry.ID | None = strawberry.field(
        description="A transfer's other location."
    )
    recorded_by: str
    occurred_at: datetime

    @classmethod
    def from_domain(cls, m: domain.StockMovement) -> StockMovement:
        return cls(
            movement_id=strawberry.ID(m.id),
            kind=m.kind,
            product_id=strawberry.ID(m.product_id),
            sku=m.sku,
            location_id=strawberry.ID(m.location_id),
            quantity=m.quantity,
            on_hand_after=m.on_hand_after,
            unit_cost=m.unit_cost,
            reference=m.reference,
            reason=m.reason,
            counterpart_location_id=(
                strawberry.ID(m.counterpart_location_id) if m.counterpart_location_id else None
            ),
            recorded_by=m.recorded_by,
            occurred_at=m.occurred_at,
        )


@strawberry.type(description="A movement and the level it left.")
class StockChange:
    movement: StockMovement
    level: StockLevel

    @classmethod
    def of(cls, change: tuple[StockItem, domain.StockMovement]) -> StockChange:
        item, movement = change
        return cls(movement=StockMovement.from_domain(movement), level=StockLevel.from_domain(item))


@strawberry.type(description="Both legs of a transfer and the levels they left.")
class StockTransfer:
    out: StockMovement
    into: StockMovement
    source: StockLevel
    target: StockLevel
