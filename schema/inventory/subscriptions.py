"""`stockLevelChanged`: a stock screen follows the levels of a location, or of one SKU.

Fed like every live stream: the StockMoved facts the ledger records reach the hub through
the outbox and Kafka (docs/events.md); each movement, a transfer's two legs included,
arrives with the level it left.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from decimal import Decimal

import strawberry

from domain.events import DomainEvent, PublishedEvent
from domain.identity import Permission
from domain.inventory.events import StockMoved
from resolvers.events.streams import status_changes
from schema.context import Info
from schema.inventory.types import MovementKind
from schema.permissions import event_reader, requires


@strawberry.type(description="Stock of a part moved at a location; the level it left.")
class StockLevelChange:
    cursor: str = strawberry.field(description="The event's place in your tenant's stream.")
    event_id: strawberry.ID
    sku: str
    product_id: strawberry.ID
    location_id: strawberry.ID
    kind: MovementKind  # type: ignore[valid-type]
    quantity: Decimal = strawberry.field(description="The signed change to on-hand.")
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    reference: str | None
    changed_at: datetime
    recorded_by: str

    @classmethod
    def from_published(cls, published: PublishedEvent) -> StockLevelChange:
        moved = published.event
        assert isinstance(moved, StockMoved)
        return cls(
            cursor=str(published.sequence),
            event_id=strawberry.ID(moved.event_id),
            sku=moved.sku,
            product_id=strawberry.ID(moved.product_id),
            location_id=strawberry.ID(moved.location_id),
            kind=moved.kind,
            quantity=moved.quantity,
            on_hand=moved.on_hand,
            reserved=moved.reserved,
            available=moved.on_hand - moved.reserved,
            reference=moved.reference,
            changed_at=moved.occurred_at,
            recorded_by=moved.recorded_by,
        )


def _of_sku(sku: str | None, may_see: Callable[[DomainEvent], bool]) -> Callable[..., bool]:
    wanted = None if sku is None else sku.strip().upper()

    def accepts(event: DomainEvent) -> bool:
        return (wanted is None or getattr(event, "sku", "").upper() == wanted) and may_see(event)

    return accepts


@strawberry.type
class StockSubscriptions:
    @strawberry.subscription(
        description="Stock movements as they happen: of one `locationId`, of one `sku`, both, "
        "or every location's.",
        permission_classes=[requires(Permission.INVENTORY_READ)],
    )
    async def stock_level_changed(
        self,
        info: Info,
        location_id: strawberry.ID | None = None,
        sku: str | None = None,
    ) -> AsyncGenerator[StockLevelChange, None]:
        context = info.context
        principal = context.require(Permission.INVENTORY_READ)
        may_see = _of_sku(sku, event_reader(principal, context.clock, Permission.INVENTORY_READ))
        stream = status_changes(
            context.hub,
            context.uow,
            principal.tenant_id,
            may_see,
            StockMoved.__name__,
            None,
            location_id,
        )
        async for published in stream:
            yield StockLevelChange.from_published(published)
