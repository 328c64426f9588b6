"""Stock levels and the ledger."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.identity import Permission
from resolvers.inventory import levels, reservations
from schema.context import Info
from schema.inventory.types import (
    MovementKind,
    ReferenceType,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMovement,
)
from schema.paging import Page, page_request
from schema.permissions import requires


@strawberry.type
class StockQueries:
    @strawberry.field(
        description="A part's stock at every location that holds it, or at `locationId` only "
        "(zeros at version 0 if never stocked there).",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock_levels(
        self, info: Info, sku: str, location_id: strawberry.ID | None = None
    ) -> list[StockLevel]:
        found = await levels.stock_levels(info.context.uow, sku, location_id)
        return [StockLevel.from_domain(item) for item in found]

    @strawberry.field(
        description="The ledger, newest first, filtered by SKU, location, reference, kind and "
        "period (`since` inclusive, `until` exclusive).",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock_movements(
        self,
        info: Info,
        sku: str | None = None,
        location_id: strawberry.ID | None = None,
        reference: str | None = None,
        kind: MovementKind | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[StockMovement]:
        page = await levels.stock_movements(
            info.context.uow,
            page_request(page_index, page_size),
            sku=sku,
            location_id=location_id,
            reference=reference,
            kind=kind,
            since=since,
            until=until,
        )
        return Page.of(page, StockMovement.from_domain)

    @strawberry.field(
        description="Reservations, newest first, by part (productId or sku), location, "
        "reference and status.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def reservations(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        sku: str | None = None,
        location_id: strawberry.ID | None = None,
        reference_type: ReferenceType | None = None,  # type: ignore[valid-type]
        reference_id: str | None = None,
        status: ReservationStatus | None = None,  # type: ignore[valid-type]
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[Reservation]:
        page = await reservations.reservations(
            info.context.uow,
            page_request(page_index, page_size),
            product_id=product_id,
            sku=sku,
            location_id=location_id,
            reference_type=reference_type,
            reference_id=reference_id,
            status=status,
        )
        return Page.of(page, Reservation.from_domain)
