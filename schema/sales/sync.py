"""Order-inventory sync: an allocated order's lines held again where their reservations
ended (docs/sales.md, "Sync")."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.sales import events
from resolvers.sales import sync
from schema.context import Info
from schema.inventory.types import Reservation
from schema.permissions import requires
from schema.sales.links import AtLocation, reservation_of
from schema.sales.types import SalesOrder


@strawberry.type(description="A line held again by a new reservation.")
class LineReservedAgain:
    line_number: int
    sku: str
    previous_reservation_id: strawberry.ID
    reservation_id: strawberry.ID

    @strawberry.field(description="The reservation that had ended (expired or released).")
    async def previous_reservation(self, info: Info) -> Reservation | None:
        return await reservation_of(info, self.previous_reservation_id)

    @strawberry.field(description="The reservation holding the line now.")
    async def reservation(self, info: Info) -> Reservation | None:
        return await reservation_of(info, self.reservation_id)

    @classmethod
    def from_domain(cls, a: events.LineReservedAgain) -> LineReservedAgain:
        return cls(
            line_number=a.line_number,
            sku=a.sku,
            previous_reservation_id=strawberry.ID(a.previous_reservation_id),
            reservation_id=strawberry.ID(a.reservation_id),
        )


@strawberry.type(description="A line whose reservation ended and whose stock is not there.")
class LineStillShort(AtLocation):
    line_number: int
    sku: str
    location_id: strawberry.ID
    required: Decimal
    available: Decimal

    @classmethod
    def from_domain(cls, s: events.LineStillShort) -> LineStillShort:
        return cls(
            line_number=s.line_number,
            sku=s.sku,
            location_id=strawberry.ID(s.location_id),
            required=s.required,
            available=s.available,
        )


@strawberry.type(description="What a sync found and did for one order.")
class OrderSyncResult:
    order_id: strawberry.ID
    in_sync: bool = strawberry.field(description="Every line is held by an ACTIVE reservation.")
    reserved_again: list[LineReservedAgain]
    still_short: list[LineStillShort]
    order: SalesOrder

    @classmethod
    def from_domain(cls, synced: sync.OrderSync) -> OrderSyncResult:
        return cls(
            order_id=strawberry.ID(synced.order.id),
            in_sync=not synced.still_short,
            reserved_again=[LineReservedAgain.from_domain(a) for a in synced.reserved_again],
            still_short=[LineStillShort.from_domain(s) for s in synced.still_short],
            order=SalesOrder.from_domain(synced.order),
        )


@strawberry.type
class SyncMutations:
    @strawberry.mutation(
        description="Hold again the lines of an INVENTORY_ALLOCATED order whose reservations "
        "ended (expired, released), as far as stock goes; other orders have nothing to sync.",
        permission_classes=[requires(Permission.SALES_ORDER_WRITE)],
    )
    async def sync_order_with_inventory(
        self, info: Info, order_id: strawberry.ID
    ) -> OrderSyncResult:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        synced = await sync.sync_order_with_inventory(
            info.context.uow, info.context.clock, principal.user_id, order_id
        )
        return OrderSyncResult.from_domain(synced)

    @strawberry.mutation(
        description="Sync every INVENTORY_ALLOCATED order; the ones that had drifted.",
        permission_classes=[requires(Permission.SALES_ORDER_WRITE)],
    )
    async def sync_all_pending_orders(self, info: Info) -> list[OrderSyncResult]:
        principal = info.context.require(Permission.SALES_ORDER_WRITE)
        synced = await sync.sync_all_pending_orders(
            info.context.uow, info.context.clock, principal.user_id
        )
        return [OrderSyncResult.from_domain(s) for s in synced]
