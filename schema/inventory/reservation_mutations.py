"""Reservations: reserve, release, consume. They take no version: each decides on the
latest figures under the item's row lock (docs/inventory.md, "Reservations")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from resolvers.inventory import reservations
from schema.context import Info
from schema.inventory.types import (
    ReferenceType,
    Reservation,
    ReservationChange,
    StockLevel,
    StockMovement,
)
from schema.permissions import requires


@strawberry.input
class ReserveStockInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The part, by id or by sku (both, if they agree)."
    )
    sku: str | None = None
    location_id: strawberry.ID
    quantity: Decimal
    reference_type: ReferenceType  # type: ignore[valid-type]
    reference_id: str
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="In the future, at most 90 days ahead (a week from now if left out); "
        "then the sweeper expires it.",
    )


@strawberry.input
class ConsumeReservationInput:
    reservation_id: strawberry.ID
    quantity: Decimal | None = strawberry.field(
        default=None, description="What was taken (all it holds if none); the rest is released."
    )


@strawberry.type
class ReservationMutations:
    @strawberry.mutation(
        description="Hold stock for a piece of work until expiresAt; more than available is "
        "INSUFFICIENT_STOCK with sku, locationId, available and requested in extensions.",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def reserve_stock(self, info: Info, input: ReserveStockInput) -> ReservationChange:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        item, reservation = await reservations.reserve_stock(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.product_id,
            input.sku,
            input.location_id,
            input.quantity,
            input.reference_type,
            input.reference_id,
            input.expires_at,
            alone=info.context.reading_uow,
        )
        return ReservationChange(
            reservation=Reservation.from_domain(reservation),
            level=StockLevel.from_domain(item),
            movement=None,
        )

    @strawberry.mutation(
        description="Give an ACTIVE reservation back (RESERVATION_NOT_ACTIVE otherwise).",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def release_reservation(
        self, info: Info, reservation_id: strawberry.ID
    ) -> ReservationChange:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        item, reservation = await reservations.release_reservation(
            info.context.uow, info.context.clock, principal.user_id, reservation_id
        )
        return ReservationChange(
            reservation=Reservation.from_domain(reservation),
            level=StockLevel.from_domain(item),
            movement=None,
        )

    @strawberry.mutation(
        description="The reserved stock left: a CONSUMPTION movement; consuming less than "
        "reserved gives the rest back, more is RESERVATION_EXCEEDED.",
        permission_classes=[requires(Permission.INVENTORY_WRITE)],
    )
    async def consume_reservation(
        self, info: Info, input: ConsumeReservationInput
    ) -> ReservationChange:
        principal = info.context.require(Permission.INVENTORY_WRITE)
        item, reservation, movement = await reservations.consume_reservation(
            info.context.uow,
            info.context.clock,
            principal.user_id,
            input.reservation_id,
            input.quantity,
        )
        return ReservationChange(
            reservation=Reservation.from_domain(reservation),
            level=StockLevel.from_domain(item),
            movement=StockMovement.from_domain(movement),
        )
