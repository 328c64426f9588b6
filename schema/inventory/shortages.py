"""The stock shortage alerts, as an operations screen lists them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.identity import Permission
from domain.inventory import shortages as domain
from resolvers.inventory import shortages
from schema.context import Info
from schema.inventory.types import StockParties
from schema.paging import Page, page_request
from schema.permissions import requires


@strawberry.type(
    description="A part that ran short at a location: at or below its reorder point, or used "
    "by work beyond its stock (com.durion.inventory.stock_shortage_alert). Informational."
)
class StockShortageAlert(StockParties):
    event_id: strawberry.ID
    sku: str
    on_hand: Decimal
    reserved: Decimal
    reorder_point: Decimal
    shortfall: Decimal | None = strawberry.field(
        description="What work used beyond the stock; null for a reorder-point dip."
    )
    reference: str | None = strawberry.field(description="The work that ran it short.")
    detected_at: datetime

    @classmethod
    def from_domain(cls, a: domain.ShortageAlert) -> StockShortageAlert:
        return cls(
            event_id=strawberry.ID(a.event_id),
            product_id=strawberry.ID(a.product_id),
            sku=a.sku,
            location_id=strawberry.ID(a.location_id),
            on_hand=a.on_hand,
            reserved=a.reserved,
            reorder_point=a.reorder_point,
            shortfall=a.shortfall,
            reference=a.reference,
            detected_at=a.detected_at,
        )


@strawberry.type
class ShortageQueries:
    @strawberry.field(
        description="Stock shortage alerts, newest first, by location, SKU and `since` "
        "(inclusive), as they were consumed from their topic (each once).",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock_shortage_alerts(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        sku: str | None = None,
        since: datetime | None = None,
        page_index: int | None = 0,
        page_size: int | None = 20,
    ) -> Page[StockShortageAlert]:
        page = await shortages.shortage_alerts(
            info.context.uow,
            page_request(page_index, page_size),
            location_id=location_id,
            sku=sku,
            since=since,
        )
        return Page.of(page, StockShortageAlert.from_domain)
