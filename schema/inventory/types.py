"""Stock levels and ledger lines as clients see them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.inventory import movements as domain
from domain.inventory import reservations as held
from domain.inventory.stock import StockItem
from schema.context import Info
from schema.permissions import requires
from schema.references import LocationType, PartType, location_of, part_of


@strawberry.type
class StockParties:
    """The part and location every stock record is of, as ids and as objects read
    through the request's DataLoaders; each link needs the read permission of what it
    leads to."""

    product_id: strawberry.ID
    location_id: strawberry.ID

    @strawberry.field(
        description="The catalog part.", permission_classes=[requires(Permission.CATALOG_READ)]
    )
    async def part(self, info: Info) -> PartType | None:
        return await part_of(info, str(self.product_id))

    @strawberry.field(
        description="The location the stock is at.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def location(self, info: Info) -> LocationType | None:
        return await location_of(info, str(self.location_id))


MovementKind = strawberry.enum(
    domain.MovementKind,
    description="Why stock moved: RECEIPT, ISSUE, TRANSFER_OUT/TRANSFER_IN, ADJUSTMENT "
    "(with a reason), CONSUMPTION by a service order, RETURN.",
)


ReferenceType = strawberry.enum(
    held.ReferenceType, description="What a reservation holds stock for."
)
ReservationStatus = strawberry.enum(
    held.ReservationStatus,
    description="ACTIVE holds stock; RELEASED, CONSUMED and EXPIRED are final.",
)


@strawberry.type(description="A quantity of a part at a location held for a piece of work.")
class Reservation(StockParties):
    reservation_id: strawberry.ID
    quantity: Decimal
    reference_type: ReferenceType  # type: ignore[valid-type]
    reference_id: str
    expires_at: datetime
    status: ReservationStatus  # type: ignore[valid-type]
    reserved_by: str
    reserved_at: datetime
    consumed_quantity: Decimal | None = strawberry.field(
        description="What a CONSUMED reservation took; the rest was given back."
    )
    movement_id: strawberry.ID | None = strawberry.field(
        description="The CONSUMPTION movement of the ledger that consumed it."
    )
    ended_by: str | None = strawberry.field(description="None for an expiry.")
    ended_at: datetime | None

    @classmethod
    def from_domain(cls, r: held.Reservation) -> Reservation:
        return cls(
            reservation_id=strawberry.ID(r.id),
            product_id=strawberry.ID(r.product_id),
            location_id=strawberry.ID(r.location_id),
            quantity=r.quantity,
            reference_type=r.reference_type,
            reference_id=r.reference_id,
            expires_at=r.expires_at,
            status=r.status,
            reserved_by=r.reserved_by,
            reserved_at=r.reserved_at,
            consumed_quantity=r.consumed_quantity,
            movement_id=strawberry.ID(r.movement_id) if r.movement_id else None,
            ended_by=r.ended_by,
            ended_at=r.ended_at,
        )


@strawberry.type(description="Stock of one part at one location.")
class StockLevel(StockParties):
    sku: str
    on_hand: Decimal = strawberry.field(description="The sum of the pair's movements.")
    reserved: Decimal
    available: Decimal = strawberry.field(description="onHand - reserved: what may be issued.")
    reorder_point: Decimal
    lead_time_days: int = strawberry.field(
        description="Days a reorder takes to arrive here (setReorderPoint sets it)."
    )
    version: int = strawberry.field(
        description="Send back with setReorderPoint; 0 for a pair never stocked."
    )
    updated_at: datetime | None

    @strawberry.field(
        description="Its ACTIVE reservations, soonest to expire first.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def reservations(self, info: Info) -> list[Reservation]:
        found = await info.context.loaders.reservations_of_level.load(
            (str(self.product_id), str(self.location_id))
        )
        return [Reservation.from_domain(r) for r in found]

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
            lead_time_days=item.lead_time_days,
            version=item.version,
            updated_at=item.updated_at,
        )


@strawberry.type(description="A line of the stock ledger; never changed once written.")
class StockMovement(StockParties):
    movement_id: strawberry.ID
    kind: MovementKind
    sku: str
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

    @strawberry.field(
        description="A transfer's other location.",
        permission_classes=[requires(Permission.LOCATION_READ)],
    )
    async def counterpart_location(self, info: Info) -> LocationType | None:
        if self.counterpart_location_id is None:
            return None
        return await location_of(info, str(self.counterpart_location_id))

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


@strawberry.type(description="A reservation and the level it left.")
class ReservationChange:
    reservation: Reservation
    level: StockLevel
    movement: StockMovement | None = strawberry.field(
        description="The CONSUMPTION movement, for consumeReservation."
    )
